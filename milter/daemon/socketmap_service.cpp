// socketmap_service.cpp - the daemon's socketmap server: socket, hooks, log, metrics.
#include "daemon/socketmap_service.hpp"

#include <stdexcept>

#include "daemon/config_store.hpp"
#include "daemon/listener.hpp"
#include "daemon/log.hpp"
#include "metrics/metrics.hpp"
#include "util/listen_socket.hpp"
#include "util/socket_spec.hpp"

namespace splitroute::daemon {
namespace {

void log_answer(const socketmap::Reply& reply) {
  if (metrics::Metrics* m = metrics::installed()) m->socketmap_request(reply.map, reply.status);
  bool failed = reply.status == socketmap::Status::temp || reply.status == socketmap::Status::perm;
  if (failed) {
    log_warning("socketmap: {}", socketmap::log_text(reply));
  } else if (log_verbose()) {
    log_debug("socketmap: {}", socketmap::log_text(reply));
  }
}

}  // namespace

util::UniqueFd open_socketmap_listener(const std::string& spec, unsigned mode,
                                       const std::optional<Identity>& owner) {
  std::string why;
  std::optional<util::SocketSpec> parsed = util::parse_socket_spec(spec, why);
  if (!parsed) throw std::runtime_error(why);
  return util::listen_socket(*parsed, spec, mode, socket_owner(owner));
}

std::unique_ptr<socketmap::Server> start_socketmap(util::UniqueFd listener) {
  socketmap::ServerHooks hooks;
  hooks.config = [] { return config_store().current(); };
  hooks.answered = log_answer;
  hooks.trouble = [](const std::string& why) { log_warning("socketmap: {}", why); };
  return std::make_unique<socketmap::Server>(std::move(listener), std::move(hooks));
}

}  // namespace splitroute::daemon
