// server_order.hpp - which LDAP server to try first: failover with state.
//
// ServerOrder knows the servers (URIs) with their rank, remembers which
// ones failed lately, and answers "in what order should a new connection
// try them".  Pure logic with an injected clock: no I/O, no thread of its
// own (the pool calls it under its own lock).
//
//   rank          lower first.  A static URI's rank is its place in `uris`;
//                 the targets of one dns-srv entry share that place and are
//                 told apart by their SRV priority (RFC 2782).
//   spreading     servers of equal rank take turns being first (smooth
//                 weighted round robin on the SRV weight; static URIs have
//                 weight 1), so the pool's connections spread over them.
//   back-off      a server that failed is tried after every healthy one
//                 until its back-off ends: 1 s, doubled on every failure in
//                 a row up to 60 s, reset by a success.  When its back-off
//                 has ended it takes its rank again (one try: a failure
//                 doubles the back-off, a success clears it).
//   all failed    the servers in back-off still come last, soonest retry
//                 first, so a lookup never has nothing to try.
//
// set_servers() replaces the list (a dns-srv refresh) and keeps the state
// of the servers that remain.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace splitroute::directory {

using ServerClock = std::function<std::chrono::steady_clock::time_point()>;

struct ServerEntry {
  std::string uri;
  std::uint64_t rank = 0;  // lower is tried first
  unsigned weight = 1;     // share among servers of equal rank (0: only when no other)
};

struct BackoffPolicy {
  std::chrono::milliseconds first{1000};
  std::chrono::milliseconds max{60000};
};

class ServerOrder {
 public:
  explicit ServerOrder(std::vector<ServerEntry> servers, BackoffPolicy policy = {},
                       ServerClock clock = std::chrono::steady_clock::now);

  // order - every server's URI, in the order a new connection tries them.
  // Advances the round robin of the first rank group.
  std::vector<std::string> order();

  void failed(const std::string& uri);     // starts or doubles its back-off
  void succeeded(const std::string& uri);  // clears its back-off

  // preferred - is a connection to `uri` still as good as a new one would
  // be: no healthy server of a better rank exists.  Idle connections to a
  // fallback server are closed when this turns false.
  bool preferred(const std::string& uri) const;

  // set_servers - a new list; servers kept keep their back-off.
  void set_servers(std::vector<ServerEntry> servers);

  bool empty() const { return servers_.empty(); }

 private:
  struct State {
    ServerEntry entry;
    std::chrono::steady_clock::time_point retry_at{};  // healthy when <= now
    std::chrono::milliseconds backoff{0};              // 0: no failure in a row
    std::int64_t current = 0;                          // smooth weighted round robin
  };

  bool healthy(const State& state, std::chrono::steady_clock::time_point now) const;
  State* find(const std::string& uri);
  void rotate(std::vector<State*>& group);

  BackoffPolicy policy_;
  ServerClock clock_;
  std::vector<State> servers_;  // sorted by rank, stable
};

}  // namespace splitroute::directory
