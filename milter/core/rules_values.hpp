// rules_values.hpp - syntax of the scalar values in a rule file.
//
// Each check returns why a value is wrong (nullopt when it is fine); the
// caller adds the JSON pointer and the quoted value.  parse_size() is public
// and declared in rules_json.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/rules.hpp"

namespace splitroute::core {

inline constexpr std::size_t kMaxNameLength = 64;

// parse_smarthost - "host", "host:port", "[192.0.2.1]", "[192.0.2.1]:2525",
// "[IPv6:2001:db8::1]:25"; on error returns nullopt and sets `why`.
std::optional<Smarthost> parse_smarthost(std::string_view text, std::string& why);

// name_error - connector and accepted-domain names: 1..64 characters, no controls.
std::optional<std::string> name_error(std::string_view name);

// organization_error - "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$".
std::optional<std::string> organization_error(std::string_view organization);

// recipient_delimiter_error - at most 8 ASCII punctuation characters, not '@' or '"'.
std::optional<std::string> recipient_delimiter_error(std::string_view delimiters);

// parse_socket_mode - "0660" -> 0660: 3 or 4 octal digits, at most 0777.
std::optional<unsigned> parse_socket_mode(std::string_view text, std::string& why);

// transport_error - a delivery service name (Postfix master.cf):
// "^[a-z][a-z0-9_-]{0,31}$".
std::optional<std::string> transport_error(std::string_view name);

// local_transport_error - "transport:nexthop" in Postfix syntax: a
// transport_error()-valid name, ':', then printable ASCII without spaces
// (possibly nothing), at most kMaxLocalTransportLength characters.
inline constexpr std::size_t kMaxLocalTransportLength = 255;
std::optional<std::string> local_transport_error(std::string_view text);

// is_stock_service - a service of Postfix's own master.cf ("smtp",
// "relay", "lmtp", ...), which a connector cannot give settings of its own.
bool is_stock_service(std::string_view name);

}  // namespace splitroute::core
