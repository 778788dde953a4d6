// server_source.hpp - the LDAP servers behind a directory's `uris`.
//
// A static URI ("ldap://ldap1.example.com") is one server.  A dns-srv form
// ("dns-srv:example.com", "dns-srv-gc:example.com", core/dns_srv.hpp) is
// the targets of its SRV records, as "ldap://TARGET:PORT/" (the TLS and
// bind settings are the directory's, as for every URI).  Ranks keep the
// order of `uris`; the targets of one dns-srv entry are ranked by their SRV
// priority and carry their SRV weight (ServerOrder spreads over them).
//
//   refresh     a dns-srv entry is resolved when first needed, then again
//               when its TTL has passed (at least kMinRefresh, at most
//               kMaxRefresh later); a new source is made on every reload
//   failure     a failed lookup keeps the last good targets and is tried
//               again kMinRefresh later; an entry never resolved has no
//               target (with every entry so, lookups fail: 451 4.4.3)
//
// A front end that shows what DNS gave (`check --connect`) makes its own:
// refresh(), then describe() and servers().
// Not thread-safe: LdapPool serialises the calls.  The resolver and the
// clock are injectable for tests.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/dns_srv.hpp"
#include "directory/server_order.hpp"
#include "directory/srv_lookup.hpp"

namespace splitroute::directory {

inline constexpr std::chrono::seconds kMinRefresh{5};
inline constexpr std::chrono::seconds kMaxRefresh{3600};

class ServerSource {
 public:
  using SrvResolver = std::function<SrvAnswer(const std::string& record)>;

  explicit ServerSource(const std::vector<std::string>& uris, SrvResolver resolver = lookup_srv,
                        ServerClock clock = std::chrono::steady_clock::now);

  bool due() const;  // a dns-srv entry is to be resolved (again)
  void refresh();    // resolve the entries that are due; blocks on DNS

  std::vector<ServerEntry> servers() const;
  // SrvFinding - what one dns-srv entry gave: its targets, "ldap://dc1.example.com:389/
  // (priority 0, weight 100) ...", or its error (`found` false when it has no target).
  struct SrvFinding {
    std::string uri;  // "dns-srv:example.com"
    bool found = false;
    std::string text;
  };
  std::vector<SrvFinding> findings() const;
  // describe - the findings as "URI: text" lines.
  std::vector<std::string> describe() const;
  std::string problems() const;  // the errors of entries without targets, "; "-joined

 private:
  struct Entry {
    std::string uri;
    std::optional<core::DnsSrvName> srv;  // set for the dns-srv forms
    std::vector<SrvTarget> targets;       // the last good answer
    std::string error;                    // of the last lookup, if it failed
    std::chrono::steady_clock::time_point refresh_at{};
    bool resolved = false;  // once at least
  };

  SrvResolver resolver_;
  ServerClock clock_;
  std::vector<Entry> entries_;
};

}  // namespace splitroute::directory
