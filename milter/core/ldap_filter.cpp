// ldap_filter.cpp - LDAP search filter templates and RFC 4515 escaping.
#include "core/ldap_filter.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::core {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// needs_escape - must octet `c` be written as "\xx" inside a filter value?
bool needs_escape(char c) {
  return ascii::is_control(c) || ascii::is_non_ascii(c) || c == '*' || c == '(' || c == ')' || c == '\\';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// escape_at - is text[i] a "\" followed by two hex digits?
bool escape_at(std::string_view text, std::size_t i) {
  return i + 2 < text.size() && text[i] == '\\' && hex_value(text[i + 1]) >= 0 &&
         hex_value(text[i + 2]) >= 0;
}

// placeholder_error - why the "%" at filter[i] is not a valid placeholder.
std::optional<std::string> placeholder_error(std::string_view filter, std::size_t i) {
  if (i + 1 >= filter.size()) return std::string("it ends with a lone \"%\" (write %% for a literal %)");
  const char c = filter[i + 1];
  if (c == 's' || c == 'u' || c == 'd' || c == '%') return std::nullopt;
  if (ascii::is_control(c) || ascii::is_non_ascii(c)) return fmt::format("it has an unknown placeholder at offset {}", i);
  return fmt::format("it has an unknown placeholder \"%{}\" (use %s, %u, %d or %%)", c);
}

struct AddressParts {
  std::string_view whole, local, domain;
};

AddressParts split_address(std::string_view address) {
  const std::size_t at = address.rfind('@');
  if (at == std::string_view::npos) return {address, address, {}};
  return {address, address.substr(0, at), address.substr(at + 1)};
}

}  // namespace

std::string escape_filter_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (needs_escape(c)) {
      const auto octet = static_cast<unsigned char>(c);
      out += '\\';
      out += kHex[octet >> 4];
      out += kHex[octet & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_filter_value(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    if (c == '*' || c == '(' || c == ')' || c == '\0') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (!escape_at(escaped, i)) return std::nullopt;
    out += static_cast<char>(hex_value(escaped[i + 1]) * 16 + hex_value(escaped[i + 2]));
    i += 2;
  }
  return out;
}

std::optional<std::string> filter_template_error(std::string_view filter) {
  if (filter.empty()) return std::string("it is empty");
  if (filter.size() > kMaxFilterTemplateLength) {
    return fmt::format("it is {} bytes long, more than {}", filter.size(), kMaxFilterTemplateLength);
  }
  if (filter.front() != '(') return std::string("it must be enclosed in parentheses");
  int depth = 0;
  bool placeholder = false;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (ascii::is_control(c)) return fmt::format("it has a control character at offset {}", i);
    if (c == '\\') {
      if (!escape_at(filter, i)) return fmt::format("it has a \"\\\" not followed by two hex digits at offset {}", i);
      i += 2;
    } else if (c == '%') {
      if (auto why = placeholder_error(filter, i)) return why;
      placeholder = placeholder || filter[i + 1] != '%';
      ++i;
    } else if (c == '(') {
      if (depth == 0 && i != 0) return fmt::format("it has text after the closing parenthesis at offset {}", i);
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) return fmt::format("it has an unbalanced \")\" at offset {}", i);
    } else if (depth == 0) {
      return fmt::format("it has text after the closing parenthesis at offset {}", i);
    }
  }
  if (depth != 0) return std::string("it has unbalanced parentheses (a \"(\" is never closed)");
  if (!placeholder) return std::string("it has no placeholder (use %s, %u or %d)");
  return std::nullopt;
}

std::string expand_filter(std::string_view filter, std::string_view address) {
  const AddressParts parts = split_address(address);
  std::string out;
  out.reserve(filter.size() + 3 * address.size());
  for (std::size_t i = 0; i < filter.size(); ++i) {
    if (filter[i] != '%' || i + 1 == filter.size()) {
      out += filter[i];
      continue;
    }
    switch (filter[++i]) {
      case 's': out += escape_filter_value(parts.whole); break;
      case 'u': out += escape_filter_value(parts.local); break;
      case 'd': out += escape_filter_value(parts.domain); break;
      case '%': out += '%'; break;
      default: out += '%'; out += filter[i]; break;
    }
  }
  return out;
}

}  // namespace splitroute::core
