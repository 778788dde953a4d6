// listener.cpp - smfi_setconn, smfi_register, smfi_opensocket, permissions.
#include "daemon/listener.hpp"

#include <libmilter/mfapi.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "daemon/callbacks.hpp"
#include "util/listen_socket.hpp"
#include "util/socket_spec.hpp"

namespace splitroute::daemon {

std::optional<util::SocketOwner> socket_owner(const std::optional<Identity>& identity) {
  if (!identity) return std::nullopt;
  return util::SocketOwner{identity->uid, identity->gid};
}

void open_listener(const std::string& spec, unsigned mode, const std::optional<Identity>& owner) {
  std::string path = util::unix_socket_path(spec);
  if (!path.empty()) util::check_unix_socket_free(spec, path);
  if (smfi_setconn(const_cast<char*>(spec.c_str())) != MI_SUCCESS) {
    throw std::runtime_error(fmt::format("bad socket {}", spec));
  }
  register_filter();
  errno = 0;
  int rc = util::with_private_umask([] { return smfi_opensocket(true); });
  int error = errno;
  if (rc != MI_SUCCESS) {
    throw std::runtime_error(
        fmt::format("cannot open {}{}", spec, error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  if (!path.empty()) util::set_socket_permissions(path, mode, socket_owner(owner));
}

}  // namespace splitroute::daemon
