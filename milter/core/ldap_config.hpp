// ldap_config.hpp - the "directory": {"type": "ldap", ...} section.
//
// Parsed by parse_ldap_config() from the rule file's JSON (called by
// load_rules() when the directory type is "ldap"); every problem becomes a
// Diagnostic naming the JSON pointer, as for the rest of the rule file.
//
// TLS trust (tls_ca_file), the client certificate (tls_cert_file,
// tls_key_file) and SASL binds (sasl_mechanism GSSAPI with krb5_keytab, or
// EXTERNAL with the client certificate) are checked here for their
// combinations; whether the files exist and are private is checked when the
// directory is opened (directory/ldap_files.hpp).
//
// SECURITY: the bind password is never part of the rule file.  A field named
// "bind_password" is refused; the password lives in bind_password_file, which
// is read when the directory is opened (never here: parsing is pure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace splitroute::core {

struct Diagnostic;

enum class LdapScope { base, one, sub };

// How the connection authenticates: a simple bind (bind_dn +
// bind_password_file, or anonymous), Kerberos, or the TLS client certificate.
enum class LdapSasl { none, gssapi, external };

// Limits enforced by parse_ldap_config().
inline constexpr unsigned kMaxLdapTimeoutMs = 600000;
inline constexpr unsigned kMaxLdapPoolSize = 256;
inline constexpr unsigned kMaxLdapCacheTtlS = 86400;
inline constexpr std::size_t kMaxLdapCacheEntries = 10000000;

struct LdapCacheConfig {
  unsigned positive_ttl_s = 300;  // 0..86400; 0: hits are not cached
  unsigned negative_ttl_s = 60;   // 0..86400; 0: misses are not cached
  std::size_t max_entries = 100000;  // 0..10000000; 0: no cache at all
};

struct LdapConfig {
  std::vector<std::string> uris;  // tried in order (failover)
  bool start_tls = false;
  std::string bind_dn;             // empty: anonymous bind
  std::string bind_password_file;  // absolute after loading; never the password itself
  std::string tls_ca_file;    // absolute after loading; empty: libldap's defaults
  std::string tls_cert_file;  // client certificate (PEM); with tls_key_file
  std::string tls_key_file;   // its private key; refused when group/world-readable
  LdapSasl sasl_mechanism = LdapSasl::none;
  std::string krb5_keytab;     // GSSAPI: required
  std::string krb5_principal;  // GSSAPI: empty = the keytab's first principal
  std::string base;            // "" = the root (Active Directory's Global Catalog)
  LdapScope scope = LdapScope::sub;
  std::string filter = "(mail=%s)";  // %s address, %u local part, %d domain
  std::string target_attribute;      // contacts: e.g. mailRoutingAddress, targetAddress
  unsigned timeout_ms = 5000;  // connect, bind and search, each; 1..600000
  unsigned pool_size = 8;      // connections kept open; 1..256
  LdapCacheConfig cache;
};

// parse_ldap_config - read `json` (the directory object, at JSON pointer
// `pointer`, "type" and "comment" included) into `out`; a relative
// bind_password_file is resolved against `base_dir`.  Appends errors to
// `diagnostics`; `out` is meaningful only when none were added.
void parse_ldap_config(const nlohmann::ordered_json& json, const std::string& pointer,
                       const std::string& base_dir, LdapConfig& out,
                       std::vector<Diagnostic>& diagnostics);

const char* to_string(LdapScope scope);  // "base", "one", "sub"
const char* to_string(LdapSasl mechanism);  // "simple", "GSSAPI", "EXTERNAL"

// uses_tls - is the connection to `uri` encrypted (ldaps://, or StartTLS)?
bool uses_tls(const LdapConfig& config, std::string_view uri);

}  // namespace splitroute::core
