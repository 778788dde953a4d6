// session.hpp - one MTA connection (connection context) and its current
// transaction (message context), as OpenDKIM's connctx/msgctx.
//
// A Connection takes the store's configuration when it opens and keeps it
// until it closes, so a reload never changes the rules under a live
// session.  Each MAIL FROM starts a fresh Message; end of message and abort
// drop it.  The callbacks own Connections through smfi_setpriv.
#pragma once

#include <libmilter/mfapi.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "daemon/message.hpp"
#include "daemon/milter_ctx.hpp"
#include "metrics/metrics.hpp"
#include "runtime/config.hpp"

namespace splitroute::daemon {

class Connection {
 public:
  Connection(runtime::ConfigPtr config, std::string organization);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sfsistat on_envfrom(MilterCtx& ctx, std::span<const std::string_view> args);
  sfsistat on_envrcpt(MilterCtx& ctx, std::span<const std::string_view> args);
  sfsistat on_header(MilterCtx& ctx, std::string_view name, std::string_view value);
  sfsistat on_eom(MilterCtx& ctx);
  void on_abort() { message_.reset(); }

 private:
  const core::Ruleset& rules() const { return config_->rules; }
  bool observing() const { return rules().mode == core::Mode::observe; }
  // message - the current transaction, started if MAIL FROM was not seen.
  Message& message(const MilterCtx& ctx);
  // take_message - the current transaction, moved out: it ends here.
  Message take_message(const MilterCtx& ctx);
  sfsistat apply_message_verdict(MilterCtx& ctx, const Message& message, const MessageVerdict& verdict);
  sfsistat apply_rewrites(MilterCtx& ctx, const Message& message);
  // reply - send `reply` to the MTA (and count it).
  sfsistat reply(MilterCtx& ctx, const core::Reply& reply);

  runtime::ConfigPtr config_;
  std::string organization_;
  std::optional<Message> message_;
  std::shared_ptr<metrics::RecipientCounters> counters_;  // null without metrics
  std::string log_buffer_;  // the recipient's log line, reused
  runtime::Resolution resolution_;  // the recipient being decided, reused
};

// open_connection - a Connection on the current configuration, naming this
// organisation as the rules say (else the MTA's `j` macro, else the host).
std::unique_ptr<Connection> open_connection(const MilterCtx& ctx);

}  // namespace splitroute::daemon
