// socket_spec.cpp - parse milter-style socket specs, write Postfix's and
// Sendmail's forms.
#include "util/socket_spec.hpp"

#include <charconv>

namespace splitroute::util {
namespace {

constexpr std::string_view kWant =
    "(want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)";

// strip_prefix - `text` without `prefix`, or nullopt when it does not start so.
std::optional<std::string_view> strip_prefix(std::string_view text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return std::nullopt;
  return text.substr(prefix.size());
}

// parse_port - PORT of inet:PORT@HOST: a number 1..65535.
std::optional<std::uint16_t> parse_port(std::string_view port, std::string& why) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535) {
    why = "bad port \"" + std::string(port) + "\" (want 1..65535)";
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

std::optional<SocketSpec> parse_inet(std::string_view spec, std::string_view rest, SocketSpec::Family family,
                                     std::string& why) {
  SocketSpec out;
  out.family = family;
  std::size_t at = rest.find('@');
  std::optional<std::uint16_t> port = parse_port(rest.substr(0, at), why);
  if (!port) return std::nullopt;
  out.port = *port;
  if (at != std::string_view::npos) {
    out.host = std::string(rest.substr(at + 1));
    if (out.host.empty()) {
      why = "empty host in \"" + std::string(spec) + "\"";
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

std::optional<SocketSpec> parse_socket_spec(std::string_view spec, std::string& why) {
  if (spec.starts_with("unix:") || spec.starts_with("local:")) {
    SocketSpec out;
    out.path = unix_socket_path(spec);
    if (out.path.empty() || out.path[0] != '/') {
      why = "socket path must be absolute: \"" + std::string(spec) + "\"";
      return std::nullopt;
    }
    return out;
  }
  if (auto rest = strip_prefix(spec, "inet:")) return parse_inet(spec, *rest, SocketSpec::Family::inet, why);
  if (auto rest = strip_prefix(spec, "inet6:")) return parse_inet(spec, *rest, SocketSpec::Family::inet6, why);
  why = "bad socket \"" + std::string(spec) + "\" " + std::string(kWant);
  return std::nullopt;
}

std::string socket_spec_error(std::string_view spec) {
  std::string why;
  parse_socket_spec(spec, why);
  return why;
}

std::string unix_socket_path(std::string_view spec) {
  if (auto path = strip_prefix(spec, "unix:")) return std::string(*path);
  if (auto path = strip_prefix(spec, "local:")) return std::string(*path);
  return {};
}

std::string postfix_endpoint(const SocketSpec& spec) {
  switch (spec.family) {
    case SocketSpec::Family::unix_path:
      return "unix:" + spec.path;
    case SocketSpec::Family::inet:
      return "inet:" + (spec.host.empty() ? std::string("127.0.0.1") : spec.host) + ":" +
             std::to_string(spec.port);
    case SocketSpec::Family::inet6:
      break;
  }
  std::string host = spec.host.empty() ? "::1" : spec.host;
  if (!host.starts_with('[')) host = "[" + host + "]";
  return "inet:" + host + ":" + std::to_string(spec.port);
}

std::string sendmail_endpoint(const SocketSpec& spec) {
  switch (spec.family) {
    case SocketSpec::Family::unix_path:
      return "local:" + spec.path;
    case SocketSpec::Family::inet:
      return "inet:" + std::to_string(spec.port) + "@" + (spec.host.empty() ? std::string("127.0.0.1") : spec.host);
    case SocketSpec::Family::inet6:
      break;
  }
  return "inet6:" + std::to_string(spec.port) + "@" + (spec.host.empty() ? std::string("::1") : spec.host);
}

}  // namespace splitroute::util
