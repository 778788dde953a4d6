// ldap_tls.hpp - TLS on one LDAP handle: trust, client certificate, and
// what went wrong.
//
// set_tls_options() sets tls_ca_file (with certificate checking demanded)
// and the client certificate on the handle itself, then makes the handle's
// own TLS context (LDAP_OPT_X_TLS_NEWCTX), so the rule file alone decides:
// ldap.conf, ~/.ldaprc, LDAPTLS_* and LDAPNOINIT make no difference.  With
// none of the fields set, libldap's defaults apply, as before.
//
// libldap reports a refused certificate as "Can't contact LDAP server",
// like an outage, and its diagnostic message is empty.  So after a failed
// TLS setup the caller connects once more with certificate checking relaxed
// (no bind, no request), takes the server's certificate and asks
// certificate_problem() why it was refused: not trusted, host name
// mismatch, expired; "handshake failed" when even that connection fails
// in TLS.
#pragma once

#include <string>

#include <ldap.h>

#include "core/ldap_config.hpp"

namespace splitroute::directory {

// set_tls_options - LDAP_OPT_SUCCESS, or the failing call's code with
// `what` naming the option.  `relaxed`: the certificate is taken even when
// it fails the checks (only to say why, see below).
int set_tls_options(LDAP* ld, const core::LdapConfig& config, std::string& what, bool relaxed = false);

// peer_certificate - the server's certificate (DER; "" without TLS).
std::string peer_certificate(LDAP* ld);

// peer_subject - the subject DN of the server's certificate ("" when the
// connection has no TLS or the certificate cannot be read).
std::string peer_subject(LDAP* ld);

// certificate_problem - why `der` (the server's certificate) is refused
// for `host`, trusting `ca_file` (the system's CAs when empty); "" when it
// would be accepted.
std::string certificate_problem(const std::string& der, const std::string& ca_file, const std::string& host);

}  // namespace splitroute::directory
