// ascii.hpp - locale-free ASCII character classes shared by the routing core.
//
// <cctype> depends on the C locale and is undefined for negative chars; mail
// syntax is defined over ASCII octets, so the core uses these instead.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace splitroute::core::ascii {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_control(char c) { return (c >= 0 && c < 0x20) || c == 0x7f; }
constexpr bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// CharSet - constant-time membership test for a set of ASCII characters,
// built at compile time: letters and digits (when asked) plus `others`.
class CharSet {
 public:
  constexpr CharSet(bool letters_and_digits, std::string_view others) {
    for (int c = 0; c < 128; ++c) table_[c] = letters_and_digits && is_alnum(static_cast<char>(c));
    for (char c : others) table_[static_cast<unsigned char>(c)] = true;
  }
  constexpr bool contains(char c) const { return table_[static_cast<unsigned char>(c)]; }

 private:
  std::array<bool, 256> table_{};
};

inline void lowercase_in_place(std::string& text) {
  for (char& c : text) c = to_lower(c);
}

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  lowercase_in_place(out);
  return out;
}

inline bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (to_lower(text[i]) != to_lower(prefix[i])) return false;
  }
  return true;
}

// describe_char - a character as a postmaster can read it: 'x', or 0x0D for
// control and non-ASCII octets.
std::string describe_char(char c);

}  // namespace splitroute::core::ascii
