// log.cpp - stderr and syslog output for splitroute-milter.
#include "daemon/log.hpp"

#include <syslog.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace splitroute::daemon {
namespace {

constexpr const char* kIdent = "splitroute-milter";

std::mutex g_stderr_mutex;
std::atomic<bool> g_to_stderr{true};
std::atomic<bool> g_to_syslog{false};
std::atomic<bool> g_verbose{false};

const char* prefix(Level level) {
  switch (level) {
    case Level::error:
      return "error: ";
    case Level::warning:
      return "warning: ";
    case Level::debug:
      return "debug: ";
    case Level::info:
      break;
  }
  return "";
}

int priority(Level level) {
  switch (level) {
    case Level::error:
      return LOG_ERR;
    case Level::warning:
      return LOG_WARNING;
    case Level::debug:
      return LOG_DEBUG;
    case Level::info:
      break;
  }
  return LOG_INFO;
}

}  // namespace

void log_open(const LogSettings& settings) {
  g_to_stderr = settings.to_stderr;
  g_verbose = settings.verbose;
  if (settings.to_syslog && !g_to_syslog.exchange(true)) openlog(kIdent, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_detach_stderr() { g_to_stderr = false; }

bool log_verbose() { return g_verbose; }

std::string sanitize_log_text(std::string_view text) {
  std::string out(text.substr(0, kMaxLogLine));
  for (char& c : out) {
    if ((c >= 0 && c < 0x20) || c == 0x7f) c = '?';
  }
  return out;
}

void log_line(Level level, std::string_view text) {
  if (level == Level::debug && !g_verbose) return;
  std::string line = sanitize_log_text(text);
  if (g_to_syslog) syslog(priority(level), "%s%s", prefix(level), line.c_str());
  if (g_to_stderr) {
    std::lock_guard lock(g_stderr_mutex);
    std::fprintf(stderr, "%s: %s%s\n", kIdent, prefix(level), line.c_str());
    std::fflush(stderr);
  }
}

}  // namespace splitroute::daemon
