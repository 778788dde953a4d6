// address.cpp - strict parsing of envelope recipient addresses (RFC 5321/6531).
//
// Written for hostile input: every octet is checked once, nothing is copied
// until the address is known to be well formed, and a parsed address is
// written into the caller's Address so its storage is reused.
#include "core/address.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/domain.hpp"
#include "core/idna.hpp"
#include "core/utf8.hpp"

namespace splitroute::core {
namespace {

using Error = std::string;  // empty: no error

// RFC 5321 atext; "(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",",
// '"' and space need a quoted local part.
constexpr ascii::CharSet kAtext(true, "!#$%&'*+-/=?^_`{|}~");

Error control_character_error(std::string_view input) {
  for (char c : input) {
    if (ascii::is_control(c)) {
      return fmt::format("control character {} in the address", ascii::describe_char(c));
    }
  }
  return {};
}

// strip_brackets - "<a@b>" -> "a@b"; refuses an unbalanced '<' or '>'.
Error strip_brackets(std::string_view& address) {
  bool opens = address.starts_with('<');
  bool closes = address.ends_with('>');
  if (opens && closes && address.size() >= 2) {
    address = address.substr(1, address.size() - 2);
    return address.empty() ? "the null address <> is not a recipient" : Error{};
  }
  if (opens) return "unbalanced '<': missing the closing '>'";
  if (closes) return "unbalanced '>': missing the opening '<'";
  return {};
}

// quoted_local_end - index just past the closing quote of the quoted string
// at the start of `address`, or npos when the quote is never closed.
std::size_t quoted_local_end(std::string_view address) {
  for (std::size_t i = 1; i < address.size(); ++i) {
    if (address[i] == '\\') {
      ++i;  // quoted-pair: the next octet is taken literally
    } else if (address[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

Error dot_atom_error(std::string_view local) {
  if (local.front() == '.') return "the local part starts with a dot";
  if (local.back() == '.') return "the local part ends with a dot";
  char previous = 0;
  for (char c : local) {
    if (c == '.' && previous == '.') return "the local part has two dots in a row";
    if (c != '.' && !ascii::is_non_ascii(c) && !kAtext.contains(c)) {
      return fmt::format("{} is not allowed in an unquoted local part", ascii::describe_char(c));
    }
    previous = c;
  }
  return {};
}

// split_local_part - find where the local part ends (the '@'), checking a
// quoted local part's quotes; `at` is the index of the '@'.
Error split_local_part(std::string_view address, std::size_t& at) {
  if (address.starts_with('"')) {
    std::size_t end = quoted_local_end(address);
    if (end == std::string_view::npos) return "unbalanced quote in the local part";
    if (end == address.size() || address[end] != '@') {
      return "unexpected text after the quoted local part (want '@' next)";
    }
    at = end;
    return {};
  }
  at = address.find('@');
  if (at == std::string_view::npos) return "missing '@'";
  return {};
}

Error local_part_error(std::string_view local) {
  if (local.empty() || local == "\"\"") return "empty local part";
  if (local.size() > kMaxLocalPartLength) {
    return fmt::format("the local part is longer than {} octets ({})", kMaxLocalPartLength,
                       local.size());
  }
  if (!is_valid_utf8(local)) return "the local part is not valid UTF-8";
  if (local.front() == '"') return {};  // quoted: any text, checked by split_local_part
  return dot_atom_error(local);
}

// parse_domain - the canonical (A-label) domain into `out.domain`, the
// domain as written into `out.written_domain` (when it differs) and, for an IDN, its U-label
// form into `out.unicode_domain`; an address literal keeps its brackets
// ("[192.0.2.1]").
Error parse_domain(std::string_view text, Address& out) {
  out.unicode_domain.clear();
  out.written_unicode = false;
  if (text.empty()) return "empty domain";
  if (text.starts_with('[')) {
    if (!text.ends_with(']') || text.size() < 2) return "unbalanced '[' in the domain";
    if (auto why = address_literal_error(text.substr(1, text.size() - 2))) {
      return fmt::format("domain literal {} is not valid: {}", text, *why);
    }
    out.domain.assign(text);
    ascii::lowercase_in_place(out.domain);
    out.written_domain.clear();
    return {};
  }
  if (auto why = canonical_domain(text, out.domain)) {
    return fmt::format("domain \"{}\" is not valid: {}", valid_utf8(text), *why);
  }
  if (has_ace_label(out.domain)) {
    out.unicode_domain = unicode_domain(out.domain);
    out.written_unicode = !is_ascii(text);
  }
  if (out.written_unicode) {
    out.written_domain.assign(text.ends_with('.') ? text.substr(0, text.size() - 1) : text);
  } else {
    out.written_domain.clear();
  }
  return {};
}

}  // namespace

std::string Address::text() const {
  std::string out;
  const std::string_view shown = written();
  out.reserve(local.size() + 1 + shown.size());
  out.append(local).append(1, '@').append(shown);
  return out;
}

std::string Address::canonical_text() const {
  std::string out;
  out.reserve(local.size() + 1 + domain.size());
  out.append(local).append(1, '@').append(domain);
  return out;
}

std::string Address::key() const {
  return lookup_key(local, written_unicode ? unicode_domain : domain);
}

std::string Address::other_key() const {
  if (unicode_domain.empty()) return {};
  return lookup_key(local, written_unicode ? domain : unicode_domain);
}

std::string lookup_key(std::string_view local, std::string_view domain) {
  std::string out;
  lookup_key_into(local, domain, out);
  return out;
}

void lookup_key_into(std::string_view local, std::string_view domain, std::string& out) {
  out.clear();
  out.reserve(local.size() + 1 + domain.size());
  fold_local_part(local, out);  // keeps the capacity reserved above
  out.append(1, '@').append(domain);
}

std::string parse_address(std::string_view input, Address& out) {
  if (input.empty()) return "empty address";
  if (Error why = control_character_error(input); !why.empty()) return why;
  std::string_view address = input;
  if (Error why = strip_brackets(address); !why.empty()) return why;
  if (address.size() > kMaxAddressLength) {
    return fmt::format("longer than {} bytes ({})", kMaxAddressLength, address.size());
  }
  if (address.starts_with('@') && address.find(':') != std::string_view::npos) {
    return "source routes (\"<@relay.example:user@example.com>\") are not accepted";
  }
  std::size_t at = 0;
  if (Error why = split_local_part(address, at); !why.empty()) return why;
  std::string_view local = address.substr(0, at);
  if (Error why = local_part_error(local); !why.empty()) return why;
  if (Error why = parse_domain(address.substr(at + 1), out); !why.empty()) return why;
  out.local.assign(local);
  return {};
}

std::string_view strip_extension(std::string_view local, std::string_view delimiters) {
  if (delimiters.empty() || local.starts_with('"')) return local;
  auto is_delimiter = [delimiters](char c) {
    return std::find(delimiters.begin(), delimiters.end(), c) != delimiters.end();
  };
  auto split = std::find_if(local.begin(), local.end(), is_delimiter);
  // As Postfix: a local part that starts with a delimiter is not split.
  if (split == local.end() || split == local.begin()) return local;
  return local.substr(0, static_cast<std::size_t>(split - local.begin()));
}

}  // namespace splitroute::core
