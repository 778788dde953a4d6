// log.cpp - stderr and syslog output for splitroute-milter.
#include "daemon/log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cstring>
#include <span>
#include <string>

#include "core/utf8.hpp"
#include "daemon/log_queue.hpp"

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

// needs_sanitizing - whether `text` must be copied before it is written
// (too long, a control character, or not valid UTF-8); it runs for every
// recipient, so it looks at 8 bytes at a time, and checks UTF-8 only when
// an octet has its top bit set.
bool needs_sanitizing(std::string_view text) {
  if (text.size() > kMaxLogLine) return true;
  constexpr std::uint64_t kHighs = ~std::uint64_t{0} / 255 * 0x80;
  std::uint64_t high_bits = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (has_control_word(word)) return true;
    high_bits |= word & kHighs;
  }
  for (; i < text.size(); ++i) {
    if (is_log_control(text[i])) return true;
    high_bits |= static_cast<unsigned char>(text[i]) & 0x80;
  }
  return high_bits != 0 && !core::is_valid_utf8(text);
}

std::int64_t now_ms() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

// writev_all - write every byte of `iov` (advancing past partial writes).
void writev_all(iovec* iov, std::size_t count) {
  while (count > 0) {
    ssize_t n = ::writev(STDERR_FILENO, iov, static_cast<int>(count));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere to write to: nothing else to do
    auto left = static_cast<std::size_t>(n);
    while (count > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
}

// write_records - the records in order: each to syslog, and to stderr as
// "[time ]ident: prefixtext\n", many lines per writev(2).
void write_records(std::span<const LogRecord> records) {
  if (g_to_syslog) {
    for (const LogRecord& r : records) {
      auto level = static_cast<Level>(r.level);
      syslog(priority(level), "%s%.*s", prefix(level), static_cast<int>(r.text.size()), r.text.data());
    }
  }
  if (!g_to_stderr) return;
  constexpr std::size_t kLinesPerWrite = 64, kParts = 6;
  const bool stamped = g_timestamps;
  char stamps[kLinesPerWrite][kLogTimeSize + 1];
  iovec iov[kLinesPerWrite * kParts];
  for (std::size_t first = 0; first < records.size(); first += kLinesPerWrite) {
    std::size_t n = 0;
    for (std::size_t i = first; i < records.size() && i < first + kLinesPerWrite; ++i) {
      const LogRecord& r = records[i];
      char* stamp = stamps[i - first];
      std::size_t stamp_size = stamped ? format_log_time(r.ms, stamp) : 0;
      if (stamped) stamp[stamp_size++] = ' ';
      std::string_view parts[kParts] = {{stamp, stamp_size}, kIdent, ": ", prefix(static_cast<Level>(r.level)),
                                        r.text, "\n"};
      for (std::string_view part : parts) iov[n++] = {const_cast<char*>(part.data()), part.size()};
    }
    writev_all(iov, n);
  }
}

LogQueue* g_queue = nullptr;  // set once by log_start_writer, never freed
std::atomic<void (*)()> g_on_wait{nullptr};

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

// format_log_time - the date and time part is formatted once a second (per
// thread: the writer's), the milliseconds at every line: snprintf and
// gmtime_r for each line cost more than the rest of the writer's work.
std::size_t format_log_time(std::int64_t ms, char* out) {
  constexpr std::size_t kSeconds = 19;  // "YYYY-MM-DDTHH:MM:SS"
  thread_local std::int64_t cached_second = INT64_MIN;
  thread_local char cached[kSeconds + 1] = {};
  std::int64_t second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (second != cached_second) {
    std::time_t seconds = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::memcpy(cached, text, kSeconds);
    cached_second = second;
  }
  auto millis = static_cast<int>(ms - second * 1000);
  std::memcpy(out, cached, kSeconds);
  out[kSeconds] = '.';
  out[kSeconds + 1] = static_cast<char>('0' + millis / 100);
  out[kSeconds + 2] = static_cast<char>('0' + millis / 10 % 10);
  out[kSeconds + 3] = static_cast<char>('0' + millis % 10);
  out[kSeconds + 4] = 'Z';
  return kLogTimeSize;
}

std::string format_log_time(std::int64_t ms) {
  char text[kLogTimeSize];
  return std::string(text, format_log_time(ms, text));
}

void log_start_writer(std::size_t capacity, void (*on_wait)()) {
  g_on_wait = on_wait;
  if (g_queue == nullptr) g_queue = new LogQueue(capacity, write_records);
}

void log_stop_writer() {
  if (g_queue != nullptr) g_queue->stop();
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
  if (needs_sanitizing(text)) {
    sanitized = sanitize_log_text(text);
    text = sanitized;
  }
  if (g_queue != nullptr) {
    if (g_queue->push(static_cast<int>(level), now_ms(), text)) {
      if (auto on_wait = g_on_wait.load(std::memory_order_relaxed)) on_wait();
    }
    return;
  }
  LogRecord record{static_cast<int>(level), now_ms(), std::string(text)};
  write_records(std::span<const LogRecord>(&record, 1));
}

}  // namespace splitroute::daemon
