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

// read_protected_file - read_file() for a file that decides what
// splitroute does or holds a secret (the rule file, the LDAP bind password
// file): also refused when it is world-writable, checked on the opened file,
// with "refusing PATH: it is world-writable (mode 0666), so any local user
// could change it; ...".
std::string read_protected_file(const std::string& path, std::size_t max_bytes, std::string& out);

}  // namespace splitroute::util
