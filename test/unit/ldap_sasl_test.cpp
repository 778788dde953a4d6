// ldap_sasl_test.cpp - the hints a refused bind gets.
#include "directory/ldap_sasl.hpp"

#include <gtest/gtest.h>

namespace splitroute::directory {
namespace {

TEST(BindHint, NamesTheKnownFixForWhatTheServerSaid) {
  core::LdapConfig simple;
  simple.bind_dn = "CN=milter,CN=Users,DC=example,DC=test";
  core::LdapConfig gssapi;
  gssapi.sasl_mechanism = core::LdapSasl::gssapi;
  struct Case {
    const char* name;
    const core::LdapConfig& config;
    const char* uri;
    int rc;
    const char* server_text;
    const char* want;  // "" = no hint
  };
  const Case cases[] = {
      {"AD: simple bind without TLS", simple, "ldap://dc1/", LDAP_STRONG_AUTH_REQUIRED,
       "BindSimple: Transport encryption required.", "use ldaps:// (or start_tls) with tls_ca_file"},
      {"AD: LDAP signing required", simple, "ldaps://dc1/", LDAP_STRONG_AUTH_REQUIRED,
       "00002028: LdapErr: DSID-0C090256, comment: The server requires binds to turn on integrity checking",
       "the server requires signing or sealing"},
      {"Samba: SASL inside TLS", gssapi, "ldaps://dc1/", LDAP_STRONG_AUTH_REQUIRED,
       "SASL:[GSSAPI]: Sign or Seal are required.", "allow_sasl_over_tls"},
      {"no service principal", gssapi, "ldap://10.0.0.1/", LDAP_LOCAL_ERROR,
       "SASL(-1): generic failure: GSSAPI Error: Server not found in Kerberos database",
       "name the DC by its DNS name"},
      {"no GSSAPI plugin", gssapi, "ldap://dc1/", LDAP_AUTH_UNKNOWN, "SASL(-4): no mechanism available: No worthy mechs found",
       "libsasl2-modules-gssapi-mit"},
      {"wrong password", simple, "ldaps://dc1/", LDAP_INVALID_CREDENTIALS, "80090308: LdapErr: DSID-0C09041C",
       "check bind_dn and the password"},
      {"nothing known", gssapi, "ldaps://dc1/", LDAP_INVALID_CREDENTIALS, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string hint = bind_hint(c.config, c.uri, c.rc, c.server_text);
    if (*c.want == '\0') {
      EXPECT_EQ(hint, "");
    } else {
      EXPECT_NE(hint.find(c.want), std::string::npos) << hint;
    }
  }
}

}  // namespace
}  // namespace splitroute::directory
