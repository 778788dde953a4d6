// daemon_log_test.cpp - the daemon log's timestamps and journal detection.
//
// The daemon's sources are not part of the library, so log.cpp is compiled
// into this test directly.
#include "daemon/log.cpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

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

}  // namespace
}  // namespace splitroute::daemon
