// options.cpp - parse splitroute-milter's command line.
#include "daemon/options.hpp"

#include <charconv>

namespace splitroute::daemon {
namespace {

constexpr std::string_view kWithValue = "cmpPu";
constexpr std::string_view kFlags = "fhnv";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// port_error - PORT of inet:PORT@HOST: a number 1..65535.
std::string port_error(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
    return "bad port \"" + std::string(port) + "\" (want 1..65535)";
  }
  return {};
}

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
    case 'u':
      out.user = value;
      break;
  }
  return {};
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
  }
}

}  // namespace

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

std::string socket_spec_error(std::string_view spec) {
  if (starts_with(spec, "unix:") || starts_with(spec, "local:")) {
    std::string path = unix_socket_path(spec);
    if (path.empty() || path[0] != '/') return "socket path must be absolute: \"" + std::string(spec) + "\"";
    return {};
  }
  std::string_view rest;
  if (starts_with(spec, "inet:")) {
    rest = spec.substr(5);
  } else if (starts_with(spec, "inet6:")) {
    rest = spec.substr(6);
  } else {
    return "bad socket \"" + std::string(spec) + "\" (want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)";
  }
  std::size_t at = rest.find('@');
  if (std::string why = port_error(rest.substr(0, at)); !why.empty()) return why;
  if (at != std::string_view::npos && at + 1 == rest.size()) return "empty host in \"" + std::string(spec) + "\"";
  return {};
}

std::string unix_socket_path(std::string_view spec) {
  if (starts_with(spec, "unix:")) return std::string(spec.substr(5));
  if (starts_with(spec, "local:")) return std::string(spec.substr(6));
  return {};
}

std::string usage() {
  return "usage: splitroute-milter [-fhnv] [-c RULES] [-m MODE] [-p SOCKET] [-P PIDFILE] [-u USER[:GROUP]]\n"
         "  -c RULES   rule file (default /etc/splitroute/rules.json)\n"
         "  -f         stay in the foreground and log to stderr\n"
         "  -h         show this help\n"
         "  -m MODE    unix socket permissions, octal (default: socket_mode from the rules, else 0660)\n"
         "  -n         check the configuration and exit\n"
         "  -p SOCKET  unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST\n"
         "             (default unix:/run/splitroute/milter.sock)\n"
         "  -P PIDFILE write the process id to PIDFILE\n"
         "  -u USER[:GROUP]  run as USER (and GROUP) once the socket is open\n"
         "  -v         log more (each milter step)\n";
}

}  // namespace splitroute::daemon
