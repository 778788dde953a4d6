// options.hpp - command-line options shared by the splitroute subcommands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitroute::cli {

inline constexpr const char* kDefaultRules = "/etc/splitroute/rules.json";

// Exit statuses of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Options {
  std::string rules = kDefaultRules;        // -c FILE
  std::optional<std::uint64_t> size;        // --size BYTES
  bool json = false;                        // --json
  std::string milter_socket;                // -p SOCKET
  std::string socketmap_socket;             // -s SOCKET
  bool master = false;                      // -M (postconf: master.cf services)
  bool connect = false;                     // --connect (check: try every LDAP URI)
  std::string format;                       // --format (graph: dot or svg)
  std::vector<std::string> operands;
};

// parse_options - parse `args` accepting only the options named in
// `allowed` (e.g. "c", "size", "json").  Returns "" or a usage error.
// "json" and "M" are flags; every other option takes a value.
std::string parse_options(const std::vector<std::string>& args, std::string_view allowed, Options& out);

}  // namespace splitroute::cli
