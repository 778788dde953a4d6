// netstring.cpp - netstrings for the socketmap protocol.
#include "core/netstring.hpp"

namespace splitroute::core {
namespace {

constexpr std::size_t kMaxLengthDigits = 9;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string netstring(std::string_view payload) {
  std::string out = std::to_string(payload.size());
  out += ':';
  out += payload;
  out += ',';
  return out;
}

std::optional<std::string> NetstringReader::fail(std::string why) {
  error_ = std::move(why);
  buffer_.clear();
  return std::nullopt;
}

// next - the length is checked digit by digit, so an over-long or
// oversized netstring fails as soon as it says so, not when it is complete.
std::optional<std::string> NetstringReader::next() {
  if (!error_.empty()) return std::nullopt;
  std::size_t digits = 0;
  std::size_t length = 0;
  while (digits < buffer_.size() && is_digit(buffer_[digits])) {
    if (digits == 1 && buffer_[0] == '0') return fail("netstring length has a leading zero");
    if (digits == kMaxLengthDigits) return fail("netstring length too long");
    length = length * 10 + static_cast<std::size_t>(buffer_[digits] - '0');
    if (length > max_length_) {
      return fail("netstring longer than the limit of " + std::to_string(max_length_) + " bytes");
    }
    ++digits;
  }
  if (digits == buffer_.size()) return std::nullopt;  // length not complete yet
  if (digits == 0 || buffer_[digits] != ':') {
    return fail("netstring does not start with a length and ':'");
  }
  std::size_t end = digits + 1 + length;
  if (buffer_.size() <= end) return std::nullopt;  // payload or ',' not complete yet
  if (buffer_[end] != ',') return fail("netstring does not end with ','");
  std::string payload = buffer_.substr(digits + 1, length);
  buffer_.erase(0, end + 1);
  return payload;
}

}  // namespace splitroute::core
