// ldap_sigpipe.hpp - keep a write to a dead LDAP server from killing us.
//
// libldap writes to its socket with write(2), so a request (or the
// UnbindRequest of a closing handle) sent to a server that went away raises
// SIGPIPE, whose default action ends the process.  A library must not change
// the process-wide disposition, so, as libpq does, SigpipeGuard blocks
// SIGPIPE in the calling thread for its lifetime and discards a SIGPIPE that
// the guarded code raised; one that was already pending is left alone.  The
// write then fails with EPIPE and libldap reports LDAP_SERVER_DOWN.
#pragma once

#include <csignal>

namespace splitroute::directory {

class SigpipeGuard {
 public:
  SigpipeGuard() noexcept;
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t saved_;
  bool was_pending_ = false;
};

}  // namespace splitroute::directory
