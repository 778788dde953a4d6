// ldap_sigpipe.cpp - block SIGPIPE in this thread around libldap calls.
#include "directory/ldap_sigpipe.hpp"

#include <pthread.h>

#include <ctime>

namespace splitroute::directory {

namespace {

sigset_t sigpipe_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  return set;
}

bool sigpipe_pending() {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

}  // namespace

SigpipeGuard::SigpipeGuard() noexcept {
  const sigset_t set = sigpipe_set();
  pthread_sigmask(SIG_BLOCK, &set, &saved_);
  was_pending_ = sigpipe_pending();
}

SigpipeGuard::~SigpipeGuard() {
  if (!was_pending_ && sigpipe_pending()) {
    const sigset_t set = sigpipe_set();
    const timespec zero{};
    sigtimedwait(&set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
}

}  // namespace splitroute::directory
