// ldap_pool.cpp - a thread-safe pool of bound LDAP connections.
//
// Locking: mutex_ guards idle_, open_ and order_ only.  Opening, searching and
// closing (unbind) happen with no lock held, so a slow server delays only
// the threads that wait for its answer.
#include "directory/ldap_pool.hpp"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "directory/ldap_sigpipe.hpp"

namespace splitroute::directory {

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

}  // namespace

LdapPool::LdapPool(core::LdapConfig config, std::string password, BackoffPolicy backoff,
                   ServerSource::SrvResolver resolver)
    : config_(std::move(config)),
      password_(std::move(password)),
      order_({}, backoff),
      source_(config_.uris, std::move(resolver)) {
  order_.set_servers(source_.servers());  // the static URIs; dns-srv entries when first needed
}

LdapPool::~LdapPool() {
  const SigpipeGuard guard;
  idle_.clear();
  explicit_bzero(password_.data(), password_.size());
}

LdapOutcome LdapPool::run(const Operation& operation) {
  const SigpipeGuard guard;
  LdapOutcome outcome;
  for (const bool fresh_only : {false, true}) {
    Borrowed borrowed = borrow(fresh_only);
    if (!borrowed.connection) return {core::Lookup::error, {}, std::move(borrowed.error), false};
    try {
      outcome = operation(*borrowed.connection);
    } catch (...) {
      discard(std::move(borrowed.connection), false);  // frees its slot
      throw;
    }
    if (!outcome.connection_lost) {
      give_back(std::move(borrowed.connection));
      return outcome;
    }
    discard(std::move(borrowed.connection));
    if (borrowed.fresh) break;
  }
  return outcome;
}

// borrow - an idle connection to a preferred server (unless `fresh_only`),
// else a new one in a free slot; waits up to timeout_ms for a slot when all
// are borrowed.  Idle connections set aside (to make room, or to a server
// no longer preferred) are closed outside the lock.
LdapPool::Borrowed LdapPool::borrow(bool fresh_only) {
  std::vector<ConnectionPtr> closing;
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timeout_ms);
    const auto ready = [this] { return open_ < config_.pool_size || !idle_.empty(); };
    if (!slot_freed_.wait_until(lock, deadline, ready)) {
      return {nullptr, fmt::format("all {} LDAP connections are busy", config_.pool_size), false};
    }
    if (!fresh_only) {
      if (ConnectionPtr connection = take_idle(closing)) {
        lock.unlock();
        closing.clear();
        return {std::move(connection), {}, false};
      }
    } else if (!idle_.empty()) {
      closing.push_back(std::move(idle_.back()));
      idle_.pop_back();
      --open_;
    }
    ++open_;  // this borrower's slot: the open below fills it or frees it
  }
  slot_freed_.notify_all();
  closing.clear();
  return open_connection();
}

// take_idle - an idle connection to a preferred server; the idle ones to a
// server that is no longer preferred go to `closing` (their slots freed).
// Caller holds mutex_.
LdapPool::ConnectionPtr LdapPool::take_idle(std::vector<ConnectionPtr>& closing) {
  while (!idle_.empty()) {
    ConnectionPtr connection = std::move(idle_.back());
    idle_.pop_back();
    if (order_.preferred(connection->uri())) return connection;
    closing.push_back(std::move(connection));
    --open_;
  }
  return nullptr;
}

// open_connection - a new connection in the slot the caller holds: the
// servers in ServerOrder's order, each failure putting its server in
// back-off; a failure that is not the server's (say, bad credentials)
// ends the walk.
LdapPool::Borrowed LdapPool::open_connection() {
  try {
    refresh_servers();
  } catch (...) {
    release_slot();
    throw;
  }
  std::vector<std::string> uris;
  {
    const std::lock_guard lock(mutex_);
    uris = order_.order();
  }
  std::vector<std::string> problems;
  try {
    for (const auto& uri : uris) {
      std::string error;
      bool server_problem = true;
      ConnectionPtr connection = LdapConnection::open_server(uri, config_, password_, error, server_problem);
      const std::lock_guard lock(mutex_);
      if (connection) {
        order_.succeeded(uri);
        return {std::move(connection), {}, true};
      }
      problems.push_back(std::move(error));
      if (!server_problem) break;
      order_.failed(uri);
    }
  } catch (...) {
    release_slot();
    throw;
  }
  release_slot();
  if (problems.empty()) {
    const std::lock_guard lock(source_mutex_);
    problems.push_back(source_.problems().empty() ? std::string("no LDAP server is known") : source_.problems());
  }
  return {nullptr, join(problems), false};
}

// refresh_servers - resolve the dns-srv entries that are due and hand the
// new list to order_.  With a list to go on with, a thread that finds
// another one resolving does not wait for it; without one, it waits.
void LdapPool::refresh_servers() {
  std::unique_lock refreshing(source_mutex_, std::defer_lock);
  bool known = false;
  {
    const std::lock_guard lock(mutex_);
    known = !order_.empty();
  }
  if (known) {
    if (!refreshing.try_lock()) return;
  } else {
    refreshing.lock();
  }
  if (!source_.due()) return;
  source_.refresh();
  std::vector<ServerEntry> servers = source_.servers();
  const std::lock_guard lock(mutex_);
  order_.set_servers(std::move(servers));
}

void LdapPool::give_back(ConnectionPtr connection) {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  slot_freed_.notify_one();
}

void LdapPool::release_slot() {
  {
    const std::lock_guard lock(mutex_);
    --open_;
  }
  slot_freed_.notify_one();
}

void LdapPool::close_idle() {
  const SigpipeGuard guard;
  std::vector<ConnectionPtr> closing;
  {
    const std::lock_guard lock(mutex_);
    closing.swap(idle_);
    open_ -= static_cast<unsigned>(closing.size());
  }
  slot_freed_.notify_all();
}

// discard - close `lost` and every idle connection to the same server
// (outside the lock), and put that server in back-off when it `failed`.
void LdapPool::discard(ConnectionPtr lost, bool failed) {
  std::vector<ConnectionPtr> closing;
  {
    const std::lock_guard lock(mutex_);
    const std::string& uri = lost->uri();
    if (failed) order_.failed(uri);
    const auto same = std::stable_partition(idle_.begin(), idle_.end(),
                                            [&uri](const ConnectionPtr& c) { return c->uri() != uri; });
    closing.insert(closing.end(), std::make_move_iterator(same), std::make_move_iterator(idle_.end()));
    idle_.erase(same, idle_.end());
    closing.push_back(std::move(lost));
    open_ -= static_cast<unsigned>(closing.size());
  }
  slot_freed_.notify_all();
}

}  // namespace splitroute::directory
