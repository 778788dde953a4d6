// listener.hpp - register the filter and open its socket before serving.
//
// smfi_opensocket() runs at start (not lazily in smfi_main) so a busy port,
// a missing directory or a permission problem stops the program with a
// clear message.  The checks and permissions are util/listen_socket.hpp's,
// shared with the socketmap server.
#pragma once

#include <optional>
#include <string>

#include "daemon/process.hpp"
#include "util/listen_socket.hpp"

namespace splitroute::daemon {

// socket_owner - the owner a unix socket gets with -u.
std::optional<util::SocketOwner> socket_owner(const std::optional<Identity>& identity);

// open_listener - throws std::runtime_error naming the socket on failure.
void open_listener(const std::string& spec, unsigned mode, const std::optional<Identity>& owner);

}  // namespace splitroute::daemon
