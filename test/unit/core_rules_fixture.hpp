// core_rules_fixture.hpp - build rule sets for core tests the real way: by
// writing rule-file JSON and loading it with load_rules().
#pragma once

#include <stdexcept>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "core/rules_json.hpp"

namespace splitroute::core::testing {

inline constexpr std::string_view kBaseDir = "/etc/splitroute";
inline constexpr std::uint64_t kMiB = 1024 * 1024;  // "1MB" in a rule file

// rules_text - a version-1 rule file with a file directory, the given
// accepted domains and send connectors (JSON array texts), and `extra`
// top-level fields (e.g. R"("recipient_delimiter": "+",)"), each ending in a comma.
inline std::string rules_text(std::string_view accepted_domains, std::string_view send_connectors,
                              std::string_view extra = "") {
  return fmt::format(R"({{
  "version": 1,
  {}
  "directory": {{"type": "file", "path": "recipients.txt"}},
  "accepted_domains": {},
  "send_connectors": {}
}})",
                     extra, accepted_domains, send_connectors);
}

// accepted - one accepted domain's JSON.
inline std::string accepted(std::string_view domain, std::string_view type,
                            std::string_view extra = "") {
  return fmt::format(R"({{"domain": "{}", "type": "{}"{}}})", domain, type, extra);
}

// connector - one send connector's JSON; each space is "pattern" or
// "pattern:cost"; `extra` adds fields, e.g. R"(, "smarthosts": ["[192.0.2.1]"])".
inline std::string connector(std::string_view name, const std::vector<std::string>& spaces,
                             std::string_view extra = "") {
  std::vector<std::string> items;
  for (const std::string& space : spaces) {
    std::size_t colon = space.find(':');
    if (colon == std::string::npos) {
      items.push_back(fmt::format(R"({{"domain": "{}"}})", space));
    } else {
      items.push_back(fmt::format(R"({{"domain": "{}", "cost": {}}})", space.substr(0, colon),
                                  space.substr(colon + 1)));
    }
  }
  return fmt::format(R"({{"name": "{}", "address_spaces": [{}]{}}})", name, fmt::join(items, ", "),
                     extra);
}

// array - a JSON array of already-written items.
inline std::string array(const std::vector<std::string>& items) {
  return fmt::format("[{}]", fmt::join(items, ", "));
}

// all_diagnostics - every diagnostic's text, one per line, for failure messages.
inline std::string all_diagnostics(const LoadResult& result) {
  std::string out;
  for (const Diagnostic& diagnostic : result.diagnostics) out += diagnostic.text() + "\n";
  return out;
}

// load_valid - load `text`, which the test expects to be a valid rule file;
// any error fails the test (and throws, so the test stops there).
inline Ruleset load_valid(std::string_view text) {
  LoadResult result = load_rules(text, kBaseDir);
  if (!result.ok()) {
    ADD_FAILURE() << "rules did not load:\n" << all_diagnostics(result) << "from:\n" << text;
    throw std::runtime_error("invalid rules in a test");
  }
  return std::move(*result.rules);
}

// diagnostics_of - the diagnostics of one severity (errors or warnings).
inline std::vector<Diagnostic> diagnostics_of(const LoadResult& result, Severity severity) {
  std::vector<Diagnostic> out;
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.severity == severity) out.push_back(diagnostic);
  }
  return out;
}

}  // namespace splitroute::core::testing
