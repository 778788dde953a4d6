// log.cpp - stderr and syslog output for splitroute-milter.
#include "daemon/log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <string>

#include "core/utf8.hpp"

namespace splitroute::daemon {
namespace {

constexpr const char* kIdent = "splitroute-milter";

std::atomic<bool> g_to_stderr{true};
std::atomic<bool> g_to_syslog{false};
std::atomic<bool> g_verbose{false};
std::atomic<bool> g_timestamps{false};

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

bool is_log_control(char c) { return (c >= 0 && c < 0x20) || c == 0x7f; }

// has_control_word - whether one of the 8 bytes of `word` is below 0x20 or
// is 0x7f (the classic "has less than" / "has zero byte" bit tricks; bytes
// of 0x80 and above never match).
bool has_control_word(std::uint64_t word) {
  constexpr std::uint64_t kOnes = ~std::uint64_t{0} / 255;  // 0x0101...01
  constexpr std::uint64_t kHighs = kOnes * 0x80;
  std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
  std::uint64_t del = word ^ (kOnes * 0x7f);
  std::uint64_t is_del = (del - kOnes) & ~del & kHighs;
  return (below_space | is_del) != 0;
}

// needs_sanitizing - whether `text` must be copied before it is written;
// it runs for every recipient, so it looks at 8 bytes at a time.
bool needs_sanitizing(std::string_view text) {
  if (text.size() > kMaxLogLine) return true;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (has_control_word(word)) return true;
  }
  for (; i < text.size(); ++i) {
    if (is_log_control(text[i])) return true;
  }
  return false;
}

// write_stderr - "ident: prefixtext\n" in one writev(2) and no lock: the
// kernel keeps one system call's bytes together (a pipe up to PIPE_BUF,
// which is more than a line can be; a file through its offset lock), so
// lines from many threads never interleave and none waits for another.
void write_stderr(Level level, std::string_view text) {
  std::string stamp;
  if (g_timestamps) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    stamp = format_log_time(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + " ";
  }
  std::string_view parts[] = {stamp, kIdent, ": ", prefix(level), text, "\n"};
  iovec iov[std::size(parts)];
  for (std::size_t i = 0; i < std::size(parts); ++i) iov[i] = {const_cast<char*>(parts[i].data()), parts[i].size()};
  while (::writev(STDERR_FILENO, iov, static_cast<int>(std::size(iov))) < 0 && errno == EINTR) {
  }
}

}  // namespace

void log_open(const LogSettings& settings) {
  g_to_stderr = settings.to_stderr;
  g_verbose = settings.verbose;
  g_timestamps = settings.timestamps;
  if (settings.to_syslog && !g_to_syslog.exchange(true)) openlog(kIdent, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_detach_stderr() { g_to_stderr = false; }

bool log_verbose() { return g_verbose; }

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

std::string format_log_time(long long ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

std::string sanitize_log_text(std::string_view text) {
  // Cut at kMaxLogLine, then repair what the cut (or a client) broke.
  std::string out = core::valid_utf8(text.substr(0, kMaxLogLine));
  for (char& c : out) {
    if (is_log_control(c)) c = '?';
  }
  return out;
}

// log_line - copies `text` only when it must be sanitised (the per-recipient
// line usually need not be).
void log_line(Level level, std::string_view text) {
  if (level == Level::debug && !g_verbose) return;
  std::string sanitized;
  if (needs_sanitizing(text) || !core::is_valid_utf8(text)) {
    sanitized = sanitize_log_text(text);
    text = sanitized;
  }
  if (g_to_syslog) syslog(priority(level), "%s%.*s", prefix(level), static_cast<int>(text.size()), text.data());
  if (g_to_stderr) write_stderr(level, text);
}

}  // namespace splitroute::daemon
