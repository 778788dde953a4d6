// session.cpp - per-connection and per-message milter logic.
#include "daemon/session.hpp"

#include <unistd.h>

#include <stdexcept>
#include <utility>

#include "daemon/config_store.hpp"
#include "daemon/log.hpp"
#include "runtime/verify.hpp"

namespace splitroute::daemon {
namespace {

const std::string& host_name() {
  static const std::string name = [] {
    char buffer[256] = {};
    if (gethostname(buffer, sizeof buffer - 1) != 0) return std::string();
    return std::string(buffer);
  }();
  return name;
}

// note_queue_id - the `i` macro until the transaction has a queue id (the
// MTA assigns it once; asking again at every recipient costs a copy).
void note_queue_id(const MilterCtx& ctx, Message& message) {
  if (!message.queue_id.empty()) return;
  if (std::optional<std::string> id = ctx.macro("i")) message.queue_id = std::move(*id);
}

const char* queue_id_or_noqueue(const Message& message) {
  return message.queue_id.empty() ? "NOQUEUE" : message.queue_id.c_str();
}

}  // namespace

Connection::Connection(runtime::ConfigPtr config, std::string organization)
    : config_(std::move(config)), organization_(std::move(organization)) {
  if (!config_) throw std::logic_error("connection without a configuration");
  if (metrics::Metrics* m = metrics::installed()) {
    counters_ = m->recipients_for(config_);
    m->connection_opened();
  }
}

Connection::~Connection() {
  if (metrics::Metrics* m = metrics::installed()) m->connection_closed();
}

sfsistat Connection::reply(MilterCtx& ctx, const core::Reply& reply) {
  if (metrics::Metrics* m = metrics::installed()) m->reply(reply.xcode);
  return ctx.reply(reply);
}

Message& Connection::message(const MilterCtx& ctx) {
  if (!message_) message_.emplace(organization_);
  note_queue_id(ctx, *message_);
  return *message_;
}

Message Connection::take_message(const MilterCtx& ctx) {
  Message taken = std::move(message(ctx));
  message_.reset();
  return taken;
}

sfsistat Connection::on_envfrom(MilterCtx& ctx, std::span<const std::string_view> args) {
  message_.reset();
  Message& msg = message(ctx);
  if (args.size() > 1) msg.size = esmtp_size(args.subspan(1));
  log_debug("{}: from={} size={} auth={}", queue_id_or_noqueue(msg), args.empty() ? "" : args[0],
            msg.size ? std::to_string(*msg.size) : "-", ctx.macro("{auth_authen}") ? "yes" : "no");
  return SMFIS_CONTINUE;
}

sfsistat Connection::on_envrcpt(MilterCtx& ctx, std::span<const std::string_view> args) {
  Message& msg = message(ctx);
  std::string from_macro;  // only when the MTA sent no argument
  std::string_view raw = args.empty() ? std::string_view() : args[0];
  if (raw.empty()) raw = from_macro = ctx.macro("{rcpt_addr}").value_or("");
  runtime::Resolution& resolution = resolution_;  // kept: its strings keep their capacity
  runtime::resolve_into(*config_, raw, msg.size, resolution);
  runtime::verify_recipient(*config_, resolution);
  RcptOutcome outcome = judge_recipient(rules(), resolution, msg);
  if (!outcome.reply && !observing()) {
    if (auto rewrite = rewrite_for(rules(), resolution, raw, args.empty() ? args : args.subspan(1))) {
      note_rewrite(msg, std::move(*rewrite));
    }
  }
  if (counters_) counters_->count(resolution);
  log_buffer_.clear();
  append_rcpt_log_line(log_buffer_, msg.queue_id, raw, rules(), resolution, outcome.reply);
  log_line(Level::info, log_buffer_);
  if (resolution.answer.result == core::Lookup::error) {
    log_warning("{}: directory lookup failed: {}", queue_id_or_noqueue(msg), resolution.answer.detail);
  }
  if (resolution.decision.verification == core::Lookup::error) {
    log_warning("{}: verification lookup failed: {}", queue_id_or_noqueue(msg), resolution.verification.detail);
  }
  if (!outcome.reply || observing()) return SMFIS_CONTINUE;
  return reply(ctx, *outcome.reply);
}

sfsistat Connection::on_header(MilterCtx& ctx, std::string_view name, std::string_view value) {
  message(ctx).guard.on_header(name, value);
  return SMFIS_CONTINUE;
}

sfsistat Connection::on_eom(MilterCtx& ctx) {
  Message msg = take_message(ctx);
  MessageVerdict verdict = judge_message(rules(), msg);
  log_line(Level::info, message_log_line(rules(), msg, verdict));
  if (observing()) return SMFIS_CONTINUE;
  if (metrics::Metrics* m = metrics::installed()) m->loop_stopped(verdict.loop.kind);
  return apply_message_verdict(ctx, msg, verdict);
}

sfsistat Connection::apply_message_verdict(MilterCtx& ctx, const Message& msg, const MessageVerdict& verdict) {
  if (verdict.reply) return reply(ctx, *verdict.reply);
  if (!verdict.quarantine.empty() && !ctx.quarantine(verdict.quarantine)) {
    // Letting a looping message through would keep the loop going.
    log_warning("{}: cannot quarantine the message; rejecting it instead", queue_id_or_noqueue(msg));
    return reply(ctx, core::make_reply(core::ReplyKind::routing_loop));
  }
  for (const auto& [name, value] : headers_to_add(msg)) {
    if (ctx.add_header(name, value)) {
      log_debug("{}: added {}: {}", queue_id_or_noqueue(msg), name, value);
    } else {
      log_warning("{}: cannot add header {}", queue_id_or_noqueue(msg), name);
    }
  }
  return apply_rewrites(ctx, msg);
}

// apply_rewrites - add each rewritten recipient, then delete its original.
// A failure defers the whole message (451 4.3.0): delivering it with a
// recipient missing or twice would be worse than a retry.
sfsistat Connection::apply_rewrites(MilterCtx& ctx, const Message& msg) {
  for (const RecipientRewrite& rewrite : msg.rewrites) {
    if (!ctx.add_recipient(rewrite.replacement, rewrite.esmtp_args) || !ctx.delete_recipient(rewrite.original)) {
      log_warning("{}: cannot rewrite recipient {} (does the MTA let milters change recipients?); deferring",
                  queue_id_or_noqueue(msg), rewrite.original);
      return reply(ctx, core::make_reply(core::ReplyKind::internal_error));
    }
    log_line(Level::info, rewrite_log_line(msg.queue_id, rewrite));
  }
  return SMFIS_CONTINUE;
}

std::unique_ptr<Connection> open_connection(const MilterCtx& ctx) {
  runtime::ConfigPtr config = config_store().current();
  if (!config) throw std::runtime_error("no configuration loaded");
  std::string mta_host = ctx.macro("j").value_or("");
  std::string organization = core::choose_organization(config->rules.organization, mta_host, host_name());
  log_debug("connect: daemon={} organization={}", ctx.macro("{daemon_name}").value_or("-"), organization);
  return std::make_unique<Connection>(std::move(config), std::move(organization));
}

}  // namespace splitroute::daemon
