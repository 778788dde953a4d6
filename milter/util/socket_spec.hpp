// socket_spec.hpp - socket addresses in Sendmail milter syntax, shared by
// the milter (-p), the socketmap server (-s), `splitroute postconf` and
// `splitroute sendmail-config`.
//
//   unix:/path  local:/path  inet:PORT[@HOST]  inet6:PORT[@HOST]
//
// Pure: parsing and conversion to Postfix's and Sendmail's way of writing
// the same socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splitroute::util {

// Where splitroute-milter listens in a standard installation (contrib/systemd).
inline constexpr const char* kDefaultMilterSocket = "unix:/run/splitroute/milter.sock";
inline constexpr const char* kDefaultSocketmapSocket = "unix:/run/splitroute/socketmap.sock";

struct SocketSpec {
  enum class Family { unix_path, inet, inet6 };
  Family family = Family::unix_path;
  std::string path;        // unix_path: absolute
  std::uint16_t port = 0;  // inet, inet6: 1..65535
  std::string host;        // inet, inet6: empty = every address
};

// parse_socket_spec - nullopt with `why` set when `spec` is malformed.
std::optional<SocketSpec> parse_socket_spec(std::string_view spec, std::string& why);

// socket_spec_error - why `spec` is not unix:/path, local:/path,
// inet:PORT[@HOST] or inet6:PORT[@HOST] ("" when it is fine).
std::string socket_spec_error(std::string_view spec);

// unix_socket_path - the path of a unix:/local: spec; empty for inet.
std::string unix_socket_path(std::string_view spec);

// postfix_endpoint - the socket as Postfix writes it in smtpd_milters and
// socketmap tables: "unix:/path", "inet:HOST:PORT", "inet:[HOST]:PORT" for
// IPv6; without a host, the loopback address of the family.
std::string postfix_endpoint(const SocketSpec& spec);

// sendmail_endpoint - the socket as Sendmail writes it in INPUT_MAIL_FILTER
// and socket maps: "local:/path", "inet:PORT@HOST", "inet6:PORT@HOST";
// without a host, the loopback address of the family.
std::string sendmail_endpoint(const SocketSpec& spec);

}  // namespace splitroute::util
