// signals.cpp - HUP/TERM/INT through a self-pipe in the main thread.
#include "daemon/signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace splitroute::daemon {
namespace {

constexpr int kSignals[] = {SIGHUP, SIGTERM, SIGINT};

volatile sig_atomic_t g_write_fd = -1;  // the handler's only state

extern "C" void on_signal(int signal) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signal);
  if (g_write_fd >= 0) {
    [[maybe_unused]] ssize_t ignored = ::write(g_write_fd, &byte, 1);
  }
  errno = saved;
}

sigset_t owned_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int signal : kSignals) sigaddset(&set, signal);
  return set;
}

void set_mask(int how) {
  sigset_t set = owned_set();
  if (int rc = pthread_sigmask(how, &set, nullptr); rc != 0) {
    throw std::runtime_error(std::string("pthread_sigmask: ") + std::strerror(rc));
  }
}

void set_handler(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_NODEFER;  // a second HUP still finds the main thread willing
  for (int signal : kSignals) sigaction(signal, &action, nullptr);
}

}  // namespace

void SignalWatcher::block_signals() {
  set_mask(SIG_BLOCK);
  ::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::SignalWatcher() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  read_end_.reset(fds[0]);
  write_end_.reset(fds[1]);
  ::fcntl(write_end_.get(), F_SETFL, O_NONBLOCK);  // a full pipe drops a signal, never blocks
  g_write_fd = write_end_.get();
  set_handler(on_signal);
}

SignalWatcher::~SignalWatcher() {
  try {
    set_mask(SIG_BLOCK);
  } catch (...) {
  }
  set_handler(SIG_DFL);
  g_write_fd = -1;
}

void SignalWatcher::unblock() { set_mask(SIG_UNBLOCK); }

// wait - poll() first, then read(): the same for the kernel, but poll() is
// a call ThreadSanitizer knows to block in, so it runs the handler as soon
// as a signal arrives; inside a bare read() it would hold the signal back
// until read() returned, which only the handler can make happen.
int SignalWatcher::wait() {
  unsigned char byte = 0;
  for (;;) {
    pollfd readable{read_end_.get(), POLLIN, 0};
    if (::poll(&readable, 1, -1) < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("signal pipe: ") + std::strerror(errno));
    }
    ssize_t n = ::read(read_end_.get(), &byte, 1);
    if (n == 1) return byte;
    if (n < 0 && errno == EINTR) continue;
    throw std::runtime_error(std::string("signal pipe: ") + (n == 0 ? "closed" : std::strerror(errno)));
  }
}

void SignalWatcher::post(int value) {
  unsigned char byte = static_cast<unsigned char>(value);
  [[maybe_unused]] ssize_t ignored = ::write(write_end_.get(), &byte, 1);
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGHUP: return "SIGHUP";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
  }
  return "signal";
}

}  // namespace splitroute::daemon
