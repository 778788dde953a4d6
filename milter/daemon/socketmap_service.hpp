// socketmap_service.hpp - the socketmap server inside splitroute-milter (-s).
//
// The listening socket is opened at start, with the milter's, before the
// privileges are dropped; the server then answers from the configuration
// store the milter uses, so SIGHUP reloads both.  Logging: TEMP and PERM
// replies and closed connections always (warning), OK and NOTFOUND with -v.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "daemon/process.hpp"
#include "socketmap/server.hpp"
#include "util/file.hpp"

namespace splitroute::daemon {

// open_socketmap_listener - throws std::runtime_error naming `spec`.
util::UniqueFd open_socketmap_listener(const std::string& spec, unsigned mode,
                                       const std::optional<Identity>& owner);

// start_socketmap - serve on `listener` until the server is destroyed.
std::unique_ptr<socketmap::Server> start_socketmap(util::UniqueFd listener);

}  // namespace splitroute::daemon
