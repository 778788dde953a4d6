// listener.hpp - register the filter and open its socket before serving.
//
// smfi_opensocket() runs at start (not lazily in smfi_main) so a busy port,
// a missing directory or a permission problem stops the program with a
// clear message.  A stale unix socket is replaced; one that another process
// still listens on is not.  A unix socket is created
// with no access for others and then given `mode` (and, with -u, the user's
// owner and group), so there is no window with wider permissions.
#pragma once

#include <optional>
#include <string>

#include "daemon/process.hpp"

namespace splitroute::daemon {

// open_listener - throws std::runtime_error naming the socket on failure.
void open_listener(const std::string& spec, unsigned mode, const std::optional<Identity>& owner);

}  // namespace splitroute::daemon
