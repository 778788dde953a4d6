// daemon_log_test.cpp - the daemon log: timestamps, journal detection, and
// the queue that hands lines to the writer thread (order, waits, drain).
//
// The daemon's sources are not part of the library, so log.cpp and
// log_queue.cpp are compiled into this test directly.
#include "daemon/log.cpp"
#include "daemon/log_queue.cpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace splitroute::daemon {
namespace {

TEST(LogTime, IsIsoUtcWithMilliseconds) {
  struct Row {
    long long ms;
    std::string want;
  };
  const Row rows[] = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1796281328123, "2026-12-03T07:02:08.123Z"},
      {951782400007, "2000-02-29T00:00:00.007Z"},
      {951782400999, "2000-02-29T00:00:00.999Z"},  // the same second again (cached)
      {951782401000, "2000-02-29T00:00:01.000Z"},
  };
  for (const Row& row : rows) EXPECT_EQ(format_log_time(row.ms), row.want);
}

// JOURNAL_STREAM names the journal's socket; stderr is the journal only
// when fd 2 is that very file.
TEST(StderrIsJournal, OnlyWhenJournalStreamNamesFdTwo) {
  struct stat st {};
  ASSERT_EQ(::fstat(STDERR_FILENO, &st), 0);
  std::string self = fmt::format("{}:{}", st.st_dev, st.st_ino);
  std::string other = fmt::format("{}:{}", st.st_dev, st.st_ino + 1);
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderr_is_journal());
  ::setenv("JOURNAL_STREAM", other.c_str(), 1);
  EXPECT_FALSE(stderr_is_journal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(stderr_is_journal());
  ::setenv("JOURNAL_STREAM", self.c_str(), 1);
  EXPECT_TRUE(stderr_is_journal());
  ::unsetenv("JOURNAL_STREAM");
}

// Collected - what a queue's writer received, in order.
struct Collected {
  std::mutex mutex;
  std::vector<std::string> lines;
  LogQueue::Sink sink() {
    return [this](std::span<const LogRecord> records) {
      const std::lock_guard lock(mutex);
      for (const LogRecord& r : records) lines.push_back(r.text);
    };
  }
};

TEST(LogQueue, KeepsEveryLineInOrderPerThreadAndDrainsAtStop) {
  constexpr int kThreads = 8, kLines = 5000;
  Collected out;
  LogQueue queue(64, out.sink());  // small: the threads must wait for room
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&queue, t] {
      for (int i = 0; i < kLines; ++i) queue.push(0, 0, fmt::format("t{} {}", t, i));
    });
  }
  for (std::thread& thread : threads) thread.join();
  queue.stop();
  ASSERT_EQ(out.lines.size(), std::size_t{kThreads * kLines});
  std::map<int, int> next;  // per thread, the next line expected
  for (const std::string& line : out.lines) {
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "t%d %d", &t, &i), 2);
    EXPECT_EQ(i, next[t]) << line;
    next[t] = i + 1;
  }
}

// The writer is held inside its sink while a thread pushes more lines than
// the ring holds: that thread must wait (and be counted), and every line
// is written once the writer moves on.
TEST(LogQueue, AFullQueueMakesTheThreadWaitAndCountsIt) {
  std::mutex gate;
  std::unique_lock held(gate);
  std::atomic<int> written{0};
  LogQueue queue(2, [&](std::span<const LogRecord> records) {
    const std::lock_guard pass(gate);
    written += static_cast<int>(records.size());
  });
  std::thread pusher([&queue] {
    for (int i = 0; i < 10; ++i) queue.push(0, 0, "line");
  });
  for (int polls = 0; queue.waits() == 0 && polls < 5000; ++polls) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // poll interval, bounded
  }
  EXPECT_GE(queue.waits(), 1u);
  held.unlock();
  pusher.join();
  queue.stop();
  EXPECT_EQ(written.load(), 10);
}

TEST(LogQueue, WritesAtOnceAfterStop) {
  Collected out;
  LogQueue queue(4, out.sink());
  queue.push(0, 0, "before");
  queue.stop();
  EXPECT_FALSE(queue.push(0, 0, "after"));
  EXPECT_EQ(out.lines, (std::vector<std::string>{"before", "after"}));
}

// needs_sanitizing decides whether log_line copies the line through the
// sanitiser: exactly when the sanitiser would change it (control
// characters, octets that are not UTF-8, before or after the 8-octet words).
TEST(LogSanitizing, NeededExactlyWhenTheSanitiserChangesTheLine) {
  struct Row {
    std::string text;
    bool needed;
  };
  const std::vector<Row> rows = {
      {"QID: rcpt=<user@example.com> domain=example.com verdict=local", false},
      {"short", false},
      {"", false},
      {"r\xC3\xA9sum\xC3\xA9@b\xC3\xBC" "cher.example in UTF-8", false},
      {"\xE2\x82\xAC", false},
      {"bad \xFF octet in the middle of a line", true},
      {"ends with a lone lead \xC3", true},
      {"\xC3", true},
      {"overlong \xC0\xAF slash", true},
      {"surrogate \xED\xA0\x80 here", true},
      {"a CR\r in a word", true},
      {"tail\x7f", true},
      {std::string(kMaxLogLine + 1, 'a'), true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text.substr(0, 60));
    EXPECT_EQ(needs_sanitizing(row.text), row.needed);
    EXPECT_EQ(sanitize_log_text(row.text) != row.text, row.needed);
  }
}

}  // namespace
}  // namespace splitroute::daemon
