// rules_check.hpp - rule-file checks that span several entries.
//
// Run by load_rules() after every entry was read on its own: relay domains
// no connector covers, a missing directory, connectors that share a
// transport with other TLS or authentication settings (errors), and routing
// loops, connectors that can never win and authentication without TLS
// (warnings, reported only when there is no error, so they always describe
// a complete rule set).
#pragma once

#include <string>
#include <vector>

#include "core/json_fields.hpp"
#include "core/route_index.hpp"
#include "core/rules.hpp"

namespace splitroute::core {

// RuleOrigins - the JSON pointer each accepted domain and connector of the
// Ruleset was read from (entries with errors may have been left out).
struct RuleOrigins {
  std::vector<std::string> accepted_domains;
  std::vector<std::string> send_connectors;
  bool has_directory = false;  // the file has a "directory" field, valid or not
};

// check_rules - `index` is the RouteIndex of `rules`.
void check_rules(const Ruleset& rules, const RouteIndex& index, const RuleOrigins& origins,
                 json_fields::Diagnostics& diagnostics);

}  // namespace splitroute::core
