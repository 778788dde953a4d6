// netstring.hpp - netstrings (cr.yp.to/proto/netstrings.txt) for the
// socketmap protocol of Sendmail 8.13+ and Postfix (socketmap_table(5)).
//
// "<decimal length>:<bytes>," with no leading zeros except "0:".  Pure and
// incremental: feed bytes as they arrive, take whole messages out.  A length
// above the reader's limit, a non-digit prefix or a missing ',' is an error
// after which the reader stays failed (the connection must be closed).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace splitroute::core {

// netstring - encode `payload`.
std::string netstring(std::string_view payload);

class NetstringReader {
 public:
  explicit NetstringReader(std::size_t max_length) : max_length_(max_length) {}

  // feed - append received bytes (ignored once the reader has failed).
  void feed(std::string_view bytes) {
    if (error_.empty()) buffer_.append(bytes);
  }

  // next - the next complete message, or nullopt when more bytes are
  // needed or the input is malformed (then error() is non-empty).
  std::optional<std::string> next();

  const std::string& error() const { return error_; }
  // buffered - bytes received but not yet returned as messages.
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::optional<std::string> fail(std::string why);

  std::size_t max_length_;
  std::string buffer_;
  std::string error_;
};

}  // namespace splitroute::core
