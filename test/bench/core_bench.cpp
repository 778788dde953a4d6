// core_bench.cpp - routing decisions per second against rule sets of growing size.
//
// One decision is what the milter does per recipient once the directory has
// answered: parse_address(), plan_into() and decide_into() without a trail,
// each into a reused object (as the milter keeps one per connection).  The rule sets have N accepted domains and N send connectors
// (N = 10, 1 000, 100 000), written as rule-file JSON (bench_rules.hpp,
// shared with the daemon benchmarks) and loaded once.
//   BM_Decision        one recipient in an internal_relay domain, found
//   BM_DecisionRelay   the same recipient not found: relayed via its connector
//   BM_DecisionSpread  found, recipients cycling through 1 024 domains, so a
//                      large table is probed all over (cache and TLB misses)
// and what the milter calls per RCPT, runtime::resolve_into() (parse, plan,
// directory lookup, decide, reply) into a reused Resolution, for the same
// found recipient:
//   BM_ResolveFile     the directory is the recipients file (in memory)
//   BM_ResolveCached   the same behind the LDAP answer cache, warm: the path
//                      of a cached LDAP recipient without the server
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "core/router.hpp"
#include "core/rules_json.hpp"
#include "directory/cache.hpp"
#include "directory/file_directory.hpp"
#include "runtime/resolve.hpp"
#include "bench_rules.hpp"

namespace splitroute::core {
namespace {

constexpr std::size_t kSpread = 1024;
constexpr std::uint64_t kMessageSize = 100 * 1024;

// rules_for - the loaded rule set of `count` rules (loaded on first use).
const Ruleset& rules_for(std::size_t count) {
  static std::map<std::size_t, Ruleset> loaded;
  auto found = loaded.find(count);
  if (found != loaded.end()) return found->second;
  LoadResult result = load_rules(bench::bench_rules_text(count), "/etc/splitroute");
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
    std::size_t domain = bench::spread_domain(count, i) | 1;
    recipients.push_back(fmt::format("user{:04}@{}", i, bench::domain_name(domain)));
  }
  return recipients;
}

// run_decisions - the measured loop; `answer` is what the directory said.
void run_decisions(benchmark::State& state, const DirectoryAnswer& answer, std::size_t spread) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const Ruleset& rules = rules_for(count);
  const std::vector<std::string> recipients = recipients_for(count, spread);
  Address address;
  Plan planned;
  Decision decision;
  std::size_t next = 0;
  for (auto _ : state) {
    const std::string& recipient = recipients[next];
    next = next + 1 == spread ? 0 : next + 1;
    std::string error = parse_address(recipient, address);
    plan_into(rules, address, planned);
    decide_into(rules, address, planned, answer, kMessageSize, decision);
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

// RecipientsFile - a temporary recipients file holding one address.
class RecipientsFile {
 public:
  explicit RecipientsFile(const std::string& address)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("core-bench-{}-{}.txt", ::getpid(), address.substr(address.find('@') + 1))) {
    std::ofstream(path_) << address << "\n";
  }
  ~RecipientsFile() { std::filesystem::remove(path_); }
  RecipientsFile(const RecipientsFile&) = delete;
  RecipientsFile& operator=(const RecipientsFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// run_resolves - resolve() for one found recipient; `cached` puts the
// answer cache in front of the file (filled by the first call).
void run_resolves(benchmark::State& state, bool cached) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const std::string recipient = recipients_for(count, 1).front();
  RecipientsFile file(recipient);
  runtime::Config config{"", rules_for(count), std::make_shared<directory::FileDirectory>(file.path())};
  if (cached) config.directory = directory::with_cache(config.directory, LdapCacheConfig{});
  runtime::Resolution resolution;
  for (auto _ : state) {
    runtime::resolve_into(config, recipient, kMessageSize, resolution);
    benchmark::DoNotOptimize(resolution);
  }
  if (runtime::resolve(config, recipient, kMessageSize).decision.verdict != Verdict::local) {
    state.SkipWithError("the recipient was not found in the directory");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_ResolveFile(benchmark::State& state) { run_resolves(state, false); }
void BM_ResolveCached(benchmark::State& state) { run_resolves(state, true); }

BENCHMARK(BM_Decision)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_DecisionRelay)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_DecisionSpread)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_ResolveFile)->Arg(10)->Arg(1000)->Arg(100000);
BENCHMARK(BM_ResolveCached)->Arg(10)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace splitroute::core

BENCHMARK_MAIN();
