// listen_socket.cpp - unix and TCP listening sockets with safe permissions.
#include "util/listen_socket.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace splitroute::util {
namespace {

constexpr int kBacklog = SOMAXCONN;

std::runtime_error failure(const std::string& spec, const std::string& why) {
  return std::runtime_error(fmt::format("cannot open {}: {}", spec, why));
}

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error(fmt::format("socket path too long: {}", path));
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

UniqueFd listen_unix(const std::string& text, const std::string& path, unsigned mode,
                     const std::optional<SocketOwner>& owner) {
  check_unix_socket_free(text, path);
  sockaddr_un address = unix_address(path);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw failure(text, std::strerror(errno));
  ::unlink(path.c_str());  // stale: check_unix_socket_free found no listener
  int rc = with_private_umask([&] { return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address); });
  if (rc != 0 || ::listen(fd.get(), kBacklog) != 0) throw failure(text, std::strerror(errno));
  set_socket_permissions(path, mode, owner);
  return fd;
}

UniqueFd listen_inet(const SocketSpec& spec, const std::string& text) {
  addrinfo hints{};
  hints.ai_family = spec.family == SocketSpec::Family::inet6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  std::string port = std::to_string(spec.port);
  if (int rc = ::getaddrinfo(spec.host.empty() ? nullptr : spec.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw failure(text, ::gai_strerror(rc));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    int on = 1;
    if (fd && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
        ::bind(fd.get(), a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd.get(), kBacklog) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    why = std::strerror(errno);
  }
  ::freeaddrinfo(found);
  throw failure(text, why);
}

}  // namespace

void check_unix_socket_free(const std::string& spec, const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw failure(spec, fmt::format("folder {} does not exist", folder));
  }
  sockaddr_un address = unix_address(path);
  UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    throw failure(spec, "another process is listening on it");
  }
}

void set_socket_permissions(const std::string& path, unsigned mode, const std::optional<SocketOwner>& owner) {
  if (owner && ::chown(path.c_str(), owner->uid, owner->gid) != 0) {
    throw std::runtime_error(fmt::format("chown {}: {}", path, std::strerror(errno)));
  }
  if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error(fmt::format("chmod {}: {}", path, std::strerror(errno)));
}

SocketFile::SocketFile(std::string path) : path_(std::move(path)) {
  struct stat st {};
  if (path_.empty() || ::lstat(path_.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    path_.clear();
    return;
  }
  device_ = st.st_dev;
  inode_ = st.st_ino;
}

SocketFile::SocketFile(SocketFile&& other) noexcept
    : path_(std::exchange(other.path_, {})), device_(other.device_), inode_(other.inode_) {}

SocketFile& SocketFile::operator=(SocketFile&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
    device_ = other.device_;
    inode_ = other.inode_;
  }
  return *this;
}

void SocketFile::remove() noexcept {
  if (path_.empty()) return;
  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == device_ &&
      st.st_ino == inode_) {
    ::unlink(path_.c_str());
  }
  path_.clear();
}

void wake_listener(const SocketSpec& spec) noexcept {
  if (spec.family == SocketSpec::Family::unix_path) {
    if (spec.path.size() >= sizeof(sockaddr_un::sun_path)) return;
    sockaddr_un address = unix_address(spec.path);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd) (void)::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
    return;
  }
  bool v6 = spec.family == SocketSpec::Family::inet6;
  std::string host = spec.host.empty() || spec.host == "0.0.0.0" || spec.host == "::"
                         ? (v6 ? "::1" : "127.0.0.1")
                         : spec.host;
  addrinfo hints{};
  hints.ai_family = v6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(spec.port).c_str(), &hints, &found) != 0) return;
  UniqueFd fd(::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd) (void)::connect(fd.get(), found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
}

UniqueFd listen_socket(const SocketSpec& spec, const std::string& text, unsigned mode,
                       const std::optional<SocketOwner>& owner) {
  if (spec.family == SocketSpec::Family::unix_path) return listen_unix(text, spec.path, mode, owner);
  return listen_inet(spec, text);
}

}  // namespace splitroute::util
