// domain.cpp - domain name syntax, address literals and address-space patterns.
//
// Every part of splitroute that checks a host name (rule file, addresses,
// smarthosts) goes through domain_syntax_error(), so there is exactly one
// definition of what a valid domain is.
#include "core/domain.hpp"

#include <arpa/inet.h>

#include <array>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/idna.hpp"

namespace splitroute::core {
namespace {

constexpr std::string_view kWildcardPrefix = "*.";
// Exact patterns rank above every wildcard, whatever the lengths.
constexpr std::size_t kExactSpecificityBase = kMaxDomainLength + 2;

constexpr ascii::CharSet kLabelChars(true, "-");

std::string invalid_label_char(char c) {
  if (c == '*') return "'*' is allowed only as the whole leftmost label (\"*.example.com\")";
  if (ascii::is_non_ascii(c)) {
    return "non-ASCII character (an IDN must be converted to A-labels first)";
  }
  return fmt::format("{} is not allowed (letters, digits, '-' and '.' only)",
                     ascii::describe_char(c));
}

std::optional<std::string> label_syntax_error(std::string_view label) {
  if (label.empty()) return "empty label";
  if (label.size() > kMaxLabelLength) {
    return fmt::format("label \"{}\" is longer than {} characters", label, kMaxLabelLength);
  }
  for (char c : label) {
    if (!kLabelChars.contains(c)) return invalid_label_char(c);
  }
  if (label.front() == '-') return fmt::format("label \"{}\" starts with a hyphen", label);
  if (label.back() == '-') return fmt::format("label \"{}\" ends with a hyphen", label);
  return std::nullopt;
}

// is_ipv4_literal - four decimal numbers 0..255 (RFC 5321 Snum), dot-separated.
bool is_ipv4_literal(std::string_view text) {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find('.', start);
    std::string_view part = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!ascii::is_digit(c)) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255 || ++parts > 4) return false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts == 4;
}

bool is_ipv6_address(std::string_view text) {
  constexpr std::size_t kMaxIpv6Text = 45;
  if (text.empty() || text.size() > kMaxIpv6Text) return false;
  std::array<char, kMaxIpv6Text + 1> buffer{};
  text.copy(buffer.data(), text.size());
  std::array<unsigned char, 16> address{};
  return inet_pton(AF_INET6, buffer.data(), address.data()) == 1;
}

// is_proper_subdomain - `domain` ends with "." + `parent`.
bool is_proper_subdomain(std::string_view domain, std::string_view parent) {
  return domain.size() > parent.size() + 1 && domain.ends_with(parent) &&
         domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace

std::string DomainPattern::display() const {
  std::string unicode = unicode_domain(suffix);
  if (kind == PatternKind::any || unicode == suffix) return text();
  std::string_view prefix = kind == PatternKind::wildcard ? kWildcardPrefix : "";
  return fmt::format("{}{} ({})", prefix, unicode, text());
}

std::string DomainPattern::text() const {
  switch (kind) {
    case PatternKind::exact:
      return suffix;
    case PatternKind::wildcard:
      return std::string(kWildcardPrefix) + suffix;
    case PatternKind::any:
      break;
  }
  return "*";
}

void normalize_domain(std::string_view domain, std::string& out) {
  if (domain.ends_with('.')) domain.remove_suffix(1);
  out.assign(domain);
  ascii::lowercase_in_place(out);
}

std::string normalize_domain(std::string_view domain) {
  std::string out;
  normalize_domain(domain, out);
  return out;
}

namespace {

// is_plain_host_name - one pass that accepts what the label-by-label check
// below accepts, for the common case (every recipient's domain); anything it
// does not accept goes through that check, which says why.
bool is_plain_host_name(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomainLength) return false;
  std::size_t label_start = 0;
  for (std::size_t i = 0; i < domain.size(); ++i) {
    char c = domain[i];
    if (c == '.') {
      if (i == label_start || domain[i - 1] == '-') return false;
      label_start = i + 1;
    } else if (!kLabelChars.contains(c) || (c == '-' && i == label_start) || i - label_start >= kMaxLabelLength) {
      return false;
    }
  }
  return label_start < domain.size() && domain.back() != '-';
}

}  // namespace

std::optional<std::string> domain_syntax_error(std::string_view domain) {
  if (is_plain_host_name(domain)) return std::nullopt;
  if (domain.empty()) return "empty domain";
  if (domain.size() > kMaxDomainLength) {
    return fmt::format("longer than {} characters ({})", kMaxDomainLength, domain.size());
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i < domain.size() && domain[i] != '.') continue;
    if (auto why = label_syntax_error(domain.substr(start, i - start))) return why;
    start = i + 1;
  }
  return std::nullopt;
}

std::optional<std::string> address_literal_error(std::string_view literal) {
  if (ascii::starts_with_ignoring_case(literal, kIpv6LiteralTag)) {
    if (is_ipv6_address(literal.substr(kIpv6LiteralTag.size()))) return std::nullopt;
    return "not a valid IPv6 address after \"IPv6:\"";
  }
  if (is_ipv4_literal(literal)) return std::nullopt;
  return "neither an IPv4 address (192.0.2.1) nor \"IPv6:\" and an IPv6 address "
         "(IPv6:2001:db8::1)";
}

std::optional<DomainPattern> parse_pattern(std::string_view text, std::string& why) {
  DomainPattern pattern;
  if (text == "*" || text == "*.") {
    pattern.kind = PatternKind::any;
    return pattern;
  }
  std::string_view name = text;
  if (name.starts_with(kWildcardPrefix)) {
    pattern.kind = PatternKind::wildcard;
    name.remove_prefix(kWildcardPrefix.size());
  }
  if (auto error = canonical_domain(name, pattern.suffix)) {
    why = std::move(*error);
    return std::nullopt;
  }
  return pattern;
}

bool pattern_matches(const DomainPattern& pattern, std::string_view domain) {
  switch (pattern.kind) {
    case PatternKind::exact:
      return domain == pattern.suffix;
    case PatternKind::wildcard:
      return is_proper_subdomain(domain, pattern.suffix);
    case PatternKind::any:
      break;
  }
  return true;
}

bool pattern_covers(const DomainPattern& outer, const DomainPattern& inner) {
  switch (inner.kind) {
    case PatternKind::exact:
      return pattern_matches(outer, inner.suffix);
    case PatternKind::wildcard:
      return outer.kind == PatternKind::any ||
             (outer.kind == PatternKind::wildcard &&
              (inner.suffix == outer.suffix || pattern_matches(outer, inner.suffix)));
    case PatternKind::any:
      break;
  }
  return outer.kind == PatternKind::any;
}

std::size_t specificity(const DomainPattern& pattern) {
  switch (pattern.kind) {
    case PatternKind::exact:
      return kExactSpecificityBase + pattern.suffix.size();
    case PatternKind::wildcard:
      return 1 + pattern.suffix.size();
    case PatternKind::any:
      break;
  }
  return 0;
}

}  // namespace splitroute::core
