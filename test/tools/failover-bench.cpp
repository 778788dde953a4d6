// failover-bench - what a lookup costs when the first LDAP URI is dead,
// before and after the pool's back-off (make bench, P5).
//
//   failover-bench -u LIVE_URI -b BASE -k ADDRESS [-n LOOKUPS] [-t TIMEOUT_MS]
//
// The dead server is a TCP listener of this process that never accepts:
// the connection is made, the bind is never answered, as with a server
// that hangs or a firewall that drops.  The pool gets uris [dead, LIVE_URI]
// and before every lookup its idle connection is closed, so every lookup
// opens one (as after a lost connection).  Two pools are measured:
//   stateless   back-off 0: the URIs are tried in their configured order
//               every time (the behaviour without state)
//   backoff     the default back-off: the first lookup pays the dead
//               server's timeout, the next ones go to LIVE_URI first
//   healthy     uris [LIVE_URI] alone: the floor
// Prints one JSON object: per mode, the milliseconds of each lookup.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/ldap_filter.hpp"
#include "directory/ldap_pool.hpp"

namespace {

using namespace splitroute;

// black_hole - a listening socket on 127.0.0.1 that is never accepted
// from; its URI in `uri`.
int black_hole(std::string& uri) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("failover-bench: black hole");
    std::exit(1);
  }
  uri = "ldap://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/";
  return fd;
}

std::vector<double> measure(const core::LdapConfig& config, directory::BackoffPolicy policy, const std::string& filter,
                            int lookups, bool& failed) {
  directory::LdapPool pool(config, {}, policy);
  std::vector<double> ms;
  for (int i = 0; i < lookups; ++i) {
    pool.close_idle();
    const auto start = std::chrono::steady_clock::now();
    const directory::LdapOutcome outcome =
        pool.run([&](directory::LdapConnection& connection) { return connection.search(config, filter); });
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    ms.push_back(took.count());
    if (outcome.result != core::Lookup::hit) {
      std::fprintf(stderr, "failover-bench: lookup %d: %s\n", i + 1, outcome.detail.c_str());
      failed = true;
    }
  }
  return ms;
}

void print(const char* name, const std::vector<double>& ms, bool last) {
  std::printf("\"%s\": [", name);
  for (std::size_t i = 0; i < ms.size(); ++i) std::printf("%s%.3f", i ? ", " : "", ms[i]);
  std::printf("]%s", last ? "" : ", ");
}

}  // namespace

int main(int argc, char** argv) {
  core::LdapConfig config;
  std::string live, key;
  int lookups = 20;
  config.timeout_ms = 300;
  config.pool_size = 1;
  for (int option; (option = getopt(argc, argv, "u:b:k:n:t:")) != -1;) {
    switch (option) {
      case 'u': live = optarg; break;
      case 'b': config.base = optarg; break;
      case 'k': key = optarg; break;
      case 'n': lookups = std::atoi(optarg); break;
      case 't': config.timeout_ms = static_cast<unsigned>(std::atoi(optarg)); break;
      default: std::fprintf(stderr, "usage: failover-bench -u LIVE_URI -b BASE -k ADDRESS [-n N] [-t MS]\n"); return 2;
    }
  }
  if (live.empty() || config.base.empty() || key.empty() || lookups < 2) {
    std::fprintf(stderr, "failover-bench: -u, -b, -k are required, -n at least 2\n");
    return 2;
  }
  std::string dead;
  const int hole = black_hole(dead);
  config.uris = {dead, live};
  const std::string filter = core::expand_filter(config.filter, key);
  bool failed = false;
  const auto stateless = measure(config, {std::chrono::milliseconds(0), std::chrono::milliseconds(0)}, filter,
                                 lookups, failed);
  const auto backoff = measure(config, {}, filter, lookups, failed);
  config.uris = {live};
  const auto healthy = measure(config, {}, filter, lookups, failed);
  std::printf("{\"timeout_ms\": %u, ", config.timeout_ms);
  print("stateless", stateless, false);
  print("backoff", backoff, false);
  print("healthy", healthy, true);
  std::printf("}\n");
  close(hole);
  return failed ? 1 : 0;
}
