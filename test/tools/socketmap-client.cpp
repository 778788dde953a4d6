// socketmap-client.cpp - talk to a socketmap server and print its replies.
//
// Sends, on one connection, each --raw text as it is, then each REQUEST as
// a netstring, and prints each reply payload on a line of its own
// ("OK smtp:[192.0.2.10]:25", "NOTFOUND ").  When the server closes the
// connection before every reply came, it prints "closed" instead of the
// missing ones; when a reply does not come in time, "timeout".  Unlike
// postmap(1) it can send what an MTA never would, to test the server's
// defences.
//
//   socketmap-client -p inet:8898@127.0.0.1 'transport alice@example.com'
//   socketmap-client -p unix:/run/splitroute/socketmap.sock --raw '10001:' 'transport *'
//
// Exit status: 0 when the conversation ran (whatever was answered), 1 when
// the connection failed, 2 on a usage error.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/netstring.hpp"
#include "milter_protocol.hpp"

namespace {

using splitroute::core::netstring;
using splitroute::core::NetstringReader;

constexpr const char* kUsage =
    "usage: socketmap-client -p SOCKET [--timeout SECONDS] [--raw TEXT]... [REQUEST]...\n"
    "  -p SOCKET          unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST\n"
    "  --raw TEXT         send TEXT as it is, before the requests (repeatable)\n"
    "  --timeout SECONDS  wait this long for each reply (default 10)\n"
    "  REQUEST            \"MAP KEY\", sent as a netstring; one reply line each\n";

struct Options {
  std::string socket;
  std::vector<std::string> raw;
  std::vector<std::string> requests;
  double timeout = 10;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "socketmap-client: %s\n%s", why.c_str(), kUsage);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-p") {
      options.socket = value();
    } else if (arg == "--raw") {
      options.raw.push_back(value());
    } else if (arg == "--timeout") {
      char* end = nullptr;
      std::string text = value();
      options.timeout = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || options.timeout <= 0) usage_error("bad number for --timeout");
    } else if (arg.starts_with("-")) {
      usage_error("unknown option " + arg);
    } else {
      options.requests.push_back(arg);
    }
  }
  if (options.socket.empty()) usage_error("-p is required");
  if (options.raw.empty() && options.requests.empty()) usage_error("nothing to send");
  return options;
}

// Outcome of waiting for one reply.
enum class Wait { reply, closed, timeout };

Wait next_reply(int fd, NetstringReader& reader, double timeout, std::string& out) {
  while (true) {
    if (std::optional<std::string> message = reader.next()) {
      out = *message;
      return Wait::reply;
    }
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, static_cast<int>(timeout * 1000)) != 1) return Wait::timeout;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return Wait::closed;
    reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  try {
    auto socket = splitroute::milter_client::connect_filter(options.socket, options.timeout);
    std::string bytes;
    for (const std::string& raw : options.raw) bytes += raw;
    for (const std::string& request : options.requests) bytes += netstring(request);
    try {
      socket.write_all(bytes);
    } catch (const splitroute::milter_client::ProtocolError&) {
      // the server may close on the raw bytes before reading everything
    }
    NetstringReader reader(1u << 20);
    std::size_t wanted = std::max<std::size_t>(options.requests.size(), 1);  // raw only: what comes back
    for (std::size_t i = 0; i < wanted; ++i) {
      std::string reply;
      Wait wait = next_reply(socket.get(), reader, options.timeout, reply);
      if (wait != Wait::reply) {
        std::printf("%s\n", wait == Wait::closed ? "closed" : "timeout");
        break;
      }
      std::printf("%s\n", reply.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "socketmap-client: %s\n", e.what());
    return 1;
  }
  return 0;
}
