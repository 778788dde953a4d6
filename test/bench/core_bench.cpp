// core_bench.cpp - routing decisions per second against rule sets of growing size.
//
// One decision is what the milter does per recipient once the directory has
// answered: parse_address() into a reused Address, plan(), decide() without
// a trail.  The rule sets have N accepted domains and N send connectors
// (N = 10, 1 000, 100 000), written as rule-file JSON and loaded once.
//   BM_Decision        one recipient in an internal_relay domain, found
//   BM_DecisionRelay   the same recipient not found: relayed via its connector
//   BM_DecisionSpread  found, recipients cycling through 1 024 domains, so a
//                      large table is probed all over (cache and TLB misses)
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/router.hpp"
#include "core/rules_json.hpp"

namespace splitroute::core {
namespace {

constexpr std::size_t kSpread = 1024;
constexpr std::uint64_t kMessageSize = 100 * 1024;

// domain_name - the same length for every index, so sizes compare fairly.
std::string domain_name(std::size_t index) { return fmt::format("d{:06}.bench.example", index); }

// bench_rules_text - `count` accepted domains, alternately authoritative
// and internal_relay, each with its own connector.
std::string bench_rules_text(std::size_t count) {
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

// rules_for - the loaded rule set of `count` rules (loaded on first use).
const Ruleset& rules_for(std::size_t count) {
  static std::map<std::size_t, Ruleset> loaded;
  auto found = loaded.find(count);
  if (found != loaded.end()) return found->second;
  LoadResult result = load_rules(bench_rules_text(count), "/etc/splitroute");
  if (!result.ok()) {
    for (const Diagnostic& diagnostic : result.diagnostics) {
      fmt::print(stderr, "{}\n", diagnostic.text());
    }
    std::abort();
  }
  return loaded.emplace(count, std::move(*result.rules)).first->second;
}

// recipients_for - `spread` recipients over as many domains of the table,
// each in an internal_relay domain (odd index).
std::vector<std::string> recipients_for(std::size_t count, std::size_t spread) {
  std::vector<std::string> recipients;
  for (std::size_t i = 0; i < spread; ++i) {
    std::size_t domain = (count / 2 + i * 7919) % count | 1;
    recipients.push_back(fmt::format("user{:04}@{}", i, domain_name(domain)));
  }
  return recipients;
}

// run_decisions - the measured loop; `answer` is what the directory said.
void run_decisions(benchmark::State& state, const DirectoryAnswer& answer, std::size_t spread) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const Ruleset& rules = rules_for(count);
  const std::vector<std::string> recipients = recipients_for(count, spread);
  Address address;
  std::size_t next = 0;
  for (auto _ : state) {
    const std::string& recipient = recipients[next];
    next = next + 1 == spread ? 0 : next + 1;
    std::string error = parse_address(recipient, address);
    Plan planned = plan(rules, address);
    Decision decision = decide(rules, address, planned, answer, kMessageSize);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

const DirectoryAnswer kFound{Lookup::hit, "", ""};
const DirectoryAnswer kNotFound{Lookup::miss, "", ""};

void BM_Decision(benchmark::State& state) { run_decisions(state, kFound, 1); }
void BM_DecisionRelay(benchmark::State& state) { run_decisions(state, kNotFound, 1); }
void BM_DecisionSpread(benchmark::State& state) { run_decisions(state, kFound, kSpread); }

BENCHMARK(BM_Decision)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_DecisionRelay)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_DecisionSpread)->Arg(10)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace splitroute::core

BENCHMARK_MAIN();
