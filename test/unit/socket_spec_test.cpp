// socket_spec_test.cpp - socket specs in milter syntax and their Postfix form.
#include "util/socket_spec.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::util {
namespace {

TEST(ParseSocketSpec, ReadsTheSendmailMilterForms) {
  struct Row {
    std::string spec;
    SocketSpec::Family family;
    std::string path, host;
    std::uint16_t port;
  };
  const std::vector<Row> rows = {
      {"unix:/run/s.sock", SocketSpec::Family::unix_path, "/run/s.sock", "", 0},
      {"local:/run/s.sock", SocketSpec::Family::unix_path, "/run/s.sock", "", 0},
      {"inet:8899@127.0.0.1", SocketSpec::Family::inet, "", "127.0.0.1", 8899},
      {"inet:8899", SocketSpec::Family::inet, "", "", 8899},
      {"inet:65535@localhost", SocketSpec::Family::inet, "", "localhost", 65535},
      {"inet6:8899@::1", SocketSpec::Family::inet6, "", "::1", 8899},
      {"inet6:1", SocketSpec::Family::inet6, "", "", 1},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.spec);
    std::string why;
    std::optional<SocketSpec> spec = parse_socket_spec(row.spec, why);
    ASSERT_TRUE(spec.has_value()) << why;
    EXPECT_EQ(why, "");
    EXPECT_EQ(spec->family, row.family);
    EXPECT_EQ(spec->path, row.path);
    EXPECT_EQ(spec->host, row.host);
    EXPECT_EQ(spec->port, row.port);
    EXPECT_EQ(socket_spec_error(row.spec), "");
  }
}

TEST(ParseSocketSpec, RefusesOtherFormsSayingWhy) {
  struct Row {
    std::string spec, want;
  };
  const std::vector<Row> rows = {
      {"", "bad socket \"\" (want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)"},
      {"/run/s.sock", "bad socket \"/run/s.sock\" (want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)"},
      {"tcp:25", "bad socket \"tcp:25\" (want unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST)"},
      {"unix:", "socket path must be absolute: \"unix:\""},
      {"unix:relative.sock", "socket path must be absolute: \"unix:relative.sock\""},
      {"local:run/x", "socket path must be absolute: \"local:run/x\""},
      {"inet:0@127.0.0.1", "bad port \"0\" (want 1..65535)"},
      {"inet:65536@h", "bad port \"65536\" (want 1..65535)"},
      {"inet:port@h", "bad port \"port\" (want 1..65535)"},
      {"inet:@h", "bad port \"\" (want 1..65535)"},
      {"inet:-1@h", "bad port \"-1\" (want 1..65535)"},
      {"inet:25@", "empty host in \"inet:25@\""},
      {"inet6:25@", "empty host in \"inet6:25@\""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.spec);
    std::string why;
    EXPECT_FALSE(parse_socket_spec(row.spec, why).has_value());
    EXPECT_EQ(why, row.want);
    EXPECT_EQ(socket_spec_error(row.spec), row.want);
  }
}

TEST(UnixSocketPath, StripsThePrefixOfLocalSockets) {
  EXPECT_EQ(unix_socket_path("unix:/run/a.sock"), "/run/a.sock");
  EXPECT_EQ(unix_socket_path("local:/run/b.sock"), "/run/b.sock");
  EXPECT_EQ(unix_socket_path("inet:25@127.0.0.1"), "");
}

TEST(PostfixEndpoint, WritesTheSocketAsPostfixDoes) {
  struct Row {
    std::string spec, want;
  };
  const std::vector<Row> rows = {
      {"unix:/run/splitroute/milter.sock", "unix:/run/splitroute/milter.sock"},
      {"local:/var/spool/postfix/splitroute/m.sock", "unix:/var/spool/postfix/splitroute/m.sock"},
      {"inet:8899@127.0.0.1", "inet:127.0.0.1:8899"},
      {"inet:8899@localhost", "inet:localhost:8899"},
      {"inet:8899", "inet:127.0.0.1:8899"},
      {"inet6:8899@::1", "inet:[::1]:8899"},
      {"inet6:8899@[2001:db8::5]", "inet:[2001:db8::5]:8899"},
      {"inet6:8899", "inet:[::1]:8899"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.spec);
    std::string why;
    std::optional<SocketSpec> spec = parse_socket_spec(row.spec, why);
    ASSERT_TRUE(spec.has_value()) << why;
    EXPECT_EQ(postfix_endpoint(*spec), row.want);
  }
}

TEST(SendmailEndpoint, WritesTheSocketAsSendmailDoes) {
  struct Row {
    std::string spec, want;
  };
  const std::vector<Row> rows = {
      {"unix:/run/splitroute/milter.sock", "local:/run/splitroute/milter.sock"},
      {"local:/run/splitroute/socketmap.sock", "local:/run/splitroute/socketmap.sock"},
      {"inet:8899@127.0.0.1", "inet:8899@127.0.0.1"},
      {"inet:8899@localhost", "inet:8899@localhost"},
      {"inet:8899", "inet:8899@127.0.0.1"},
      {"inet6:8899@::1", "inet6:8899@::1"},
      {"inet6:8899", "inet6:8899@::1"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.spec);
    std::string why;
    std::optional<SocketSpec> spec = parse_socket_spec(row.spec, why);
    ASSERT_TRUE(spec.has_value()) << why;
    EXPECT_EQ(sendmail_endpoint(*spec), row.want);
  }
}

}  // namespace
}  // namespace splitroute::util
