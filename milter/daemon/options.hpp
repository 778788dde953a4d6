// options.hpp - splitroute-milter's command line (sendmail milter style).
//
//   splitroute-milter [-fhnv] [-c RULES] [-m MODE] [-p SOCKET] [-P PIDFILE] [-s SOCKET]
//                     [-u USER[:GROUP]] [-M ADDRESS:PORT]
//
// Pure: parse_options() neither prints nor exits; main() decides.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/socket_spec.hpp"

namespace splitroute::daemon {

inline constexpr const char* kDefaultSocket = util::kDefaultMilterSocket;
inline constexpr const char* kDefaultRules = "/etc/splitroute/rules.json";
inline constexpr unsigned kDefaultSocketMode = 0660;

struct Options {
  std::string socket = kDefaultSocket;  // -p
  std::string socketmap;                // -s; empty: no socketmap server
  std::string rules = kDefaultRules;    // -c
  bool foreground = false;              // -f
  bool check_only = false;              // -n
  bool help = false;                    // -h
  int verbose = 0;                      // -v (repeatable)
  bool version = false;                 // -V
  std::string user;                     // -u USER[:GROUP]
  std::string pidfile;                  // -P
  std::optional<unsigned> socket_mode;  // -m (wins over the rules' socket_mode)
  std::string metrics;                  // -M ADDRESS:PORT; empty: no metrics
};

struct OptionsResult {
  Options options;
  std::string error;  // non-empty: a usage error, nothing else is valid
};

// parse_options - `args` without the program name.  Flags may be grouped
// ("-fv") and option values attached ("-p/x") or separate ("-p /x").
OptionsResult parse_options(const std::vector<std::string>& args);

// valid_metrics_address - "HOST:PORT" with a port of 1-65535 ("[::1]:9465" too).
bool valid_metrics_address(std::string_view text);

// parse_socket_mode - 3 or 4 octal digits, at most 0777.
std::optional<unsigned> parse_socket_mode(std::string_view text);

// Socket specs (-p, -s) are util/socket_spec.hpp's.
using util::socket_spec_error;
using util::unix_socket_path;

// usage - the help text.
std::string usage();

}  // namespace splitroute::daemon
