// router.cpp - the routing decision for one recipient, and its explanation.
//
// decide() follows the table in router.hpp.  The explanation (the "trail") is
// written by Explainer, which does nothing at all when no trail is wanted, so
// the hot path never formats a string it does not need.
#include "core/router.hpp"

#include <span>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/idna.hpp"
#include "core/route_index.hpp"

namespace splitroute::core {
namespace {

const char* kind_name(PatternKind kind) {
  switch (kind) {
    case PatternKind::exact:
      return "exact";
    case PatternKind::wildcard:
      return "wildcard";
    case PatternKind::any:
      break;
  }
  return "any";
}

template <typename Range>
std::string join(const Range& items, std::string_view separator = ", ") {
  return fmt::format("{}", fmt::join(items, separator));
}

// lookup_keys - "alice+tag@example.com then alice@example.com".
std::string lookup_keys(const Plan& plan) { return join(plan.keys, " then "); }

// Explainer - appends postmaster-readable lines to the trail, if there is one.
class Explainer {
 public:
  Explainer(const Ruleset& rules, Trail* trail) : rules_(rules), trail_(trail) {}

  bool enabled() const { return trail_ != nullptr; }

  void accepted_domain(const Address& address, const Plan& plan) {
    if (!enabled()) return;
    if (!plan.accepted) {
      add(fmt::format("accepted domain: none ({} is not one of ours)", display_domain(address.domain)));
      return;
    }
    const AcceptedDomain& accepted = rules_.accepted_domains[*plan.accepted];
    add(fmt::format("accepted domain: {} ({}, \"{}\")", accepted.pattern.display(),
                    to_string(accepted.type), accepted.name));
  }

  void directory(const Plan& plan, const DirectoryAnswer& answer) {
    if (!enabled()) return;
    if (answer.result == Lookup::none) {
      add(fmt::format("directory: no answer for {} (the directory was not consulted)",
                      lookup_keys(plan)));
      return;
    }
    std::string line = fmt::format("directory{}{}: {} for {}", answer.source.empty() ? "" : " ",
                                   answer.source, to_string(answer.result),
                                   answer.key.empty() ? lookup_keys(plan) : answer.key);
    if (!answer.key.empty() && answer.key != plan.keys.front()) {
      line += fmt::format(" after a miss for {}", plan.keys.front());
    }
    if (answer.result == Lookup::hit && !answer.target.empty()) {
      line += fmt::format(" — contact, target {}", answer.target);
    }
    if (!answer.detail.empty()) line += fmt::format(" ({})", answer.detail);
    add(std::move(line));
  }

  void connectors(const std::vector<Considered>& considered, std::string_view domain,
                  std::optional<std::uint64_t> size) {
    if (!enabled()) return;
    if (considered.empty()) {
      add(fmt::format("connectors: none matches {}", domain));
      return;
    }
    const Considered* winner = nullptr;
    for (const Considered& entry : considered) {
      if (entry.chosen) winner = &entry;
    }
    for (const Considered& entry : considered) add(connector_line(entry, winner, size));
  }

  void verdict(const Decision& decision, const Address& address) {
    if (!enabled()) return;
    add(verdict_line(decision));
    if (auto reply = reply_for(decision, address)) add(fmt::format("reply: {}", reply->line()));
  }

  void line(std::string text) {
    if (enabled()) add(std::move(text));
  }

  void verification(const Connector& connector, const DirectoryAnswer& answer) {
    if (!enabled()) return;
    std::string line = fmt::format("verify: connector {}'s directory{}{}: {}", connector.name,
                                   answer.source.empty() ? "" : " ", answer.source, to_string(answer.result));
    if (!answer.key.empty()) line += fmt::format(" for {}", answer.key);
    if (answer.result == Lookup::miss) line += " (the other side does not have this recipient)";
    if (!answer.detail.empty()) line += fmt::format(" ({})", answer.detail);
    add(std::move(line));
  }

 private:
  void add(std::string text) { trail_->push_back(std::move(text)); }

  std::string connector_line(const Considered& entry, const Considered* winner,
                             std::optional<std::uint64_t> size) const {
    const Connector& connector = rules_.send_connectors[entry.entry.connector];
    if (entry.too_small) {
      return fmt::format("connector {}: skipped, max_message_size {} < {}", connector.name,
                         entry.entry.max_message_size.value_or(0), size.value_or(0));
    }
    const DomainPattern& pattern = connector.address_spaces[entry.entry.space].pattern;
    return fmt::format("connector {}: {} cost {} ({}) — {}", connector.name, pattern.display(),
                       entry.entry.cost, kind_name(pattern.kind), outcome(entry, winner));
  }

  std::string outcome(const Considered& entry, const Considered* winner) const {
    if (entry.chosen) return "chosen";
    if (winner == nullptr) return "not chosen";
    if (entry.specificity < winner->specificity) return "less specific";
    if (entry.entry.cost > winner->entry.cost) return "higher cost";
    return fmt::format("same cost, name sorts after {}",
                       rules_.send_connectors[winner->entry.connector].name);
  }

  std::string verdict_line(const Decision& decision) const {
    switch (decision.verdict) {
      case Verdict::local:
        if (rules_.local_transport.empty()) {
          return "verdict: local delivery by the MTA's own routing (no local_transport)";
        }
        return fmt::format("verdict: local delivery via {} (local_transport)", rules_.local_transport);
      case Verdict::relay:
        return relay_line(decision);
      case Verdict::none:
        return "verdict: none — left to the MTA's own routing";
      case Verdict::reject:
      case Verdict::tempfail:
        break;
    }
    return fmt::format("verdict: {}", to_string(decision.verdict));
  }

  std::string relay_line(const Decision& decision) const {
    const Connector& connector = rules_.send_connectors[*decision.connector];
    std::string hops = join(nexthop(rules_, decision));
    if (connector.smarthosts.empty()) hops += " by DNS (MX)";
    return fmt::format("verdict: relay via {} to {}", connector.name, hops);
  }

  const Ruleset& rules_;
  Trail* trail_;
};

// route_to_connector - relay to the best connector for `domain`; 552 when
// every matching connector is too small; none when no connector matches.
void route_to_connector(const Ruleset& rules, std::string_view domain,
                        std::optional<std::uint64_t> size, Decision& decision, Explainer& explain) {
  std::vector<Considered> considered;
  ConnectorChoice choice =
      rules.index->best_connector(domain, size, explain.enabled() ? &considered : nullptr);
  explain.connectors(considered, domain, size);
  if (choice.connector) {
    decision.verdict = Verdict::relay;
    decision.connector = choice.connector;
    decision.route_domain.assign(domain);
  } else if (choice.matched) {
    decision.verdict = Verdict::reject;
    decision.reply = ReplyKind::message_too_big;
    decision.route_domain.assign(domain);
  } else {
    decision.verdict = Verdict::none;
  }
}

void tempfail(Decision& decision, ReplyKind reply) {
  decision.verdict = Verdict::tempfail;
  decision.reply = reply;
}

// route_contact - a contact lives elsewhere: relay towards its target's domain.
void route_contact(const Ruleset& rules, const DirectoryAnswer& answer,
                   std::optional<std::uint64_t> size, Decision& decision, Explainer& explain) {
  std::string why = parse_address(answer.target, decision.target);
  if (!why.empty()) {
    explain.line(fmt::format("contact target \"{}\" is malformed: {}", answer.target, why));
    tempfail(decision, ReplyKind::directory_unavailable);
    return;
  }
  route_to_connector(rules, decision.target.domain, size, decision, explain);
}

void decide_with_answer(const Ruleset& rules, const Address& address, const Plan& plan,
                        const DirectoryAnswer& answer, std::optional<std::uint64_t> size,
                        Decision& decision, Explainer& explain) {
  decision.lookup = answer.result;
  switch (answer.result) {
    case Lookup::hit:
      if (answer.target.empty()) {
        decision.verdict = Verdict::local;
      } else {
        route_contact(rules, answer, size, decision, explain);
      }
      return;
    case Lookup::miss:
      if (rules.accepted_domains[*plan.accepted].type == DomainType::authoritative) {
        decision.verdict = Verdict::reject;
        decision.reply = ReplyKind::user_unknown;
      } else {
        route_to_connector(rules, address.domain, size, decision, explain);
      }
      return;
    case Lookup::error:
      tempfail(decision, ReplyKind::directory_unavailable);
      return;
    case Lookup::none:  // the caller skipped a lookup the plan asked for
      tempfail(decision, ReplyKind::internal_error);
      return;
  }
}

}  // namespace

Plan plan(const Ruleset& rules, const Address& address) {
  Plan result;
  plan_into(rules, address, result);
  return result;
}

void plan_into(const Ruleset& rules, const Address& address, Plan& out) {
  out.accepted.reset();
  out.needs_lookup = false;
  out.keys.clear();
  std::optional<AcceptedMatch> match = rules.index->match_accepted(address.domain);
  if (!match) return;
  out.accepted = match->index;
  out.needs_lookup = match->type != DomainType::external_relay;
  if (out.needs_lookup) lookup_keys(rules, address, out.keys);
}

void lookup_keys(const Ruleset& rules, const Address& address, LookupKeys& out) {
  out.clear();
  std::string_view written = address.written_unicode ? address.unicode_domain : address.domain;
  std::string_view other;  // the IDN's other form, if any
  if (!address.unicode_domain.empty()) other = address.written_unicode ? address.domain : address.unicode_domain;
  lookup_key_into(address.local, written, out.next());
  if (!other.empty()) lookup_key_into(address.local, other, out.next());
  std::string_view base = strip_extension(address.local, rules.recipient_delimiter);
  if (base.size() == address.local.size()) return;
  lookup_key_into(base, written, out.next());
  if (!other.empty()) lookup_key_into(base, other, out.next());
}

VerifyMethod verify_method(const Ruleset& rules, const Decision& decision) {
  if (decision.verdict != Verdict::relay || !decision.connector) return VerifyMethod::none;
  bool contact = decision.lookup == Lookup::hit;  // a hit that relays: the directory named the target
  if (contact) return VerifyMethod::none;
  return rules.send_connectors[*decision.connector].verify.method;
}

void verify(const Ruleset& rules, const Address& address, const DirectoryAnswer& answer,
            Decision& decision, Trail* trail) {
  VerifyMethod method = verify_method(rules, decision);
  Explainer explain(rules, trail);
  if (method == VerifyMethod::none) {
    if (decision.verdict == Verdict::relay && decision.lookup == Lookup::hit) {
      explain.line("verify: none (a contact: the directory named its target)");
    }
    return;
  }
  const Connector& connector = rules.send_connectors[*decision.connector];
  if (method == VerifyMethod::smtp) {
    explain.line(fmt::format("verify: smtp — Postfix probes {} through connector {} before it accepts "
                             "RCPT (reject_unverified_recipient, socketmap map \"verify\")",
                             address.text(), connector.name));
    return;
  }
  decision.verification = answer.result;
  explain.verification(connector, answer);
  switch (answer.result) {
    case Lookup::hit:
      return;
    case Lookup::miss:
      decision.verdict = Verdict::reject;
      decision.reply = ReplyKind::user_unknown;
      break;
    case Lookup::error:
      tempfail(decision, ReplyKind::directory_unavailable);
      break;
    case Lookup::none:  // the caller skipped the lookup
      tempfail(decision, ReplyKind::internal_error);
      break;
  }
  explain.verdict(decision, address);
}

Decision decide(const Ruleset& rules, const Address& address, const Plan& plan,
                const DirectoryAnswer& answer, std::optional<std::uint64_t> size, Trail* trail) {
  Decision decision;
  decide_into(rules, address, plan, answer, size, decision, trail);
  return decision;
}

void decide_into(const Ruleset& rules, const Address& address, const Plan& plan,
                 const DirectoryAnswer& answer, std::optional<std::uint64_t> size, Decision& out,
                 Trail* trail) {
  Explainer explain(rules, trail);
  out.verdict = Verdict::none;
  out.reply = ReplyKind::none;
  out.lookup = Lookup::none;
  out.accepted = plan.accepted;
  out.connector.reset();
  out.route_domain.clear();
  out.verification = Lookup::none;
  explain.accepted_domain(address, plan);
  if (plan.needs_lookup && plan.accepted) {
    explain.directory(plan, answer);
    decide_with_answer(rules, address, plan, answer, size, out, explain);
  } else {
    route_to_connector(rules, address.domain, size, out, explain);
  }
  explain.verdict(out, address);
}

namespace {

// NextHops - where a decision goes: one hop (local_transport, or the route
// domain for DNS delivery) or the connector's smarthosts, in order.
struct NextHops {
  std::string_view single;
  std::span<const Smarthost> smarthosts;
};

NextHops next_hops(const Ruleset& rules, const Decision& decision) {
  if (decision.verdict == Verdict::local && !rules.local_transport.empty()) return {rules.local_transport, {}};
  if (decision.verdict != Verdict::relay || !decision.connector) return {};
  const Connector& connector = rules.send_connectors[*decision.connector];
  if (connector.smarthosts.empty()) return {decision.route_domain, {}};
  return {{}, connector.smarthosts};
}

}  // namespace

std::vector<std::string> nexthop(const Ruleset& rules, const Decision& decision) {
  NextHops hops = next_hops(rules, decision);
  if (!hops.single.empty()) return {std::string(hops.single)};
  std::vector<std::string> out;
  out.reserve(hops.smarthosts.size());
  for (const Smarthost& smarthost : hops.smarthosts) out.push_back(smarthost.nexthop());
  return out;
}

bool append_nexthop(std::string& out, const Ruleset& rules, const Decision& decision, std::string_view separator) {
  NextHops hops = next_hops(rules, decision);
  if (!hops.single.empty()) {
    out.append(hops.single);
    return true;
  }
  for (std::size_t i = 0; i < hops.smarthosts.size(); ++i) {
    if (i > 0) out.append(separator);
    hops.smarthosts[i].append_nexthop(out);
  }
  return !hops.smarthosts.empty();
}

std::optional<Reply> reply_for(const Decision& decision, const Address& address) {
  if (decision.reply == ReplyKind::none) return std::nullopt;
  return make_reply(decision.reply, address.text(), decision.route_domain);
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::local:
      return "local";
    case Verdict::relay:
      return "relay";
    case Verdict::reject:
      return "reject";
    case Verdict::tempfail:
      return "tempfail";
    case Verdict::none:
      break;
  }
  return "none";
}

const char* to_string(Lookup lookup) {
  switch (lookup) {
    case Lookup::hit:
      return "hit";
    case Lookup::miss:
      return "miss";
    case Lookup::error:
      return "error";
    case Lookup::none:
      break;
  }
  return "none";
}

}  // namespace splitroute::core
