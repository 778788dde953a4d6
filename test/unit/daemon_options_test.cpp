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
  EXPECT_EQ(r.options.socketmap, "") << "no socketmap unless -s";
  EXPECT_EQ(r.options.rules, "/etc/splitroute/rules.json");
  EXPECT_FALSE(r.options.foreground);
  EXPECT_FALSE(r.options.check_only);
  EXPECT_EQ(r.options.verbose, 0);
  EXPECT_FALSE(r.options.socket_mode.has_value());
}

TEST(ParseOptions, ReadsEveryOptionInSeparateAndAttachedForms) {
  OptionsResult r = parse_options({"-f", "-v", "-v", "-n", "-c", "/r.json", "-pinet:8899@127.0.0.1", "-P", "/run/p.pid",
                                   "-u", "milter:postfix", "-m", "0640", "-s", "unix:/run/splitroute/socketmap.sock",
                                   "-M", "127.0.0.1:9465"});
  ASSERT_EQ(r.error, "");
  EXPECT_TRUE(r.options.foreground);
  EXPECT_TRUE(r.options.check_only);
  EXPECT_EQ(r.options.verbose, 2);
  EXPECT_EQ(r.options.rules, "/r.json");
  EXPECT_EQ(r.options.socket, "inet:8899@127.0.0.1");
  EXPECT_EQ(r.options.pidfile, "/run/p.pid");
  EXPECT_EQ(r.options.user, "milter:postfix");
  EXPECT_EQ(r.options.socket_mode, 0640u);
  EXPECT_EQ(r.options.socketmap, "unix:/run/splitroute/socketmap.sock");
  EXPECT_EQ(r.options.metrics, "127.0.0.1:9465");
  EXPECT_EQ(parse_options({}).options.metrics, "") << "metrics are off by default";
  EXPECT_EQ(parse_options({"-M[::1]:9465"}).options.metrics, "[::1]:9465");
}

TEST(ParseOptions, TakesASocketmapSocketWithoutAMilterSocket) {
  OptionsResult r = parse_options({"-sinet:8898@127.0.0.1"});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.options.socketmap, "inet:8898@127.0.0.1");
  EXPECT_EQ(r.options.socket, "unix:/run/splitroute/milter.sock") << "the milter keeps its default socket";
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
      {{"-s", "inet:0@127.0.0.1"}, "-s: bad port \"0\" (want 1..65535)"},
      {{"-s"}, "-s needs a value"},
      {{"-M", "9465"}, "-M: bad address \"9465\" (want ADDRESS:PORT, e.g. 127.0.0.1:9465)"},
      {{"-M", "127.0.0.1:0"}, "-M: bad address \"127.0.0.1:0\" (want ADDRESS:PORT, e.g. 127.0.0.1:9465)"},
      {{"-M", "127.0.0.1:http"}, "-M: bad address \"127.0.0.1:http\" (want ADDRESS:PORT, e.g. 127.0.0.1:9465)"},
      {{"-p", "inet:25@h", "-s", "inet:25@h"}, "-s and -p name the same socket \"inet:25@h\""},
      {{"-p", "unix:/run/x.sock", "-s", "local:/run/x.sock"}, "-s and -p name the same socket \"local:/run/x.sock\""},
      {{"-s", "unix:/run/splitroute/milter.sock"},
       "-s and -p name the same socket \"unix:/run/splitroute/milter.sock\""},
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

}  // namespace
}  // namespace splitroute::daemon
