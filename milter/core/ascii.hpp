// ascii.hpp - locale-free ASCII character classes shared by the routing core.
//
// <cctype> depends on the C locale and is undefined for negative chars; mail
// syntax is defined over ASCII octets, so the core uses these instead.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
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

// lowercase_in_place - 'A'..'Z' to 'a'..'z', other octets unchanged; eight
// octets at a time (it runs on every recipient's domain and local part):
// a byte gets 0x20 when its low seven bits are in 'A'..'Z' and its top bit is 0.
inline void lowercase_in_place(std::string& text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x80 * kOnes;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    std::uint64_t low7 = word & ~kHigh;
    std::uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;      // top bit set when >= 'A'
    std::uint64_t beyond_z = low7 + (0x80 - 'Z' - 1) * kOnes;    // top bit set when > 'Z'
    std::uint64_t upper = at_least_a & ~beyond_z & ~word & kHigh;
    if (upper == 0) continue;
    word |= upper >> 2;
    std::memcpy(text.data() + i, &word, sizeof word);
  }
  for (; i < text.size(); ++i) text[i] = to_lower(text[i]);
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
