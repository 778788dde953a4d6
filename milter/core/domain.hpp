// domain.hpp - domain names and address-space patterns.
//
// A domain is compared case-insensitively with any trailing dot ignored, and
// an IDN in its A-label form (core/idna.hpp): a pattern may be written with
// U-labels or A-labels and keeps the A-labels.
// A pattern is one of:
//   "example.com"    matches only example.com
//   "*.example.com"  matches proper subdomains of example.com only
//   "*"              matches every domain
// Syntax: labels of 1..63 letters, digits or hyphens (not starting or ending
// with a hyphen), total length <= 253; "*" only as the whole leftmost label.
// Pure functions: no I/O, no allocation beyond the returned strings.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace splitroute::core {

inline constexpr std::size_t kMaxDomainLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::string_view kIpv6LiteralTag = "IPv6:";  // RFC 5321 4.1.3

enum class PatternKind { exact, wildcard, any };

struct DomainPattern {
  PatternKind kind = PatternKind::exact;
  std::string suffix;  // canonical (A-label) domain; for wildcard the part after "*."; empty for any
  std::string text() const;  // "example.com", "*.example.com" or "*"
  // display - text() with an IDN in both forms: "*.bücher.example (*.xn--bcher-kva.example)".
  std::string display() const;
};

// normalize_domain - lowercase, drop one trailing dot; no syntax check.
std::string normalize_domain(std::string_view domain);
// normalize_domain - the same into `out`, reusing its storage (hot path).
void normalize_domain(std::string_view domain, std::string& out);

// domain_syntax_error - why `domain` (already normalised) is not a valid
// host name, or nullopt when it is.
std::optional<std::string> domain_syntax_error(std::string_view domain);

// address_literal_error - why `literal`, the text inside "[...]" of an
// address literal ("192.0.2.1" or "IPv6:2001:db8::1"), is not a valid
// IPv4 or IPv6 address literal (RFC 5321 4.1.3), or nullopt when it is.
std::optional<std::string> address_literal_error(std::string_view literal);

// parse_pattern - parse an address-space pattern (U-labels are converted to
// A-labels, see canonical_domain()); on error returns nullopt
// and sets `why` to a message naming what is wrong.
std::optional<DomainPattern> parse_pattern(std::string_view text, std::string& why);

// pattern_matches - does `pattern` match the normalised `domain`?
bool pattern_matches(const DomainPattern& pattern, std::string_view domain);

// pattern_covers - does every domain matched by `inner` also match `outer`?
bool pattern_covers(const DomainPattern& outer, const DomainPattern& inner);

// specificity - larger is more specific: exact > longer wildcard > shorter
// wildcard > any.  Used to rank matches of one domain.
std::size_t specificity(const DomainPattern& pattern);

}  // namespace splitroute::core
