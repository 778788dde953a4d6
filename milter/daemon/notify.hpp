// notify.hpp - tell the service manager how the daemon is doing
// (sd_notify(3) from libsystemd; nothing happens outside systemd, where
// NOTIFY_SOCKET is not set).  Used by Type=notify in the unit.
#pragma once

#include <string_view>

namespace splitroute::daemon {

// notify_ready - READY=1 with STATUS=`status`: sockets open, rules loaded.
void notify_ready(std::string_view status) noexcept;

// notify_reloading - RELOADING=1 before a SIGHUP reload.
void notify_reloading() noexcept;

// notify_stopping - STOPPING=1 once a stop signal has arrived.
void notify_stopping() noexcept;

}  // namespace splitroute::daemon
