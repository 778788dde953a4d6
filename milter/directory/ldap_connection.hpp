// ldap_connection.hpp - one bound connection to an LDAP server.
//
// LdapConnection::open() walks the configured URIs in order (failover):
// protocol version 3, connect and operation timeouts from timeout_ms,
// referrals not chased, the handle's own TLS settings (ldap_tls.hpp), TLS
// (ldaps:// or StartTLS), then the bind (ldap_sasl.hpp: simple, anonymous,
// GSSAPI or EXTERNAL).  A TLS failure is reported as one, a refused bind
// with the mechanism, the server's text and a hint.  search() runs one recipient filter with sizelimit 2 and
// asks only for the target attribute ("1.1", no attributes, without one).
//
//   0 entries                 miss
//   1 entry                   hit (target = the target attribute, if any)
//   2 entries / sizelimit     error: the address is ambiguous
//   any LDAP failure          error, naming the server and ldap_err2string
//
// A connection is used by one thread at a time (the pool sees to it).
//
// SECURITY: the password is handed to ldap_sasl_bind_s() and nowhere else;
// no error text contains it.  Values read from the server are made printable
// before they appear in an error text.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/ldap_config.hpp"
#include "core/router.hpp"
#include "directory/ldap_handle.hpp"

namespace splitroute::directory {

// What one LDAP operation gave.
struct LdapOutcome {
  core::Lookup result = core::Lookup::error;  // hit, miss or error
  std::string target;  // hit on a contact: the validated target address
  std::string detail;  // error: what went wrong, naming the server
  bool connection_lost = false;  // the connection must not be used again
};

// One step of opening a connection ("tls", "bind"), for `check --connect`.
struct LdapStep {
  const char* step;
  bool ok;
  std::string text;
};
using StepSink = std::function<void(const LdapStep&)>;

class LdapConnection {
 public:
  // open - a bound connection to the first URI that accepts us; null with
  // `error` set when none does.  `password` is empty for anonymous binds.
  static std::unique_ptr<LdapConnection> open(const core::LdapConfig& config, const std::string& password,
                                              std::string& error);

  // open_uri - a bound connection to `uri` only; each step is reported to
  // `steps` as it succeeds or fails.
  static std::unique_ptr<LdapConnection> open_uri(const core::LdapConfig& config, const std::string& uri,
                                                  const std::string& password, const StepSink& steps,
                                                  std::string& error);

  // probe_base - a base-scope search of `base` (does the server answer?).
  LdapOutcome probe_base(const core::LdapConfig& config);

  // search - look up one expanded filter (see the table above).
  LdapOutcome search(const core::LdapConfig& config, const std::string& filter);

  // open_server - a bound connection to `uri` alone (LdapPool walks the
  // servers itself, in ServerOrder's order); null with `error` set and
  // `server_problem` telling whether another server may do better.
  static std::unique_ptr<LdapConnection> open_server(const std::string& uri, const core::LdapConfig& config,
                                                     const std::string& password, std::string& error,
                                                     bool& server_problem);

  const std::string& uri() const { return uri_; }  // the server this connection is to

 private:
  LdapConnection(LdapPtr ld, std::string uri) : ld_(std::move(ld)), uri_(std::move(uri)) {}

  LdapOutcome failure(int rc, const char* what) const;
  LdapOutcome ambiguous(const std::string& filter) const;
  LdapOutcome entry_outcome(const core::LdapConfig& config, LDAPMessage* entry) const;

  LdapPtr ld_;
  std::string uri_;
};

// is_server_problem - does `rc` mean the server or the connection to it
// failed (worth a fresh connection or the next URI), as opposed to an
// answer about the request?
bool is_server_problem(int rc);

}  // namespace splitroute::directory
