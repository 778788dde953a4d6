// message.hpp - one SMTP transaction as the milter sees it, without libmilter.
//
// Pure logic shared by the callbacks: which answer a resolved recipient
// gets inside its transaction (one route per transaction for the header
// hook, a bounded number of recipients), which recipients are rewritten
// for a connector's rewrite_domain, what the whole message gets at end of
// message (hop count, trace loop, headers to add), and the log lines.  Nothing here talks to the MTA, so it is unit-tested directly.
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
// 501 5.1.3 Bad recipient address syntax[: why] (`why` made valid UTF-8).
core::Reply bad_address_reply(std::string_view why = {});
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

// RecipientRewrite - at end of message, the MTA replaces `original` (the
// RCPT TO argument as received, which smfi_delrcpt matches) with
// `replacement`, passing `esmtp_args` so that DSNs still name the original.
struct RecipientRewrite {
  std::string original;     // "<alice@example.com>"
  std::string replacement;  // "<alice@paris.example.local>"
  std::string esmtp_args;   // "ORCPT=rfc822;alice@example.com", the client's NOTIFY= first
};

// xtext - RFC 3461 xtext: '+', '=', controls, space and non-ASCII as "+XX".
std::string xtext(std::string_view text);

// rewrite_for - the rewrite of an accepted recipient relayed through a
// connector with rewrite_domain (nothing otherwise).  `raw` is the RCPT TO
// argument, `esmtp_args` its ESMTP arguments: a client's ORCPT= and
// NOTIFY= are kept, else ORCPT names `raw`.
std::optional<RecipientRewrite> rewrite_for(const core::Ruleset& rules, const runtime::Resolution& resolution,
                                            std::string_view raw, std::span<const std::string_view> esmtp_args);

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

// RecipientList - the accepted recipients for the message's log line,
// "<a@b>,<c@d>", at most kMaxListedRecipients of them and about
// kMaxRecipientList bytes; the rest are only counted.
inline constexpr std::size_t kMaxListedRecipients = 20;
inline constexpr std::size_t kMaxRecipientList = 1000;

struct RecipientList {
  std::string text;
  std::size_t listed = 0;
  std::size_t unlisted = 0;
  void add(std::string_view local, std::string_view domain);
};

// Message - the state of one transaction (MAIL FROM to end of message).
struct Message {
  explicit Message(std::string organization) : guard(std::move(organization)) {}
  std::string queue_id;                  // the `i` macro once known
  std::optional<std::uint64_t> size;     // ESMTP SIZE=
  Transaction transaction;
  std::vector<core::RecipientHash> relayed;  // accepted relay recipients
  std::vector<RecipientRewrite> rewrites;     // to apply at end of message
  RecipientList recipients;              // accepted, for the log
  core::LoopGuard guard;                 // Received: count, our traces
};

// note_rewrite - remember `rewrite` once per original recipient.
void note_rewrite(Message& message, RecipientRewrite rewrite);

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
// append_rcpt_log_line - the same line appended to `line` (a buffer the
// caller reuses: no allocation once it has grown).
void append_rcpt_log_line(std::string& line, std::string_view queue_id, std::string_view raw_address,
                          const core::Ruleset& rules, const runtime::Resolution& resolution,
                          const std::optional<core::Reply>& reply);

// message_log_line - "QID: message rcpts=N to=<a@b>,<c@d> relayed=N
// hops=N loop=L rcpt_hash=H action=A reply=R", plus the observe note;
// to= ends with ",...(+N more)" past the list's bound, is "-" when empty.
std::string message_log_line(const core::Ruleset& rules, const Message& message, const MessageVerdict& verdict);

// rewrite_log_line - "QID: rewrite rcpt=<original> to=<replacement> args=ARGS".
std::string rewrite_log_line(std::string_view queue_id, const RecipientRewrite& rewrite);

}  // namespace splitroute::daemon
