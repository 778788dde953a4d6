// message.cpp - per-transaction decisions and their log lines.
#include "daemon/message.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <initializer_list>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/utf8.hpp"

namespace splitroute::daemon {
namespace {

constexpr std::size_t kMaxLoggedAddress = 400;
constexpr std::size_t kRcptLineCapacity = 256;  // most recipient lines fit

bool observing(const core::Ruleset& rules) { return rules.mode == core::Mode::observe; }

std::string code_pair(const std::optional<core::Reply>& reply) {
  return reply ? reply->code + " " + reply->xcode : "-";
}

// observe_note - what enforce mode would have done, for observe mode logs.
const char* observe_note(const core::Ruleset& rules, const std::optional<core::Reply>& reply, bool quarantine) {
  if (!observing(rules)) return "";
  if (reply) return reply->code.starts_with('4') ? " (observe: would tempfail)" : " (observe: would reject)";
  if (quarantine) return " (observe: would quarantine)";
  return "";
}

// append_all - the parts one after the other; one size change for all of
// them (it builds every recipient's log line, ~18 short parts).
void append_all(std::string& out, std::initializer_list<std::string_view> parts) {
  std::size_t at = out.size();
  std::size_t total = at;
  for (std::string_view part : parts) total += part.size();
  out.resize(total);
  char* cursor = out.data() + at;
  for (std::string_view part : parts) {
    if (!part.empty()) std::memcpy(cursor, part.data(), part.size());
    cursor += part.size();
  }
}

std::string_view without_brackets(std::string_view raw) {
  if (raw.size() >= 2 && raw.front() == '<' && raw.back() == '>') raw = raw.substr(1, raw.size() - 2);
  return raw;
}

// logged_address - the recipient as parsed ("local", "@", "domain"), else
// the raw text without <> (and two empty parts): no copy either way.
std::array<std::string_view, 3> logged_address(std::string_view raw, const runtime::Resolution& r) {
  if (r.error.empty()) return {r.address.local, "@", r.address.written()};
  return {without_brackets(raw).substr(0, kMaxLoggedAddress), "", ""};
}

std::string_view domain_type(const core::Ruleset& rules, const core::Decision& d) {
  if (!d.accepted || *d.accepted >= rules.accepted_domains.size()) return "-";
  return core::to_string(rules.accepted_domains[*d.accepted].type);
}

std::string_view connector_name(const core::Ruleset& rules, const core::Decision& d) {
  if (!d.connector || *d.connector >= rules.send_connectors.size()) return "-";
  return rules.send_connectors[*d.connector].name;
}

const core::Connector* relay_connector(const core::Ruleset& rules, const runtime::Resolution& r) {
  const core::Decision& d = r.decision;
  if (!r.error.empty() || d.verdict != core::Verdict::relay || !d.connector) return nullptr;
  if (*d.connector >= rules.send_connectors.size()) return nullptr;
  return &rules.send_connectors[*d.connector];
}

}  // namespace

core::Reply bad_address_reply(std::string_view why) {
  std::string text = "Bad recipient address syntax";
  if (!why.empty()) text.append(": ").append(core::valid_utf8(why));
  return {"501", "5.1.3", std::move(text)};
}

core::Reply too_many_recipients_reply() { return {"452", "4.5.3", "Too many recipients"}; }

std::optional<std::uint64_t> esmtp_size(std::span<const std::string_view> args) {
  for (std::string_view arg : args) {
    if (arg.size() < 5 || core::ascii::lowercase(arg.substr(0, 5)) != "size=") continue;
    std::string_view digits = arg.substr(5);
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::string route_key(const core::Ruleset& rules, const runtime::Resolution& resolution) {
  const core::Connector* connector = relay_connector(rules, resolution);
  if (connector == nullptr || connector->hook != core::Hook::header || connector->smarthosts.empty()) return {};
  return "smtp:" + connector->smarthosts.front().nexthop();
}

std::string escape_reply_text(std::string_view text) {
  std::string out;
  // Cut at kMaxReplyText, then repair what the cut (or the client) broke.
  const std::string valid = core::valid_utf8(text.substr(0, kMaxReplyText));
  out.reserve(valid.size() + 8);
  for (char c : valid) {
    if (core::ascii::is_control(c)) {
      out += '?';
    } else {
      out += c;
      if (c == '%') out += '%';
    }
  }
  return out;
}

std::string xtext(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto octet = static_cast<unsigned char>(c);
    if (octet > ' ' && octet < 0x7f && c != '+' && c != '=') {
      out += c;
    } else {
      out += fmt::format("+{:02X}", octet);
    }
  }
  return out;
}

std::optional<RecipientRewrite> rewrite_for(const core::Ruleset& rules, const runtime::Resolution& resolution,
                                            std::string_view raw, std::span<const std::string_view> esmtp_args) {
  const core::Connector* connector = relay_connector(rules, resolution);
  if (connector == nullptr || connector->rewrite_domain.empty()) return std::nullopt;
  RecipientRewrite rewrite;
  rewrite.original = std::string(raw);
  rewrite.replacement = fmt::format("<{}@{}>", resolution.address.local, connector->rewrite_domain);
  std::string orcpt;
  for (std::string_view arg : esmtp_args) {
    std::string name = core::ascii::lowercase(arg.substr(0, arg.find('=')));
    if (name == "notify") rewrite.esmtp_args += std::string(arg) + " ";
    if (name == "orcpt") orcpt = std::string(arg);
  }
  if (orcpt.empty()) orcpt = "ORCPT=rfc822;" + xtext(without_brackets(raw));
  rewrite.esmtp_args += orcpt;
  return rewrite;
}

void note_rewrite(Message& message, RecipientRewrite rewrite) {
  auto same = [&](const RecipientRewrite& known) { return known.original == rewrite.original; };
  if (std::none_of(message.rewrites.begin(), message.rewrites.end(), same)) {
    message.rewrites.push_back(std::move(rewrite));
  }
}

void RecipientList::add(std::string_view local, std::string_view domain) {
  std::size_t size = local.size() + domain.size() + 4;  // ",<" "@" ">"
  if (listed >= kMaxListedRecipients || text.size() + size > kMaxRecipientList) {
    ++unlisted;
    return;
  }
  append_all(text, {listed > 0 ? ",<" : "<", local, "@", domain, ">"});
  ++listed;
}

Admission Transaction::admit(std::string_view key) {
  if (accepted_ >= kMaxRecipients) return Admission::too_many;
  if (accepted_ > 0 && key != route_) return Admission::different_route;
  if (accepted_ == 0) route_ = std::string(key);
  ++accepted_;
  return Admission::accept;
}

RcptOutcome judge_recipient(const core::Ruleset& rules, const runtime::Resolution& resolution,
                            Message& message) {
  if (!resolution.error.empty()) return {bad_address_reply(resolution.error)};
  if (resolution.reply) return {resolution.reply};
  switch (message.transaction.admit(route_key(rules, resolution))) {
    case Admission::different_route: return {core::make_reply(core::ReplyKind::different_route)};
    case Admission::too_many: return {too_many_recipients_reply()};
    case Admission::accept: break;
  }
  message.recipients.add(resolution.address.local, resolution.address.domain);
  if (relay_connector(rules, resolution) != nullptr) {
    core::RecipientHash hash = core::recipient_hash(resolution.address.local, resolution.address.domain);
    if (std::find(message.relayed.begin(), message.relayed.end(), hash) == message.relayed.end()) {
      message.relayed.push_back(hash);
    }
  }
  return {};
}

MessageVerdict judge_message(const core::Ruleset& rules, const Message& message) {
  MessageVerdict verdict;
  verdict.loop = core::check_loop(message.guard, rules.loop.max_hops, message.relayed);
  switch (verdict.loop.kind) {
    case core::LoopKind::hop_count:
      verdict.reply = core::make_reply(core::ReplyKind::hop_count_exceeded);
      break;
    case core::LoopKind::trace:
      if (rules.loop.action == core::LoopAction::quarantine) {
        verdict.quarantine = fmt::format("Routing loop detected: rcpt={} org={}", core::format_hash(verdict.loop.rcpt),
                                         message.guard.organization());
      } else {
        verdict.reply = core::make_reply(core::ReplyKind::routing_loop);
      }
      break;
    case core::LoopKind::none: break;
  }
  return verdict;
}

std::vector<Header> headers_to_add(const Message& message) {
  std::vector<Header> headers;
  if (!message.transaction.route().empty()) {
    headers.emplace_back(std::string(core::kRouteHeader), message.transaction.route());
  }
  for (core::RecipientHash hash : message.relayed) {
    headers.emplace_back(std::string(core::kTraceHeader), core::format_trace(message.guard.organization(), hash));
  }
  return headers;
}

void append_rcpt_log_line(std::string& line, std::string_view queue_id, std::string_view raw_address,
                          const core::Ruleset& rules, const runtime::Resolution& resolution,
                          const std::optional<core::Reply>& reply) {
  // Written for every recipient, so built by appending parts to one
  // string the caller keeps: no format parsing, no temporary strings, and
  // once the string has grown, no allocation.
  const core::Decision& d = resolution.decision;
  bool parsed = resolution.error.empty();
  auto [local, at, domain] = logged_address(raw_address, resolution);
  append_all(line, {queue_id.empty() ? "NOQUEUE" : queue_id, ": rcpt=<", local, at, domain, "> domain=",
                    parsed ? std::string_view(resolution.address.domain) : "-", " type=", domain_type(rules, d),
                    " lookup=", core::to_string(d.lookup), " verdict=",
                    parsed ? core::to_string(d.verdict) : "reject", " connector=", connector_name(rules, d),
                    " nexthop="});
  if (!core::append_nexthop(line, rules, d, ",")) line.push_back('-');
  if (d.verification != core::Lookup::none) append_all(line, {" verify=", core::to_string(d.verification)});
  append_all(line, {" reply=", reply ? std::string_view(reply->code) : "-", reply ? " " : "",
                    reply ? std::string_view(reply->xcode) : "", observe_note(rules, reply, false)});
}

std::string rcpt_log_line(std::string_view queue_id, std::string_view raw_address, const core::Ruleset& rules,
                          const runtime::Resolution& resolution, const std::optional<core::Reply>& reply) {
  std::string line;
  line.reserve(kRcptLineCapacity);
  append_rcpt_log_line(line, queue_id, raw_address, rules, resolution, reply);
  return line;
}

std::string message_log_line(const core::Ruleset& rules, const Message& message, const MessageVerdict& verdict) {
  const char* action = verdict.reply ? "reject" : verdict.quarantine.empty() ? "accept" : "quarantine";
  std::string hash = verdict.loop.kind == core::LoopKind::trace ? core::format_hash(verdict.loop.rcpt) : "-";
  const RecipientList& list = message.recipients;
  std::string more = list.unlisted > 0 ? fmt::format("{}...(+{} more)", list.text.empty() ? "" : ",", list.unlisted) : "";
  return fmt::format("{}: message rcpts={} to={}{} relayed={} hops={} loop={} rcpt_hash={} action={} reply={}{}",
                     message.queue_id.empty() ? "NOQUEUE" : message.queue_id, message.transaction.accepted(),
                     list.text.empty() && more.empty() ? "-" : std::string_view(list.text), more,
                     message.relayed.size(), message.guard.hops(), core::to_string(verdict.loop.kind), hash,
                     observing(rules) ? "accept" : action, code_pair(verdict.reply),
                     observe_note(rules, verdict.reply, !verdict.quarantine.empty()));
}

std::string rewrite_log_line(std::string_view queue_id, const RecipientRewrite& rewrite) {
  return fmt::format("{}: rewrite rcpt=<{}> to={} args={}", queue_id.empty() ? "NOQUEUE" : queue_id,
                     without_brackets(rewrite.original).substr(0, kMaxLoggedAddress), rewrite.replacement,
                     rewrite.esmtp_args.substr(0, kMaxLoggedAddress));
}

}  // namespace splitroute::daemon
