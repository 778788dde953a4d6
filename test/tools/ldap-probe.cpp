// ldap-probe - answer recipient lookups one line at a time, as a
// long-running process does, for the LDAP test suite.
//
//   ldap-probe -c RULES [-i INPUT]
//
// Loads RULES with runtime::load_config() (diagnostics on stderr), then
// reads requests from INPUT (default: standard input), one per line:
//   route ADDRESS    the full decision, as the milter makes it
//   lookup KEY       the directory table alone, KEY passed unchanged (lets a
//                    test send keys no address parser would let through)
//   burst T N KEY    T threads each look KEY up N times at once (the pool
//                    under contention)
// and answers each with one line on standard output, fields separated by
// tabs, flushed at once:
//   = VERDICT LOOKUP CACHED TARGET REPLY DETAIL
// (VERDICT "-" for lookup requests; empty fields as "-"), or for a burst
//   = burst hit=H miss=M error=E  The directory,
// its connection pool and its cache live as long as the process, so a test
// can stop and restart the server under it.  SIGPIPE is left at its default
// on purpose: the directory must cope without the caller ignoring it.
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/resolve.hpp"

namespace {

using namespace splitroute;

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void print(const std::string& verdict, const core::DirectoryAnswer& answer, const std::string& reply) {
  const bool cached = answer.detail == "cache";
  std::printf("= %s\t%s\t%s\t%s\t%s\t%s\n", verdict.c_str(), core::to_string(answer.result),
              cached ? "cached" : "fresh", or_dash(answer.target).c_str(), or_dash(reply).c_str(),
              or_dash(cached ? std::string() : answer.detail).c_str());
  std::fflush(stdout);
}

void route(const runtime::Config& config, const std::string& address) {
  const runtime::Resolution r = runtime::resolve(config, address, std::nullopt);
  if (!r.error.empty()) {
    print("malformed", {core::Lookup::none, {}, r.error}, {});
    return;
  }
  print(core::to_string(r.decision.verdict), r.answer, r.reply ? r.reply->line() : std::string());
}

void lookup(const runtime::Config& config, const std::string& key) {
  if (!config.directory) {
    print("-", {core::Lookup::error, {}, "no directory"}, {});
    return;
  }
  print("-", config.directory->lookup(key), {});
}

void burst(const runtime::Config& config, const std::string& argument) {
  std::istringstream fields(argument);
  int threads = 0, count = 0;
  std::string key;
  fields >> threads >> count >> key;
  std::array<std::atomic<int>, 4> tally{};  // indexed by core::Lookup
  std::vector<std::thread> workers;
  for (int t = 0; t < threads && config.directory; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < count; ++i) ++tally[static_cast<std::size_t>(config.directory->lookup(key).result)];
    });
  }
  for (auto& worker : workers) worker.join();
  std::printf("= burst\thit=%d\tmiss=%d\terror=%d\n", tally[static_cast<std::size_t>(core::Lookup::hit)].load(),
              tally[static_cast<std::size_t>(core::Lookup::miss)].load(),
              tally[static_cast<std::size_t>(core::Lookup::error)].load());
  std::fflush(stdout);
}

int serve(const runtime::Config& config, std::istream& in) {
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t space = line.find(' ');
    const std::string command = line.substr(0, space);
    const std::string argument = space == std::string::npos ? std::string() : line.substr(space + 1);
    if (command == "route") {
      route(config, argument);
    } else if (command == "lookup") {
      lookup(config, argument);
    } else if (command == "burst") {
      burst(config, argument);
    } else if (!command.empty()) {
      print("usage", {core::Lookup::none, {}, "unknown request: " + command}, {});
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules, input;
  for (int opt; (opt = getopt(argc, argv, "c:i:")) != -1;) {
    if (opt == 'c') rules = optarg;
    else if (opt == 'i') input = optarg;
    else return 2;
  }
  if (rules.empty()) {
    std::fprintf(stderr, "usage: ldap-probe -c RULES [-i INPUT]\n");
    return 2;
  }
  const runtime::ConfigLoad load = runtime::load_config(rules);
  std::fputs(load.report().c_str(), stderr);
  if (!load.config) return 1;
  if (input.empty()) return serve(*load.config, std::cin);
  std::ifstream in(input);
  return serve(*load.config, in);
}
