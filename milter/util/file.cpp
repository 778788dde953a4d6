// file.cpp - owning file descriptors and bounded whole-file reads.
#include "util/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

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

enum class Writers { anyone, not_others };

std::string world_writable(const std::string& path, mode_t mode) {
  return fmt::format("refusing {}: it is world-writable (mode {:04o}), so any local user could change it; "
                     "remove that permission (chmod o-w)",
                     path, static_cast<unsigned>(mode & 07777));
}

std::string read_checked(const std::string& path, std::size_t max_bytes, std::string& out, Writers writers) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return failure(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failure(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return failure(path, "not a regular file");
  if (writers == Writers::not_others && (st.st_mode & S_IWOTH) != 0) return world_writable(path, st.st_mode);
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return failure(path, "file too large");
  out.clear();
  out.reserve(static_cast<std::size_t>(st.st_size));  // one allocation of the right size, not doublings
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

}  // namespace

std::string read_file(const std::string& path, std::size_t max_bytes, std::string& out) {
  return read_checked(path, max_bytes, out, Writers::anyone);
}

std::string read_protected_file(const std::string& path, std::size_t max_bytes, std::string& out) {
  return read_checked(path, max_bytes, out, Writers::not_others);
}

}  // namespace splitroute::util
