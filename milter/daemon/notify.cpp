// notify.cpp - sd_notify() messages for the daemon's life cycle.
#include "daemon/notify.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <fmt/format.h>

namespace splitroute::daemon {
namespace {

void send(const std::string& message) noexcept { (void)sd_notify(0, message.c_str()); }

// monotonic_usec - CLOCK_MONOTONIC in µs, which RELOADING=1 carries.
unsigned long long monotonic_usec() noexcept {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
         static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
}

}  // namespace

void notify_ready(std::string_view status) noexcept {
  try {
    send(fmt::format("READY=1\nSTATUS={}", status));
  } catch (...) {  // formatting failed (no memory): nothing to tell
  }
}

void notify_reloading() noexcept {
  try {
    send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading", monotonic_usec()));
  } catch (...) {
  }
}

void notify_stopping() noexcept {
  try {
    send("STOPPING=1\nSTATUS=stopping");
  } catch (...) {
  }
}

}  // namespace splitroute::daemon
