// ldap_pool.hpp - a thread-safe pool of bound LDAP connections.
//
// At most pool_size connections are open at once; each is used by one
// thread at a time.  run() borrows an idle connection (or opens one, trying
// the servers in the order ServerOrder gives: failover with state, see
// server_order.hpp), runs the operation with no lock held, and gives the
// connection back.  When the operation reports the connection lost (server
// down, timeout, ...), the connection and every idle one to the same server
// are closed, the server is put in back-off, and the operation is retried
// once on a freshly opened connection before the error is reported.  An
// idle connection to a fallback server is closed rather than reused once a
// better-ranked server is out of back-off, so a server that comes back gets
// its share again.  The servers come from a ServerSource: the static URIs,
// and the targets of dns-srv entries, resolved when a connection is to be
// opened and their TTL has passed (one thread resolves, the others go on
// with the list they have; server_source.hpp).
// A borrower that finds every connection busy waits up to timeout_ms.  An
// exception (only std::bad_alloc is possible) frees the slot and propagates.
//
// SECURITY: the bind password lives only here (wiped when the pool goes)
// and is passed only to LdapConnection::open().
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/ldap_config.hpp"
#include "directory/ldap_connection.hpp"
#include "directory/server_order.hpp"
#include "directory/server_source.hpp"

namespace splitroute::directory {

class LdapPool {
 public:
  using Operation = std::function<LdapOutcome(LdapConnection&)>;

  LdapPool(core::LdapConfig config, std::string password, BackoffPolicy backoff = {},
           ServerSource::SrvResolver resolver = lookup_srv);
  ~LdapPool();
  LdapPool(const LdapPool&) = delete;
  LdapPool& operator=(const LdapPool&) = delete;

  // run - `operation` on a pooled connection, with one retry on a fresh
  // connection when the first one turns out to be lost.
  LdapOutcome run(const Operation& operation);

  // close_idle - close every idle connection, so that the next run() opens
  // a new one (what a lost connection causes; `make bench` measures it).
  void close_idle();

  const core::LdapConfig& config() const { return config_; }

 private:
  using ConnectionPtr = std::unique_ptr<LdapConnection>;
  struct Borrowed {
    ConnectionPtr connection;  // null: `error` says why
    std::string error;
    bool fresh = false;  // opened for this borrower
  };

  Borrowed borrow(bool fresh_only);
  Borrowed open_connection();
  void refresh_servers();
  ConnectionPtr take_idle(std::vector<ConnectionPtr>& closing);
  void give_back(ConnectionPtr connection);
  void release_slot();
  void discard(ConnectionPtr lost, bool failed = true);

  const core::LdapConfig config_;
  std::string password_;
  std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<ConnectionPtr> idle_;  // guarded by mutex_
  ServerOrder order_;  // guarded by mutex_
  std::mutex source_mutex_;  // held while resolving; taken before mutex_, never after
  ServerSource source_;      // guarded by source_mutex_
  unsigned open_ = 0;  // connections idle or borrowed; guarded by mutex_
};

}  // namespace splitroute::directory
