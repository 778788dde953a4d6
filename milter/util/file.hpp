// file.hpp - owning file descriptors and bounded whole-file reads.
#pragma once

#include <cstddef>
#include <string>

namespace splitroute::util {

// UniqueFd - owns a file descriptor; -1 is empty.  Closing never throws and
// is not retried on EINTR (the descriptor is gone either way).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept;
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// read_file - the whole of `path` into `out`, refusing files larger than
// `max_bytes`.  Returns "" on success, else "cannot read PATH: reason".
std::string read_file(const std::string& path, std::size_t max_bytes, std::string& out);

}  // namespace splitroute::util
