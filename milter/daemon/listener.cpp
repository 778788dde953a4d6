// listener.cpp - smfi_setconn, smfi_register, smfi_opensocket, permissions.
#include "daemon/listener.hpp"

#include <libmilter/mfapi.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "daemon/callbacks.hpp"
#include "daemon/options.hpp"
#include "util/file.hpp"

namespace splitroute::daemon {
namespace {

// check_socket_folder - the folder of a unix socket must exist.
void check_socket_folder(const std::string& spec, const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  struct stat st {};
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    throw std::runtime_error(fmt::format("cannot open {}: folder {} does not exist", spec, folder));
  }
}

// check_not_live - refuse a unix socket another process still listens on
// (libmilter would silently replace it); a stale one is fine.
void check_not_live(const std::string& spec, const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error(fmt::format("socket path too long: {}", path));
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  util::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    throw std::runtime_error(fmt::format("cannot open {}: another process is listening on it", spec));
  }
}

void set_permissions(const std::string& path, unsigned mode, const std::optional<Identity>& owner) {
  if (owner && ::chown(path.c_str(), owner->uid, owner->gid) != 0) {
    throw std::runtime_error(fmt::format("chown {}: {}", path, std::strerror(errno)));
  }
  if (::chmod(path.c_str(), mode) != 0) throw std::runtime_error(fmt::format("chmod {}: {}", path, std::strerror(errno)));
}

}  // namespace

void open_listener(const std::string& spec, unsigned mode, const std::optional<Identity>& owner) {
  std::string path = unix_socket_path(spec);
  if (!path.empty()) {
    check_socket_folder(spec, path);
    check_not_live(spec, path);
  }
  if (smfi_setconn(const_cast<char*>(spec.c_str())) != MI_SUCCESS) {
    throw std::runtime_error(fmt::format("bad socket {}", spec));
  }
  register_filter();
  mode_t old_umask = ::umask(0177);
  errno = 0;
  int rc = smfi_opensocket(true);
  int error = errno;
  ::umask(old_umask);
  if (rc != MI_SUCCESS) {
    throw std::runtime_error(
        fmt::format("cannot open {}{}", spec, error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  if (!path.empty()) set_permissions(path, mode, owner);
}

}  // namespace splitroute::daemon
