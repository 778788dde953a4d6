// ldap_check.hpp - `splitroute check --connect`: try every LDAP URI once.
//
// A dns-srv entry of `uris` is resolved first (one "dns" line with what its
// SRV records gave); its targets are then tried like the other URIs.
// For each URI in order, one line per step: the TCP connection, TLS
// (verified, with the server certificate's subject), the bind (mechanism
// and identity, and who the server says we are), and a base-scope search of
// `base`.  A failing step ends that URI's lines with the reason (the same
// texts the daemon logs).  Nothing is cached and no recipient is looked up.
#pragma once

#include <functional>
#include <string>

#include "core/ldap_config.hpp"

namespace splitroute::directory {

using LinePrinter = std::function<void(const std::string& line)>;

struct CheckSummary {
  int servers = 0;   // URIs tried (static ones, and the targets of dns-srv entries)
  int answered = 0;  // of them, those that answered the search
};

// check_ldap_uris - print the steps of every URI.
CheckSummary check_ldap_uris(const core::LdapConfig& config, const std::string& password, const LinePrinter& print);

}  // namespace splitroute::directory
