// daemon_options_test.cpp - splitroute-milter's command line.
//
// The daemon's sources are not part of the library, so the pure option
// parser is compiled into this test directly.
#include "daemon/options.cpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::daemon {
namespace {

TEST(ParseOptions, UsesDefaultsWithoutArguments) {
  OptionsResult r = parse_options({});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.socket, "unix:/run/splitroute/milter.sock");
  EXPECT_EQ(r.options.rules, "/etc/splitroute/rules.json");
  EXPECT_FALSE(r.options.foreground);
  EXPECT_FALSE(r.options.check_only);
  EXPECT_EQ(r.options.verbose, 0);
  EXPECT_FALSE(r.options.socket_mode.has_value());
}

TEST(ParseOptions, ReadsEveryOptionInSeparateAndAttachedForms) {
  OptionsResult r = parse_options({"-f", "-v", "-v", "-n", "-c", "/r.json", "-pinet:8899@127.0.0.1", "-P", "/run/p.pid",
                                   "-u", "milter:postfix", "-m", "0640"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.options.foreground);
  EXPECT_TRUE(r.options.check_only);
  EXPECT_EQ(r.options.verbose, 2);
  EXPECT_EQ(r.options.rules, "/r.json");
  EXPECT_EQ(r.options.socket, "inet:8899@127.0.0.1");
  EXPECT_EQ(r.options.pidfile, "/run/p.pid");
  EXPECT_EQ(r.options.user, "milter:postfix");
  EXPECT_EQ(r.options.socket_mode, 0640u);
}

TEST(ParseOptions, GroupsFlagsAndEndsAGroupWithAValue) {
  OptionsResult r = parse_options({"-fvc", "/x.json", "-hv"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.options.foreground);
  EXPECT_TRUE(r.options.help);
  EXPECT_EQ(r.options.verbose, 2);
  EXPECT_EQ(r.options.rules, "/x.json");
}

TEST(ParseOptions, ReportsUsageErrors) {
  struct Row {
    std::vector<std::string> args;
    std::string want;
  };
  const std::vector<Row> rows = {
      {{"-x"}, "unknown option -x"},
      {{"-c"}, "-c needs a value"},
      {{"-c", ""}, "-c: empty value"},
      {{"extra"}, "unexpected argument \"extra\""},
      {{"--", "extra"}, "unexpected argument \"extra\""},
      {{"-m", "999"}, "-m: bad socket mode \"999\" (want octal, e.g. 0660)"},
      {{"-p", "tcp:25"}, "-p: bad socket \"tcp:25\" (want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.want);
    EXPECT_EQ(parse_options(row.args).error, row.want);
  }
}

TEST(ParseSocketMode, AcceptsThreeOrFourOctalDigitsUpTo0777) {
  struct Row {
    std::string text;
    std::optional<unsigned> want;
  };
  const std::vector<Row> rows = {
      {"660", 0660u}, {"0660", 0660u}, {"0777", 0777u}, {"000", 0u},     {"0600", 0600u},
      {"1777", std::nullopt}, {"66", std::nullopt}, {"06600", std::nullopt}, {"0668", std::nullopt},
      {"", std::nullopt},     {"rw-", std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(parse_socket_mode(row.text), row.want);
  }
}

TEST(SocketSpecError, AcceptsTheSendmailMilterForms) {
  for (const char* spec : {"unix:/run/s.sock", "local:/run/s.sock", "inet:8899@127.0.0.1", "inet:8899",
                           "inet6:8899@::1", "inet:65535@localhost"}) {
    SCOPED_TRACE(spec);
    EXPECT_EQ(socket_spec_error(spec), "");
  }
}

TEST(SocketSpecError, RefusesOtherForms) {
  for (const char* spec : {"", "/run/s.sock", "unix:", "unix:relative.sock", "inet:0@127.0.0.1", "inet:65536@h",
                           "inet:port@h", "inet:@h", "inet:25@", "tcp:25"}) {
    SCOPED_TRACE(spec);
    EXPECT_NE(socket_spec_error(spec), "");
  }
}

TEST(UnixSocketPath, StripsThePrefixOfLocalSockets) {
  EXPECT_EQ(unix_socket_path("unix:/run/a.sock"), "/run/a.sock");
  EXPECT_EQ(unix_socket_path("local:/run/b.sock"), "/run/b.sock");
  EXPECT_EQ(unix_socket_path("inet:25@127.0.0.1"), "");
}

}  // namespace
}  // namespace splitroute::daemon
