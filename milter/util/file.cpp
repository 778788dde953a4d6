// file.cpp - owning file descriptors and bounded whole-file reads.
#include "util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace splitroute::util {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  reset(other.release());
  return *this;
}

UniqueFd::~UniqueFd() { reset(); }

int UniqueFd::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);  // no retry on EINTR: the fd is released anyway
  fd_ = fd;
}

namespace {

std::string failure(const std::string& path, const char* reason) {
  return "cannot read " + path + ": " + reason;
}

}  // namespace

std::string read_file(const std::string& path, std::size_t max_bytes, std::string& out) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return failure(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failure(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return failure(path, "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return failure(path, "file too large");
  out.clear();
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failure(path, std::strerror(errno));
    if (n == 0) return {};
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) return failure(path, "file too large");
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace splitroute::util
