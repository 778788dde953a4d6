// socketmap_server_test.cpp - the socketmap server on a real unix socket:
// pipelined requests, malformed and oversized netstrings, idle and
// concurrent connections, the thread count, the connection limit, and the
// configuration read anew for every request.
//
// Waiting is readiness polling with generous deadlines, never a fixed sleep.
#include "socketmap/server.hpp"

#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/netstring.hpp"
#include "temp_dir.hpp"
#include "util/listen_socket.hpp"

namespace splitroute::socketmap {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPatience{10000};  // deadline for anything the server must do

constexpr const char* kRules = R"({
  "version": 1,
  "directory": {"type": "file", "path": "recipients.txt"},
  "accepted_domains": [{"domain": "shared.example.com", "type": "internal_relay"}],
  "send_connectors": [{"name": "partner", "address_spaces": [{"domain": "shared.example.com"}],
                       "smarthosts": ["[192.0.2.10]:25"]}]
})";

// Client - one connection to the server, speaking netstrings.
class Client {
 public:
  explicit Client(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }

  bool connected() const { return connected_; }

  void send_raw(const std::string& bytes) {
    ASSERT_EQ(::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }
  void ask(const std::string& request) { send_raw(core::netstring(request)); }

  // reply - the next reply payload, or nullopt when the server closed the
  // connection (or nothing came within the patience).
  std::optional<std::string> reply() {
    while (true) {
      if (std::optional<std::string> message = reader_.next()) return message;
      if (!wait_readable()) return std::nullopt;
      char buffer[4096];
      ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) return std::nullopt;
      reader_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }

  // closed_by_server - the server closes the connection (within the patience).
  bool closed_by_server() {
    char buffer[256];
    while (wait_readable()) {
      ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  bool wait_readable() {
    pollfd readable{fd_.get(), POLLIN, 0};
    return ::poll(&readable, 1, static_cast<int>(kPatience.count())) == 1;
  }

  util::UniqueFd fd_;
  bool connected_ = false;
  core::NetstringReader reader_{100000};
};

std::size_t thread_count() {
  std::size_t count = 0;
  DIR* tasks = ::opendir("/proc/self/task");
  while (dirent* entry = ::readdir(tasks)) count += entry->d_name[0] != '.';
  ::closedir(tasks);
  return count;
}

class SocketmapServerTest : public ::testing::Test {
 protected:
  SocketmapServerTest() {
    std::string rules = dir_.write("rules.json", kRules);
    dir_.write("recipients.txt", "carol@shared.example.com\n");
    runtime::ConfigLoad load = runtime::load_config(rules);
    if (!load.config) ADD_FAILURE() << load.report();
    config_ = load.config;
    socket_path_ = (dir_.path / "socketmap.sock").string();
  }

  void start(ServerSettings settings = {}) {
    util::SocketSpec spec;
    spec.path = socket_path_;
    ServerHooks hooks;
    hooks.config = [this] {
      std::lock_guard lock(mutex_);
      return config_;
    };
    hooks.trouble = [this](const std::string& why) {
      std::lock_guard lock(mutex_);
      troubles_.push_back(why);
    };
    server_.emplace(util::listen_socket(spec, "unix:" + socket_path_, 0600, std::nullopt), std::move(hooks), settings);
  }

  Client client() { return Client(socket_path_); }

  std::vector<std::string> troubles() {
    std::lock_guard lock(mutex_);
    return troubles_;
  }

  testing::TempDir dir_;
  std::mutex mutex_;
  runtime::ConfigPtr config_;
  std::string socket_path_;
  std::vector<std::string> troubles_;
  std::optional<Server> server_;
};

TEST_F(SocketmapServerTest, AnswersPipelinedRequestsInOrder) {
  start();
  Client c = client();
  ASSERT_TRUE(c.connected());
  c.send_raw(core::netstring("transport zed@shared.example.com") + core::netstring("transport carol@shared.example.com") +
             core::netstring("transport *") + core::netstring("other x"));
  EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
  EXPECT_EQ(c.reply(), "NOTFOUND ");
  EXPECT_EQ(c.reply(), "NOTFOUND ");
  EXPECT_EQ(c.reply(), "PERM unknown map other");
  c.ask("transport zed@shared.example.com");  // the connection stays open for more
  EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
}

TEST_F(SocketmapServerTest, ReadsARequestThatArrivesInPieces) {
  start();
  Client c = client();
  std::string request = core::netstring("transport zed@shared.example.com");
  for (char byte : request) c.send_raw(std::string(1, byte));
  EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
}

TEST_F(SocketmapServerTest, ClosesOnMalformedInputAndKeepsServingOthers) {
  struct Row {
    std::string name, bytes, trouble;
  };
  const std::vector<Row> rows = {
      {"garbage", "GET / HTTP/1.0\r\n\r\n", "netstring does not start with a length and ':'"},
      {"over 10 000 bytes", "10001:", "netstring longer than the limit of 10000 bytes"},
      {"missing comma", "3:abcX", "netstring does not end with ','"},
      {"leading zero", "03:abc,", "netstring length has a leading zero"},
  };
  start();
  Client bystander = client();
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Client bad = client();
    bad.send_raw(row.bytes);
    EXPECT_TRUE(bad.closed_by_server());
    bystander.ask("transport zed@shared.example.com");
    EXPECT_EQ(bystander.reply(), "OK smtp:[192.0.2.10]:25");
    std::vector<std::string> seen = troubles();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), "closing a connection: " + row.trouble);
  }
}

TEST_F(SocketmapServerTest, AnswersTheRequestsBeforeAFaultThenCloses) {
  start();
  Client c = client();
  c.send_raw(core::netstring("transport zed@shared.example.com") + "x");
  EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(SocketmapServerTest, ClosesAConnectionWithTooManyQueuedRequests) {
  ServerSettings settings;
  settings.max_queued = 3;
  start(settings);
  Client c = client();
  std::string flood;
  for (int i = 0; i < 50; ++i) flood += core::netstring("transport zed@shared.example.com");
  c.send_raw(flood);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(SocketmapServerTest, ClosesIdleConnections) {
  ServerSettings settings;
  settings.idle_timeout = milliseconds(50);
  start(settings);
  Client idle = client();
  EXPECT_TRUE(idle.closed_by_server());
  Client busy = client();
  busy.ask("transport zed@shared.example.com");
  EXPECT_EQ(busy.reply(), "OK smtp:[192.0.2.10]:25");
  EXPECT_TRUE(busy.closed_by_server()) << "idle again after its answer";
}

TEST_F(SocketmapServerTest, ServesManyConcurrentClientsWithAFixedNumberOfThreads) {
  ServerSettings settings;
  settings.workers = 4;
  start(settings);
  std::size_t threads = thread_count();
  std::vector<Client> clients;
  for (int i = 0; i < 200; ++i) clients.push_back(client());
  for (Client& c : clients) c.ask("transport zed@shared.example.com");
  for (Client& c : clients) EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
  EXPECT_EQ(thread_count(), threads) << "200 open connections, no thread of their own";
}

TEST_F(SocketmapServerTest, LetsClientsWaitAtTheConnectionLimit) {
  ServerSettings settings;
  settings.max_connections = 2;
  start(settings);
  std::optional<Client> first(client());
  Client second = client();
  first->ask("transport *");
  second.ask("transport *");
  EXPECT_EQ(first->reply(), "NOTFOUND ");
  EXPECT_EQ(second.reply(), "NOTFOUND ");
  Client third = client();  // waits in the listen queue
  third.ask("transport zed@shared.example.com");
  first.reset();  // a slot frees
  EXPECT_EQ(third.reply(), "OK smtp:[192.0.2.10]:25");
}

TEST_F(SocketmapServerTest, ReadsTheConfigurationForEveryRequest) {
  start();
  Client c = client();
  c.ask("transport zed@shared.example.com");
  EXPECT_EQ(c.reply(), "OK smtp:[192.0.2.10]:25");
  {
    std::lock_guard lock(mutex_);
    config_.reset();  // as if no configuration were loaded
  }
  c.ask("transport zed@shared.example.com");
  EXPECT_EQ(c.reply(), "TEMP No configuration loaded");
}

TEST_F(SocketmapServerTest, StopsWithConnectionsOpen) {
  start();
  Client c = client();
  c.ask("transport *");
  EXPECT_EQ(c.reply(), "NOTFOUND ");
  server_->stop();
  EXPECT_TRUE(c.closed_by_server());
  server_.reset();
}

}  // namespace
}  // namespace splitroute::socketmap
