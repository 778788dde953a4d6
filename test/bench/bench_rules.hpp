// bench_rules.hpp - the benchmark's rule sets and recipients, in one place.
//
// `count` rules are `count` accepted domains, alternately authoritative
// (even index) and internal_relay (odd index), each with its own send
// connector, and a recipients file next to the rule file.  The in-process
// benchmark (core_bench.cpp) loads the text directly; `splitroute-bench
// fixture` writes the same text to disk for the daemon benchmarks.
//   local_recipient(i)    in the recipients file: delivered locally
//   relayed_recipient(i)  at an internal_relay domain, not in the file:
//                         relayed through the domain's connector
// Header-only: included by test/bench/core_bench.cpp and
// test/tools/splitroute-bench.cpp.
#pragma once

#include <cstddef>
#include <string>

#include <fmt/format.h>

namespace splitroute::bench {

// domain_name - the same length for every index, so sizes compare fairly.
inline std::string domain_name(std::size_t index) { return fmt::format("d{:06}.bench.example", index); }

// bench_rules_text - the rule file of `count` rules; the directory is the
// recipients file `recipients.txt` next to it.
inline std::string bench_rules_text(std::size_t count) {
  std::string accepted, connectors;
  for (std::size_t i = 0; i < count; ++i) {
    const char* separator = i == 0 ? "" : ",\n";
    accepted += fmt::format(R"({}{{"domain": "{}", "type": "{}"}})", separator, domain_name(i),
                            i % 2 == 0 ? "authoritative" : "internal_relay");
    connectors += fmt::format(
        R"({}{{"name": "c{:06}", "address_spaces": [{{"domain": "{}", "cost": {}}}],
               "smarthosts": ["[192.0.2.{}]:25"], "max_message_size": "20MB"}})",
        separator, i, domain_name(i), 1 + i % 100, 1 + i % 250);
  }
  return fmt::format(R"({{"version": 1, "recipient_delimiter": "+",
    "directory": {{"type": "file", "path": "recipients.txt"}},
    "accepted_domains": [{}],
    "send_connectors": [{}]}})",
                     accepted, connectors);
}

// spread_domain - the i-th domain of a walk that visits the table all over.
inline std::size_t spread_domain(std::size_t count, std::size_t i) { return (count / 2 + i * 7919) % count; }

// local_recipient - the i-th entry of the recipients file (any domain).
inline std::string local_recipient(std::size_t count, std::size_t i) {
  return fmt::format("user{:06}@{}", i, domain_name(spread_domain(count, i)));
}

// relayed_recipient - the i-th address at an internal_relay domain that is
// not in the recipients file.
inline std::string relayed_recipient(std::size_t count, std::size_t i) {
  return fmt::format("relay{:06}@{}", i, domain_name(spread_domain(count, i) | 1));
}

}  // namespace splitroute::bench
