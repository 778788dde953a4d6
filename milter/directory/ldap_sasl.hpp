// ldap_sasl.hpp - the bind of one LDAP handle: simple, GSSAPI or EXTERNAL.
//
// Simple: bind_dn + password (anonymous without bind_dn).  GSSAPI: Kerberos
// with the daemon's own credentials from krb5_keytab (krb5_credentials.hpp);
// the service principal is ldap/<the URI's host> as written (no reverse-DNS
// canonicalisation, so use the DC's name, not its address); over TLS no SASL
// security layer is negotiated (AD refuses sign/seal inside TLS) and the
// channel binding tls-endpoint is sent (DCs that enforce channel binding
// require it).  EXTERNAL: the TLS client certificate is the identity.
//
// bind_problem() explains a refused bind: the mechanism, the server's text
// and, when the fix is known, a hint (AD's "Transport encryption required":
// use ldaps:// or StartTLS; "integrity checking" / strong authentication:
// use TLS or GSSAPI).
//
// SECURITY: the password goes to ldap_sasl_bind_s() and nowhere else.
#pragma once

#include <string>

#include <ldap.h>

#include "core/ldap_config.hpp"

namespace splitroute::directory {

struct BindResult {
  int rc = LDAP_SUCCESS;
  std::string identity;  // who we bound as: the DN, the Kerberos principal, "the client certificate"
  std::string error;     // a client-side failure before the bind (Kerberos), when rc says LOCAL_ERROR
};

// bind - authenticate `ld` (connected to `uri`) as `config` says.
BindResult bind(LDAP* ld, const core::LdapConfig& config, const std::string& uri, const std::string& password);

// bind_hint - the known fix for a refused bind ("" when none), from the
// server's text in `server_text` and the code `rc`.
std::string bind_hint(const core::LdapConfig& config, const std::string& uri, int rc, const std::string& server_text);

}  // namespace splitroute::directory
