// ldap_sasl.cpp - simple, GSSAPI and EXTERNAL binds of one LDAP handle.
#include "directory/ldap_sasl.hpp"

#include <sasl/sasl.h>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "directory/krb5_credentials.hpp"

namespace splitroute::directory {

namespace {

// interact - answer every SASL prompt with its default (GSSAPI may ask for
// an authorization identity: none, the principal's own).
int interact(LDAP*, unsigned, void*, void* prompts) {
  for (auto* prompt = static_cast<sasl_interact_t*>(prompts); prompt->id != SASL_CB_LIST_END; ++prompt) {
    prompt->result = prompt->defresult != nullptr ? prompt->defresult : "";
    prompt->len = static_cast<unsigned>(std::char_traits<char>::length(static_cast<const char*>(prompt->result)));
  }
  return LDAP_SUCCESS;
}

// No security layer inside TLS: AD refuses one there ("Cannot bind using
// sign/seal on a connection on which TLS or SSL is in effect"; Samba: "Sign
// or Seal are not allowed if TLS is used"), and TLS protects the session.
constexpr const char* kNoLayer = "maxssf=0";

int sasl_options(LDAP* ld, const core::LdapConfig& config, bool tls) {
  int rc = ldap_set_option(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
  if (rc == LDAP_OPT_SUCCESS && tls) {
    rc = ldap_set_option(ld, LDAP_OPT_X_SASL_SECPROPS, kNoLayer);
    if (rc == LDAP_OPT_SUCCESS && config.sasl_mechanism == core::LdapSasl::gssapi) {
      const int binding = LDAP_OPT_X_SASL_CBINDING_TLS_ENDPOINT;
      rc = ldap_set_option(ld, LDAP_OPT_X_SASL_CBINDING, &binding);
    }
  }
  return rc;
}

int sasl_bind(LDAP* ld, const core::LdapConfig& config) {
  return ldap_sasl_interactive_bind_s(ld, nullptr, core::to_string(config.sasl_mechanism), nullptr, nullptr,
                                      LDAP_SASL_QUIET, interact, nullptr);
}

bool contains(std::string_view text, std::string_view part) {
  return core::ascii::lowercase(text).find(core::ascii::lowercase(part)) != std::string::npos;
}

}  // namespace

BindResult bind(LDAP* ld, const core::LdapConfig& config, const std::string& uri, const std::string& password) {
  BindResult result;
  const bool tls = core::uses_tls(config, uri);
  switch (config.sasl_mechanism) {
    case core::LdapSasl::none: {
      berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
      const char* dn = config.bind_dn.empty() ? nullptr : config.bind_dn.c_str();
      result.identity = config.bind_dn.empty() ? "anonymous" : config.bind_dn;
      result.rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
      return result;
    }
    case core::LdapSasl::external:
      result.identity = "the client certificate " + config.tls_cert_file;
      if ((result.rc = sasl_options(ld, config, tls)) == LDAP_OPT_SUCCESS) result.rc = sasl_bind(ld, config);
      return result;
    case core::LdapSasl::gssapi: {
      const auto credentials = Krb5Credentials::shared(config.krb5_keytab, config.krb5_principal);
      if ((result.rc = sasl_options(ld, config, tls)) != LDAP_OPT_SUCCESS) return result;
      if (!credentials->with_credentials([&] { result.rc = sasl_bind(ld, config); }, result.error)) {
        result.rc = LDAP_LOCAL_ERROR;
      }
      result.identity = credentials->principal();
      return result;
    }
  }
  return result;
}

std::string bind_hint(const core::LdapConfig& config, const std::string& uri, int rc, const std::string& server_text) {
  const bool tls = core::uses_tls(config, uri);
  if (contains(server_text, "Transport encryption required") || (rc == LDAP_STRONG_AUTH_REQUIRED && !tls)) {
    return "the server refuses this bind without TLS: use ldaps:// (or start_tls) with tls_ca_file, or "
           "\"sasl_mechanism\": \"GSSAPI\"";
  }
  if (contains(server_text, "Sign or Seal are required") && tls) {
    return "this DC refuses SASL inside TLS (Samba 4.17: set \"ldap server require strong auth = "
           "allow_sasl_over_tls\"), or use GSSAPI on ldap://, which Kerberos signs and seals";
  }
  if (contains(server_text, "integrity checking") || rc == LDAP_STRONG_AUTH_REQUIRED) {
    return "the server requires signing or sealing: use ldaps:// (or start_tls), or \"sasl_mechanism\": \"GSSAPI\"";
  }
  if (contains(server_text, "Server not found in Kerberos database")) {
    return "the DC has no service principal ldap/<the URI's host>: name the DC by its DNS name in the URI";
  }
  if (contains(server_text, "No worthy mechs")) {
    return "the Cyrus SASL plugin for this mechanism is not installed (libsasl2-modules-gssapi-mit)";
  }
  if (rc == LDAP_INVALID_CREDENTIALS && config.sasl_mechanism == core::LdapSasl::none) {
    return "check bind_dn and the password in bind_password_file (is the account enabled?)";
  }
  return {};
}

}  // namespace splitroute::directory
