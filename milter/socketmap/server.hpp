// server.hpp - the socketmap server: netstring requests in, replies out.
//
// One event thread owns the listening socket and every connection (epoll):
// it accepts, reads, splits the input into netstrings and hands complete
// requests to a fixed pool of worker threads, which answer them (directory
// lookups may block) in order, per connection.  An idle connection costs a
// file descriptor and a buffer, never a thread.  Limits: a request is at
// most kMaxRequest bytes; a malformed or oversized netstring, or too many
// requests queued on one connection, closes it; a connection idle for
// `idle_timeout` is closed; at `max_connections` new clients wait in the
// listen queue.  Every request reads the configuration anew through
// ServerHooks::config, so a reload applies to the next lookup.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "runtime/config.hpp"
#include "socketmap/handler.hpp"
#include "util/file.hpp"

namespace splitroute::socketmap {

inline constexpr std::size_t kMaxRequest = 10000;  // Postfix's socketmap_max_query_size

struct ServerSettings {
  std::size_t workers = 8;
  std::chrono::milliseconds idle_timeout{30000};  // longer than Postfix's own 10 s
  std::size_t max_connections = 512;
  std::size_t max_queued = 64;  // requests waiting on one connection
};

struct ServerHooks {
  std::function<runtime::ConfigPtr()> config;          // the configuration for one request
  std::function<void(const Reply&)> answered;          // after each reply (optional)
  std::function<void(const std::string&)> trouble;     // a connection closed on an error (optional)
};

class Server {
 public:
  // Server - serve on `listener` (listening, non-blocking) from now on.
  Server(util::UniqueFd listener, ServerHooks hooks, ServerSettings settings = {});
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // stop - close every connection and join every thread; idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace splitroute::socketmap
