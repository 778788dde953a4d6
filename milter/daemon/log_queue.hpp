// log_queue.hpp - the daemon's log lines, handed from the request threads
// to one writer thread.
//
// A bounded ring of records (level, time, text) drained by a single writer
// thread, so that a request thread never waits for write(2) or syslog(3).
// Nothing is ever dropped: when the ring is full the request thread waits
// for room (each such wait is counted).  The writer takes every record
// present at once (one writev(2) for many lines), so the lines keep the
// order in which they were pushed.  stop() writes out what is left and
// joins the writer.  Our own small queue rather than spdlog's async logger:
// the daemon keeps its own line format, sanitiser and syslog priorities,
// spdlog's async queue would copy every line into a heap-allocated message
// anyway, and what is needed here is ~100 lines.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace splitroute::daemon {

struct LogRecord {
  int level = 0;        // the caller's Level
  std::int64_t ms = 0;  // when it was pushed, milliseconds since the epoch
  std::string text;
};

class LogQueue {
 public:
  using Sink = std::function<void(std::span<const LogRecord>)>;

  // LogQueue - a ring of `capacity` records; `sink` is called on the writer
  // thread with the records in push order.
  LogQueue(std::size_t capacity, Sink sink);
  ~LogQueue();  // stop()
  LogQueue(const LogQueue&) = delete;
  LogQueue& operator=(const LogQueue&) = delete;

  // push - queue one record; waits while the ring is full.  Returns whether
  // it had to wait.  Steady state allocates nothing: the ring's strings keep
  // their capacity.
  bool push(int level, std::int64_t ms, std::string_view text);

  // stop - write out everything queued and join the writer (idempotent);
  // later pushes are written at once, on the caller's thread.
  void stop();

  std::uint64_t waits() const { return waits_.load(std::memory_order_relaxed); }

 private:
  void run();

  const Sink sink_;
  std::mutex mutex_;
  std::condition_variable has_lines_;  // the writer waits on it
  std::condition_variable has_room_;   // full: request threads wait on it
  std::vector<LogRecord> ring_;        // guarded by mutex_
  std::size_t head_ = 0;               // oldest record; guarded by mutex_
  std::size_t size_ = 0;               // guarded by mutex_
  bool stopping_ = false;              // guarded by mutex_
  bool closed_ = false;                // the writer has left; guarded by mutex_
  std::atomic<std::uint64_t> waits_{0};
  std::mutex stop_mutex_;  // one stop() at a time
  std::thread writer_;
};

}  // namespace splitroute::daemon
