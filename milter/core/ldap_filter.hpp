// ldap_filter.hpp - LDAP search filter templates and RFC 4515 escaping.
//
// A filter template is an RFC 4515 filter with placeholders:
//   %s  the whole address      "alice+tag@example.com"
//   %u  the local part         "alice+tag"
//   %d  the domain             "example.com"
//   %%  a literal "%"
// e.g. "(|(mail=%s)(mailLocalAddress=%s)(proxyAddresses=smtp:%s))".
//
// SECURITY: every value substituted for a placeholder is escaped first, so
// "*@example.com" or "a)(mail=*" is matched literally and can never widen or
// restructure the filter.  Escaped as "\xx" (two lowercase hex digits):
// '*' '(' ')' '\' and NUL (required by RFC 4515 section 3), plus every other
// octet outside printable ASCII (controls, DEL and bytes >= 0x80).  RFC 4515
// allows any octet to be escaped and the server compares the unescaped
// octets, so the match is the same while the filter stays plain ASCII and a
// malformed UTF-8 key cannot make the request itself malformed.
//
// Pure functions over string_view; output length is bounded by
// template length + 3 * (address length) * (number of placeholders).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace splitroute::core {

inline constexpr std::size_t kMaxFilterTemplateLength = 4096;

// escape_filter_value - `value` with every octet that needs it written as
// "\xx", ready to stand inside an RFC 4515 assertion value.
std::string escape_filter_value(std::string_view value);

// unescape_filter_value - the inverse of escape_filter_value() (accepts any
// "\xx" escape, either case); nullopt when a "\" is not followed by two hex
// digits or an unescaped '*' '(' ')' or NUL is present.
std::optional<std::string> unescape_filter_value(std::string_view escaped);

// filter_template_error - why `filter` is not a usable template, or nullopt:
// it must be non-empty, at most kMaxFilterTemplateLength bytes, free of
// control characters, enclosed in balanced parentheses, use only the
// placeholders above, and contain at least one of %s %u %d.
std::optional<std::string> filter_template_error(std::string_view filter);

// expand_filter - `filter` (a valid template) with %s, %u and %d replaced by
// the escaped address, local part and domain of `address` (split at its last
// '@'; without one, the local part is the whole text and the domain empty).
std::string expand_filter(std::string_view filter, std::string_view address);

}  // namespace splitroute::core
