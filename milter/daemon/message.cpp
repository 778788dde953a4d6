// message.cpp - per-transaction decisions and their log lines.
#include "daemon/message.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::daemon {
namespace {

constexpr std::size_t kMaxLoggedAddress = 400;

bool observing(const core::Ruleset& rules) { return rules.mode == core::Mode::observe; }

std::string code_pair(const std::optional<core::Reply>& reply) {
  return reply ? reply->code + " " + reply->xcode : "-";
}

// observe_note - what enforce mode would have done, for observe mode logs.
std::string observe_note(const core::Ruleset& rules, const std::optional<core::Reply>& reply, bool quarantine) {
  if (!observing(rules)) return {};
  if (reply) return reply->code.starts_with('4') ? " (observe: would tempfail)" : " (observe: would reject)";
  if (quarantine) return " (observe: would quarantine)";
  return {};
}

std::string joined_or_dash(const std::vector<std::string>& items) {
  return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ","));
}

// logged_address - the recipient as parsed, else the raw text without <>.
std::string logged_address(std::string_view raw, const runtime::Resolution& r) {
  if (r.error.empty()) return r.address.text();
  if (raw.size() >= 2 && raw.front() == '<' && raw.back() == '>') raw = raw.substr(1, raw.size() - 2);
  return std::string(raw.substr(0, kMaxLoggedAddress));
}

std::string domain_type(const core::Ruleset& rules, const core::Decision& d) {
  if (!d.accepted || *d.accepted >= rules.accepted_domains.size()) return "-";
  return core::to_string(rules.accepted_domains[*d.accepted].type);
}

std::string connector_name(const core::Ruleset& rules, const core::Decision& d) {
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

core::Reply bad_address_reply() { return {"501", "5.1.3", "Bad recipient address syntax"}; }

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
  text = text.substr(0, kMaxReplyText);
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (core::ascii::is_control(c)) {
      out += '?';
    } else {
      out += c;
      if (c == '%') out += '%';
    }
  }
  return out;
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
  if (!resolution.error.empty()) return {bad_address_reply()};
  if (resolution.reply) return {resolution.reply};
  switch (message.transaction.admit(route_key(rules, resolution))) {
    case Admission::different_route: return {core::make_reply(core::ReplyKind::different_route)};
    case Admission::too_many: return {too_many_recipients_reply()};
    case Admission::accept: break;
  }
  if (relay_connector(rules, resolution) != nullptr) {
    core::RecipientHash hash = core::recipient_hash(resolution.address.text());
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

std::string rcpt_log_line(std::string_view queue_id, std::string_view raw_address, const core::Ruleset& rules,
                          const runtime::Resolution& resolution, const std::optional<core::Reply>& reply) {
  const core::Decision& d = resolution.decision;
  bool parsed = resolution.error.empty();
  return fmt::format("{}: rcpt=<{}> domain={} type={} lookup={} verdict={} connector={} nexthop={} reply={}{}",
                     queue_id.empty() ? "NOQUEUE" : queue_id, logged_address(raw_address, resolution),
                     parsed ? resolution.address.domain : "-", domain_type(rules, d), core::to_string(d.lookup),
                     parsed ? core::to_string(d.verdict) : "reject", connector_name(rules, d),
                     joined_or_dash(resolution.nexthop), code_pair(reply), observe_note(rules, reply, false));
}

std::string message_log_line(const core::Ruleset& rules, const Message& message, const MessageVerdict& verdict) {
  const char* action = verdict.reply ? "reject" : verdict.quarantine.empty() ? "accept" : "quarantine";
  std::string hash = verdict.loop.kind == core::LoopKind::trace ? core::format_hash(verdict.loop.rcpt) : "-";
  return fmt::format("{}: message rcpts={} relayed={} hops={} loop={} rcpt_hash={} action={} reply={}{}",
                     message.queue_id.empty() ? "NOQUEUE" : message.queue_id, message.transaction.accepted(),
                     message.relayed.size(), message.guard.hops(), core::to_string(verdict.loop.kind), hash,
                     observing(rules) ? "accept" : action, code_pair(verdict.reply),
                     observe_note(rules, verdict.reply, !verdict.quarantine.empty()));
}

}  // namespace splitroute::daemon
