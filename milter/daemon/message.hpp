// message.hpp - one SMTP transaction as the milter sees it, without libmilter.
//
// Pure logic shared by the callbacks: which answer a resolved recipient
// gets inside its transaction (one route per transaction for the header
// hook, a bounded number of recipients), what the whole message gets at end
// of message (hop count, trace loop, headers to add), and the log lines for
// both.  Nothing here talks to the MTA, so it is unit-tested directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/reply.hpp"
#include "core/rules.hpp"
#include "core/trace.hpp"
#include "runtime/resolve.hpp"

namespace splitroute::daemon {

inline constexpr std::size_t kMaxRecipients = 1000;   // accepted per transaction
inline constexpr std::size_t kMaxReplyText = 980;     // libmilter's line limit

// Replies of the milter itself, beyond the core's catalogue.
core::Reply bad_address_reply();          // 501 5.1.3 Bad recipient address syntax
core::Reply too_many_recipients_reply();  // 452 4.5.3 Too many recipients

// esmtp_size - the SIZE= value among MAIL FROM's ESMTP arguments (nullopt
// when absent or not a plain decimal number).
std::optional<std::uint64_t> esmtp_size(std::span<const std::string_view> args);

// route_key - "smtp:[host]:port" (the X-Splitroute-Route value) for a relay
// through a connector with hook "header", "" for any other answer.  Postfix's
// FILTER takes one destination, so it is the connector's first smarthost.
std::string route_key(const core::Ruleset& rules, const runtime::Resolution& resolution);

// escape_reply_text - `text` for smfi_setreply: '%' doubled, control
// characters as '?', at most kMaxReplyText bytes before escaping.
std::string escape_reply_text(std::string_view text);

enum class Admission { accept, different_route, too_many };

// Transaction - the accepted recipients' shared route.  The first accepted
// recipient fixes the route key; later ones must match it.
class Transaction {
 public:
  // admit - record a recipient with `key` if it fits; nothing on refusal.
  Admission admit(std::string_view key);
  std::size_t accepted() const { return accepted_; }
  const std::string& route() const { return route_; }

 private:
  std::size_t accepted_ = 0;
  std::string route_;
};

// Message - the state of one transaction (MAIL FROM to end of message).
struct Message {
  explicit Message(std::string organization) : guard(std::move(organization)) {}
  std::string queue_id;                  // the `i` macro once known
  std::optional<std::uint64_t> size;     // ESMTP SIZE=
  Transaction transaction;
  std::vector<core::RecipientHash> relayed;  // accepted relay recipients
  core::LoopGuard guard;                 // Received: count, our traces
};

struct RcptOutcome {
  std::optional<core::Reply> reply;  // none: let the recipient through
};

// judge_recipient - the answer for `resolution` within `message`, which
// records an accepted recipient (its route; its hash when relayed).
RcptOutcome judge_recipient(const core::Ruleset& rules, const runtime::Resolution& resolution,
                            Message& message);

struct MessageVerdict {
  core::LoopCheck loop;
  std::optional<core::Reply> reply;  // reject the message
  std::string quarantine;            // non-empty: hold it with this reason
};

// judge_message - the end-of-message verdict: hop count (always a reject),
// then a trace loop (reject or quarantine, as loop.action says).
MessageVerdict judge_message(const core::Ruleset& rules, const Message& message);

using Header = std::pair<std::string, std::string>;

// headers_to_add - X-Splitroute-Route when the transaction has a hook
// route, and one X-Splitroute-Trace per relayed recipient.
std::vector<Header> headers_to_add(const Message& message);

// rcpt_log_line - "QID: rcpt=<a@b> domain=b type=T lookup=L verdict=V
// connector=C nexthop=N reply=-|CODE XCODE", plus the observe note.
std::string rcpt_log_line(std::string_view queue_id, std::string_view raw_address, const core::Ruleset& rules,
                          const runtime::Resolution& resolution, const std::optional<core::Reply>& reply);

// message_log_line - "QID: message rcpts=N relayed=N hops=N loop=L
// rcpt_hash=H action=A reply=R", plus the observe note.
std::string message_log_line(const core::Ruleset& rules, const Message& message, const MessageVerdict& verdict);

}  // namespace splitroute::daemon
