// idna.hpp - internationalised domain names and local parts.
//
// One canonical form for matching: the A-label form in lower case
// ("xn--mnchen-3ya.example"), computed by libidn2 (IDNA2008 with UTS #46
// non-transitional processing, NFC input).  A U-label domain and its A-label
// form are the same domain everywhere.  Non-ASCII local parts are compared
// after NFC normalisation and Unicode case folding (libunistring), ASCII
// local parts after ASCII lower-casing, as before.
// Pure: libidn2 and libunistring keep no state; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace splitroute::core {

// canonical_domain - `text` (trailing dot ignored, any case, U-labels or
// A-labels) as a lower-case A-label domain in `out`.  Returns why it is not
// a valid domain (bad UTF-8, libidn2's reason, or domain_syntax_error()),
// or nullopt.  ASCII names without an "xn--" label never reach libidn2.
std::optional<std::string> canonical_domain(std::string_view text, std::string& out);

// has_ace_label - does the canonical `domain` have an "xn--" label?
bool has_ace_label(std::string_view domain);

// unicode_domain - the U-label form of the canonical `domain` (lower case,
// NFC); `domain` itself when it has no "xn--" label or cannot be decoded.
std::string unicode_domain(std::string_view domain);

// display_domain - "bücher.example (xn--bcher-kva.example)" for an IDN,
// the canonical `domain` alone otherwise.
std::string display_domain(std::string_view domain);

// fold_local_part - the local part as a lookup key: ASCII lower-cased;
// with non-ASCII characters, NFC-normalised and case-folded.  `local` must
// be valid UTF-8 (parse_address() has checked it).
void fold_local_part(std::string_view local, std::string& out);

}  // namespace splitroute::core
