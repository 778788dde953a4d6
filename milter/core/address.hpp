// address.hpp - strict parsing of envelope recipient addresses.
//
// Accepts "local@domain" or "<local@domain>"; the local part may be a dot-atom
// or a quoted string (RFC 5321 4.1.2).  Refused, each with a clear message:
// empty input and "<>", source routes ("<@a,@b:u@d>"), a missing or empty
// local part or domain, control characters and NUL, unbalanced brackets or
// quotes, more than kMaxAddressLength bytes, a local part over 64 octets
// (RFC 5321 4.5.3.1.1), and a domain that fails domain_syntax_error().
// An address literal domain ("[192.0.2.1]") is accepted as such.
// UTF-8 (SMTPUTF8) local parts are accepted; a domain may be written with
// U-labels or A-labels (Postfix hands SMTPUTF8 addresses on unconverted):
// both are the same domain, matched in the canonical A-label form.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace splitroute::core {

inline constexpr std::size_t kMaxAddressLength = 320;
inline constexpr std::size_t kMaxLocalPartLength = 64;

struct Address {
  std::string local;   // as given (case preserved), without brackets
  std::string domain;  // canonical, for matching: A-labels, lowercase, no trailing dot
  // As written by the client (no trailing dot) when it differs from
  // `domain` (U-labels), else empty (no copy): read it through written().
  std::string written_domain;
  // The U-label form (lowercase, NFC) when the domain is an IDN, else empty.
  std::string unicode_domain;
  bool written_unicode = false;  // the client wrote U-labels
  // written - the domain as written, for replies and logs.
  std::string_view written() const { return written_domain.empty() ? std::string_view(domain) : written_domain; }
  // text - "local@domain" as written.
  std::string text() const;
  // canonical_text - "local@domain" with the canonical (A-label) domain:
  // the same for either form of an IDN (the loop trace hashes it).
  std::string canonical_text() const;
  // key - the directory lookup key, in the form the domain was written:
  // the folded local part (fold_local_part()) "@" the domain in lower case.
  std::string key() const;
  // other_key - the same with the domain in its other form (U-label for
  // A-label and back); empty when the domain is not an IDN.
  std::string other_key() const;
};

// lookup_key - folded `local` "@" `domain` (already canonical).
std::string lookup_key(std::string_view local, std::string_view domain);
// lookup_key_into - the same written into `out` (its capacity kept).
void lookup_key_into(std::string_view local, std::string_view domain, std::string& out);

// parse_address - parse `input` into `out` (reusing its storage).  Returns
// an empty string on success, else the reason the address is malformed.
std::string parse_address(std::string_view input, Address& out);

// strip_extension - "alice+tag" -> "alice" when `delimiters` (a set of
// characters, as Postfix's recipient_delimiter) has '+'.  Returns the
// local part unchanged when there is no delimiter in it.
std::string_view strip_extension(std::string_view local, std::string_view delimiters);

}  // namespace splitroute::core
