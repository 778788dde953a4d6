// ldap_pool.cpp - a thread-safe pool of bound LDAP connections.
//
// Locking: mutex_ guards idle_ and open_ only.  Opening, searching and
// closing (unbind) happen with no lock held, so a slow server delays only
// the threads that wait for its answer.
#include "directory/ldap_pool.hpp"

#include <string.h>  // explicit_bzero

#include <chrono>
#include <utility>

#include <fmt/format.h>

#include "directory/ldap_sigpipe.hpp"

namespace splitroute::directory {

LdapPool::LdapPool(core::LdapConfig config, std::string password)
    : config_(std::move(config)), password_(std::move(password)) {}

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
      discard(std::move(borrowed.connection));  // frees its slot
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

// borrow - an idle connection (unless `fresh_only`), else a new one in a
// free slot; waits up to timeout_ms for a slot when all are borrowed.
LdapPool::Borrowed LdapPool::borrow(bool fresh_only) {
  ConnectionPtr stale;  // an idle connection closed to make room for a fresh one
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.timeout_ms);
    const auto ready = [this] { return open_ < config_.pool_size || !idle_.empty(); };
    if (!slot_freed_.wait_until(lock, deadline, ready)) {
      return {nullptr, fmt::format("all {} LDAP connections are busy", config_.pool_size), false};
    }
    if (idle_.empty()) {
      ++open_;
    } else {
      stale = std::move(idle_.back());
      idle_.pop_back();
      if (!fresh_only) return {std::move(stale), {}, false};
    }
  }
  stale.reset();
  std::string error;
  ConnectionPtr connection;
  try {
    connection = LdapConnection::open(config_, password_, error);
  } catch (...) {
    release_slot();
    throw;
  }
  if (!connection) {
    release_slot();
    return {nullptr, std::move(error), false};
  }
  return {std::move(connection), {}, true};
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

// discard - close `lost` and every idle connection (outside the lock).
void LdapPool::discard(ConnectionPtr lost) {
  std::vector<ConnectionPtr> closing;
  {
    const std::lock_guard lock(mutex_);
    closing.swap(idle_);
    closing.push_back(std::move(lost));
    open_ -= static_cast<unsigned>(closing.size());
  }
  slot_freed_.notify_all();
}

}  // namespace splitroute::directory
