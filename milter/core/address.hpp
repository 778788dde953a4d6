// address.hpp - strict parsing of envelope recipient addresses.
//
// Accepts "local@domain" or "<local@domain>"; the local part may be a dot-atom
// or a quoted string (RFC 5321 4.1.2).  Refused, each with a clear message:
// empty input and "<>", source routes ("<@a,@b:u@d>"), a missing or empty
// local part or domain, control characters and NUL, unbalanced brackets or
// quotes, more than kMaxAddressLength bytes, a local part over 64 octets
// (RFC 5321 4.5.3.1.1), and a domain that fails domain_syntax_error().
// An address literal domain ("[192.0.2.1]") is accepted as such.
// UTF-8 (SMTPUTF8) local parts are accepted; IDN domains must arrive as
// A-labels (xn--...), as the MTA sends them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace splitroute::core {

inline constexpr std::size_t kMaxAddressLength = 320;
inline constexpr std::size_t kMaxLocalPartLength = 64;

struct Address {
  std::string local;   // as given (case preserved), without brackets
  std::string domain;  // normalised: lowercase, no trailing dot
  // text - "local@domain".
  std::string text() const;
  // key - the directory lookup key: the whole address in lowercase.
  std::string key() const;
};

// parse_address - parse `input` into `out` (reusing its storage).  Returns
// an empty string on success, else the reason the address is malformed.
std::string parse_address(std::string_view input, Address& out);

// strip_extension - "alice+tag" -> "alice" when `delimiters` (a set of
// characters, as Postfix's recipient_delimiter) has '+'.  Returns the
// local part unchanged when there is no delimiter in it.
std::string_view strip_extension(std::string_view local, std::string_view delimiters);

}  // namespace splitroute::core
