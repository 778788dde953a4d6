// options.cpp - parse splitroute-milter's command line.
#include "daemon/options.hpp"

namespace splitroute::daemon {
namespace {

constexpr std::string_view kWithValue = "cmMpPsu";
constexpr std::string_view kFlags = "fhnvV";

// apply_value - store the value of option `letter`; "" or a usage error.
std::string apply_value(char letter, const std::string& value, Options& out) {
  if (value.empty()) return std::string("-") + letter + ": empty value";
  switch (letter) {
    case 'c':
      out.rules = value;
      break;
    case 'm':
      out.socket_mode = parse_socket_mode(value);
      if (!out.socket_mode) return "-m: bad socket mode \"" + value + "\" (want octal, e.g. 0660)";
      break;
    case 'p':
      if (std::string why = socket_spec_error(value); !why.empty()) return "-p: " + why;
      out.socket = value;
      break;
    case 'P':
      out.pidfile = value;
      break;
    case 's':
      if (std::string why = socket_spec_error(value); !why.empty()) return "-s: " + why;
      out.socketmap = value;
      break;
    case 'u':
      out.user = value;
      break;
    case 'M':
      if (!valid_metrics_address(value)) return "-M: bad address \"" + value + "\" (want ADDRESS:PORT, e.g. 127.0.0.1:9465)";
      out.metrics = value;
      break;
  }
  return {};
}

// same_socket - two specs that name one socket ("unix:/x" and "local:/x" too).
bool same_socket(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::string path = unix_socket_path(a);
  return !path.empty() && path == unix_socket_path(b);
}

void apply_flag(char letter, Options& out) {
  switch (letter) {
    case 'f':
      out.foreground = true;
      break;
    case 'h':
      out.help = true;
      break;
    case 'n':
      out.check_only = true;
      break;
    case 'v':
      ++out.verbose;
      break;
    case 'V':
      out.version = true;
      break;
  }
}

}  // namespace

bool valid_metrics_address(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  unsigned number = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    number = number * 10 + static_cast<unsigned>(c - '0');
  }
  return number > 0 && number <= 65535;
}

OptionsResult parse_options(const std::vector<std::string>& args) {
  OptionsResult result;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      if (i + 1 < args.size()) result.error = "unexpected argument \"" + args[i + 1] + "\"";
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      result.error = "unexpected argument \"" + arg + "\"";
      break;
    }
    for (std::size_t j = 1; j < arg.size() && result.error.empty(); ++j) {
      char letter = arg[j];
      if (kFlags.find(letter) != std::string_view::npos) {
        apply_flag(letter, result.options);
        continue;
      }
      if (kWithValue.find(letter) == std::string_view::npos) {
        result.error = std::string("unknown option -") + letter;
        break;
      }
      std::string value;
      if (j + 1 < arg.size()) {
        value = arg.substr(j + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        result.error = std::string("-") + letter + " needs a value";
        break;
      }
      result.error = apply_value(letter, value, result.options);
      break;  // the value used up the rest of this argument
    }
    if (!result.error.empty()) break;
  }
  if (result.error.empty() && same_socket(result.options.socketmap, result.options.socket)) {
    result.error = "-s and -p name the same socket \"" + result.options.socketmap + "\"";
  }
  return result;
}

std::optional<unsigned> parse_socket_mode(std::string_view text) {
  if (text.size() < 3 || text.size() > 4) return std::nullopt;
  unsigned mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return std::nullopt;
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (mode > 0777) return std::nullopt;
  return mode;
}

std::string usage() {
  return "usage: splitroute-milter [-fhnvV] [-c RULES] [-m MODE] [-p SOCKET] [-P PIDFILE] [-s SOCKET]\n"
         "                         [-u USER[:GROUP]] [-M ADDRESS:PORT]\n"
         "  -c RULES   rule file (default /etc/splitroute/rules.json)\n"
         "  -f         stay in the foreground and log to stderr\n"
         "  -h         show this help\n"
         "  -M ADDRESS:PORT  serve Prometheus metrics at http://ADDRESS:PORT/metrics (default: off)\n"
         "  -m MODE    unix socket permissions, octal (default: socket_mode from the rules, else 0660)\n"
         "  -n         check the configuration and exit\n"
         "  -p SOCKET  unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST\n"
         "             (default unix:/run/splitroute/milter.sock)\n"
         "  -P PIDFILE write the process id to PIDFILE\n"
         "  -s SOCKET  also serve the socketmap protocol (Postfix transport_maps) on SOCKET,\n"
         "             same syntax as -p (default: no socketmap)\n"
         "  -u USER[:GROUP]  run as USER (and GROUP) once the socket is open\n"
         "  -v         log more (each milter step)\n"
         "  -V         print the version and exit\n";
}

}  // namespace splitroute::daemon
