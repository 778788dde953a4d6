// log.hpp - the daemon's log: stderr in the foreground, syslog (mail) else.
//
// Lines follow Postfix: "splitroute-milter: warning: text" on stderr, and
// "warning: text" under the "splitroute-milter" ident in syslog.  With
// timestamps on (the foreground, unless stderr is the journal), a stderr
// line starts with the UTC time, "2026-12-03T07:02:08.123Z ".  Every line
// passes through one sanitiser (control characters become '?', length is
// capped), because parts of it come from the network.  Thread-safe.
// Once log_start_writer() has run, log_line() only queues the line and one
// writer thread writes it, so a request thread never waits for the disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace splitroute::daemon {

enum class Level { error, warning, info, debug };

struct LogSettings {
  bool to_stderr = true;
  bool to_syslog = false;
  bool verbose = false;  // log Level::debug lines too
  bool timestamps = false;  // prefix stderr lines with the time
};

// stderr_is_journal - whether stderr is systemd's journal stream (the unit
// sets JOURNAL_STREAM=dev:inode; the journal adds its own timestamps).
bool stderr_is_journal();

// format_log_time - "YYYY-MM-DDTHH:MM:SS.mmmZ" for `ms` since the epoch
// (into `out`, at most kLogTimeSize bytes: returns the size).
inline constexpr std::size_t kLogTimeSize = 24;  // always exactly this long
std::size_t format_log_time(std::int64_t ms, char* out);
std::string format_log_time(std::int64_t ms);

// log_start_writer - from now on lines go through a queue of `capacity`
// lines to one writer thread (daemon/log_queue.hpp); `on_wait` is called
// each time a thread had to wait for room.  Start it after daemonising.
void log_start_writer(std::size_t capacity, void (*on_wait)() = nullptr);

// log_stop_writer - write out the queue and stop its thread; later lines
// are written at once.  Call it last, after the threads that log.
void log_stop_writer();

// log_open - (re)configure the log; call before any thread starts.
void log_open(const LogSettings& settings);

// log_detach_stderr - stop writing to stderr (after daemonising).
void log_detach_stderr();

bool log_verbose();

// log_line - write one line (sanitised) at `level`.
void log_line(Level level, std::string_view text);

// sanitize_log_text - `text` with control characters as '?', bytes that are
// not UTF-8 as U+FFFD, and at most
// kMaxLogLine bytes.
inline constexpr std::size_t kMaxLogLine = 2000;
std::string sanitize_log_text(std::string_view text);

template <typename... Args>
void log_error(fmt::format_string<Args...> format, Args&&... args) {
  log_line(Level::error, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_warning(fmt::format_string<Args...> format, Args&&... args) {
  log_line(Level::warning, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
  log_line(Level::info, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void log_debug(fmt::format_string<Args...> format, Args&&... args) {
  if (log_verbose()) log_line(Level::debug, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace splitroute::daemon
