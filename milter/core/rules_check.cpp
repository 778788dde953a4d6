// rules_check.cpp - coverage of relay domains, the directory they need,
// transports shared with other settings, loops, connectors that can never
// be chosen and passwords sent without TLS.
//
// Every check is a single pass over the rules using hash tables or the
// RouteIndex, so loading stays fast with 100 000 rules.
#include "core/rules_check.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "core/rules_values.hpp"

namespace splitroute::core {
namespace {

using json_fields::Diagnostics;
using json_fields::quote;

bool needs_directory(DomainType type) { return type != DomainType::external_relay; }
bool is_relay(DomainType type) { return type != DomainType::authoritative; }

// CoveringRoute - the connector that takes mail for every domain an
// accepted domain pattern matches (sizes aside), and whether it gets it
// only through its "*" address space.
struct CoveringRoute {
  std::optional<std::uint32_t> connector;
  bool only_through_any = false;
};

// covering_route - asks the index for the best connector for the pattern
// text itself.  For "*.S" that is the name "*.S": no exact address space
// can contain '*', so only "*.T" (S = T or below T) and "*" answer -
// exactly the spaces that cover every subdomain of S.  The winner comes
// from the most specific level that matched, so it has a covering space
// other than "*" unless "*" is all that covers the pattern.
CoveringRoute covering_route(const Ruleset& rules, const RouteIndex& index,
                             const DomainPattern& pattern) {
  ConnectorChoice choice = index.best_connector(pattern.text(), std::nullopt);
  if (!choice.connector) return {};
  const std::vector<AddressSpace>& spaces = rules.send_connectors[*choice.connector].address_spaces;
  bool specific = std::any_of(spaces.begin(), spaces.end(), [&](const AddressSpace& space) {
    return space.pattern.kind != PatternKind::any && pattern_covers(space.pattern, pattern);
  });
  return {choice.connector, !specific};
}

void check_directory_present(const Ruleset& rules, const RuleOrigins& origins,
                             Diagnostics& diagnostics) {
  if (origins.has_directory) return;
  for (std::size_t i = 0; i < rules.accepted_domains.size(); ++i) {
    const AcceptedDomain& accepted = rules.accepted_domains[i];
    if (!needs_directory(accepted.type)) continue;
    diagnostics.error("/directory",
                      fmt::format("required field is missing: {} ({}) is {}, so its recipients "
                                  "must be looked up in a directory",
                                  origins.accepted_domains[i], quote(accepted.pattern.display()),
                                  to_string(accepted.type)));
    return;
  }
}

void check_relay_domains_covered(const Ruleset& rules, const RouteIndex& index,
                                 const RuleOrigins& origins, Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < rules.accepted_domains.size(); ++i) {
    const AcceptedDomain& accepted = rules.accepted_domains[i];
    if (!is_relay(accepted.type) || covering_route(rules, index, accepted.pattern).connector) {
      continue;
    }
    diagnostics.error(origins.accepted_domains[i] + "/domain",
                      fmt::format("{} is {}, but no enabled send connector covers it",
                                  quote(accepted.pattern.display()), to_string(accepted.type)));
  }
}

// warn_relay_loops - relay domains whose mail would go out through "*" by
// DNS (MX) delivery, which finds this organisation's own servers again.
void warn_relay_loops(const Ruleset& rules, const RouteIndex& index, const RuleOrigins& origins,
                      Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < rules.accepted_domains.size(); ++i) {
    const AcceptedDomain& accepted = rules.accepted_domains[i];
    if (!is_relay(accepted.type)) continue;
    CoveringRoute route = covering_route(rules, index, accepted.pattern);
    if (!route.connector || !route.only_through_any) continue;
    const Connector& connector = rules.send_connectors[*route.connector];
    if (!connector.smarthosts.empty()) continue;
    diagnostics.warning(
        origins.accepted_domains[i] + "/domain",
        fmt::format("{} ({}) is routed only through \"*\" with DNS delivery (connector {}): mail "
                    "for unknown recipients would go back to this organisation's own MX: a loop",
                    quote(accepted.pattern.display()), to_string(accepted.type),
                    quote(connector.name)));
  }
}

// RankedSpace - one address space of an enabled connector, for finding
// spaces that an earlier-ranked connector always takes first.
struct RankedSpace {
  int cost;
  std::uint32_t connector;
  std::uint64_t max_size;  // unlimited: the largest value
  std::uint32_t space;
};

// Shadowing - per connector: how many of its spaces are shadowed, and by whom.
struct Shadowing {
  std::size_t shadowed_spaces = 0;
  std::uint32_t by = 0;  // a connector that shadows its first shadowed space
  std::uint32_t first_space = 0;
};

std::unordered_map<std::string, std::vector<RankedSpace>> group_by_pattern(const Ruleset& rules) {
  std::unordered_map<std::string, std::vector<RankedSpace>> groups;
  for (std::uint32_t c = 0; c < rules.send_connectors.size(); ++c) {
    const Connector& connector = rules.send_connectors[c];
    if (!connector.enabled) continue;
    std::uint64_t max_size =
        connector.max_message_size.value_or(std::numeric_limits<std::uint64_t>::max());
    for (std::uint32_t s = 0; s < connector.address_spaces.size(); ++s) {
      const AddressSpace& space = connector.address_spaces[s];
      groups[space.pattern.text()].push_back({space.cost, c, max_size, s});
    }
  }
  return groups;
}

// find_shadowing - a space is shadowed when a connector ranked before it
// (sorted by cost, then name) has the same pattern and no smaller size limit.
std::vector<Shadowing> find_shadowing(const Ruleset& rules) {
  std::vector<Shadowing> shadowing(rules.send_connectors.size());
  auto ranks_before = [&rules](const RankedSpace& a, const RankedSpace& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    return rules.send_connectors[a.connector].name < rules.send_connectors[b.connector].name;
  };
  for (auto& [pattern, spaces] : group_by_pattern(rules)) {
    std::sort(spaces.begin(), spaces.end(), ranks_before);
    const RankedSpace* largest_before = nullptr;
    for (const RankedSpace& space : spaces) {
      if (largest_before != nullptr && largest_before->max_size >= space.max_size) {
        Shadowing& entry = shadowing[space.connector];
        if (entry.shadowed_spaces++ == 0) {
          entry.by = largest_before->connector;
          entry.first_space = space.space;
        }
      }
      if (largest_before == nullptr || space.max_size > largest_before->max_size) {
        largest_before = &space;
      }
    }
  }
  return shadowing;
}

void warn_unreachable_connectors(const Ruleset& rules, const RuleOrigins& origins,
                                 Diagnostics& diagnostics) {
  std::vector<Shadowing> shadowing = find_shadowing(rules);
  for (std::size_t c = 0; c < rules.send_connectors.size(); ++c) {
    const Connector& connector = rules.send_connectors[c];
    if (!connector.enabled || connector.address_spaces.empty() ||
        shadowing[c].shadowed_spaces < connector.address_spaces.size()) {
      continue;
    }
    diagnostics.warning(
        origins.send_connectors[c],
        fmt::format("connector {} can never be chosen: each of its address spaces is also in an "
                    "enabled connector ranked before it (lower cost, or equal cost and lower name) "
                    "with no smaller max_message_size, e.g. {} for {}",
                    quote(connector.name), quote(rules.send_connectors[shadowing[c].by].name),
                    quote(connector.address_spaces[shadowing[c].first_space].pattern.display())));
  }
}

// check_shared_transports - connectors that name the same transport share
// one MTA service, so they must agree on its TLS and authentication.
void check_shared_transports(const Ruleset& rules, const RuleOrigins& origins,
                             Diagnostics& diagnostics) {
  std::unordered_map<std::string_view, std::size_t> first_user;
  for (std::size_t c = 0; c < rules.send_connectors.size(); ++c) {
    const Connector& connector = rules.send_connectors[c];
    if (connector.needs_own_service() && is_stock_service(connector.transport)) continue;  // reported
    auto [first, inserted] = first_user.try_emplace(connector.transport, c);
    if (inserted) continue;
    const Connector& other = rules.send_connectors[first->second];
    bool same_auth = connector.auth.has_value() == other.auth.has_value() &&
                     (!connector.auth || connector.auth->password_file == other.auth->password_file);
    if (connector.require_tls == other.require_tls && same_auth) continue;
    diagnostics.error(origins.send_connectors[c] + "/transport",
                      fmt::format("connectors {} ({}) and {} share transport {} but differ in "
                                  "require_tls or auth: one service has one set of TLS and "
                                  "authentication settings",
                                  quote(other.name), origins.send_connectors[first->second],
                                  quote(connector.name), quote(connector.transport)));
  }
}

// warn_auth_without_tls - a password sent to a server that need not offer TLS.
void warn_auth_without_tls(const Ruleset& rules, const RuleOrigins& origins,
                           Diagnostics& diagnostics) {
  for (std::size_t c = 0; c < rules.send_connectors.size(); ++c) {
    const Connector& connector = rules.send_connectors[c];
    if (!connector.auth || connector.require_tls) continue;
    diagnostics.warning(origins.send_connectors[c] + "/auth",
                        fmt::format("connector {} authenticates without require_tls: its password "
                                    "may cross the network unencrypted",
                                    quote(connector.name)));
  }
}

}  // namespace

void check_rules(const Ruleset& rules, const RouteIndex& index, const RuleOrigins& origins,
                 Diagnostics& diagnostics) {
  check_directory_present(rules, origins, diagnostics);
  check_relay_domains_covered(rules, index, origins, diagnostics);
  check_shared_transports(rules, origins, diagnostics);
  if (diagnostics.has_errors()) return;
  warn_relay_loops(rules, index, origins, diagnostics);
  warn_unreachable_connectors(rules, origins, diagnostics);
  warn_auth_without_tls(rules, origins, diagnostics);
}

}  // namespace splitroute::core
