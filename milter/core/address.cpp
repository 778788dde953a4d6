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

namespace splitroute::core {
namespace {

using Error = std::string;  // empty: no error

// RFC 5321 atext; "(", ")", "<", ">", "[", "]", ":", ";", "@", "\\", ",",
// '"' and space need a quoted local part.
constexpr ascii::CharSet kAtext(true, "!#$%&'*+-/=?^_`{|}~");

// utf8_sequence_length - octets in the well-formed UTF-8 sequence starting
// at text[0], or 0 when it is not well formed (overlong, surrogate, > U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text) {
  auto octet = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](std::size_t i) { return i < text.size() && (octet(i) & 0xC0) == 0x80; };
  unsigned char lead = octet(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && octet(1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && octet(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && octet(1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && octet(1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

bool is_valid_utf8(std::string_view text) {
  while (!text.empty()) {
    std::size_t length = utf8_sequence_length(text);
    if (length == 0) return false;
    text.remove_prefix(length);
  }
  return true;
}

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

// parse_domain - normalise `text` into `out`; an address literal keeps its
// brackets ("[192.0.2.1]").
Error parse_domain(std::string_view text, std::string& out) {
  if (text.empty()) return "empty domain";
  if (text.starts_with('[')) {
    if (!text.ends_with(']') || text.size() < 2) return "unbalanced '[' in the domain";
    if (auto why = address_literal_error(text.substr(1, text.size() - 2))) {
      return fmt::format("domain literal {} is not valid: {}", text, *why);
    }
    out.assign(text);
    ascii::lowercase_in_place(out);
    return {};
  }
  normalize_domain(text, out);
  if (auto why = domain_syntax_error(out)) {
    return fmt::format("domain \"{}\" is not valid: {}", text, *why);
  }
  return {};
}

}  // namespace

std::string Address::text() const {
  std::string out;
  out.reserve(local.size() + 1 + domain.size());
  out.append(local).append(1, '@').append(domain);
  return out;
}

std::string Address::key() const {
  std::string out = text();
  ascii::lowercase_in_place(out);
  return out;
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
  if (Error why = parse_domain(address.substr(at + 1), out.domain); !why.empty()) return why;
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
