// ldap_config.cpp - parse and validate the "directory": {"type": "ldap"} object.
//
// Read with the rule file's own field reader (json_fields.hpp), so wrong
// types, unknown fields, ranges and missing fields are reported exactly as
// everywhere else in the file; this file adds what is LDAP-specific: URI,
// DN, filter-template and attribute-name checks, and the combinations of
// fields.  Pure: no file is read here (the password file is read when the
// directory is opened).
//
// SECURITY: a "bind_password" field is refused and its value never quoted.
#include "core/ldap_config.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/ascii.hpp"
#include "core/dns_srv.hpp"
#include "core/json_fields.hpp"
#include "core/ldap_filter.hpp"
#include "core/rules_json.hpp"

namespace splitroute::core {

namespace {

using json_fields::Diagnostics;
using json_fields::JsonKind;
using json_fields::ObjectReader;
using json_fields::Presence;
using Validator = std::optional<std::string> (*)(std::string_view);

constexpr std::size_t kMaxDnLength = 1024;
constexpr std::size_t kMaxUriLength = 1024;
constexpr std::size_t kMaxAttributeLength = 128;

using ascii::is_alpha;
using ascii::is_digit;

bool is_keychar(char c) { return ascii::is_alnum(c) || c == '-'; }

// port_error - why `port` (the text after ':') is not 1..65535.
std::optional<std::string> port_error(std::string_view port) {
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit)) {
    return fmt::format("it has an invalid port \"{}\"", port);
  }
  const int value = std::stoi(std::string(port));
  if (value < 1 || value > 65535) return fmt::format("its port {} is outside 1..65535", value);
  return std::nullopt;
}

// hostport_error - why "host[:port]" or "[v6]:port" of an ldap(s) URI is bad.
std::optional<std::string> hostport_error(std::string_view hostport) {
  const bool bracketed = !hostport.empty() && hostport.front() == '[';
  std::string_view host = hostport;
  std::string_view port_part;
  if (bracketed) {
    const std::size_t close = hostport.find(']');
    if (close == std::string_view::npos) return std::string("it has an unclosed \"[\"");
    host = hostport.substr(1, close - 1);
    port_part = hostport.substr(close + 1);
    if (!port_part.empty() && port_part.front() != ':') return std::string("it has text after \"]\"");
  } else if (const std::size_t colon = hostport.find(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port_part = hostport.substr(colon);
  }
  if (!port_part.empty()) {
    if (auto why = port_error(port_part.substr(1))) return why;
  }
  const auto host_char = [bracketed](char c) {
    return is_keychar(c) || c == '.' || c == '_' || (bracketed && c == ':');
  };
  if (!std::all_of(host.begin(), host.end(), host_char)) return fmt::format("it has an invalid host \"{}\"", host);
  return std::nullopt;
}

// uri_error - why `uri` is not "ldap://host[:port][/]", "ldaps://..." or
// "ldapi://%2Fpath%2Fto%2Fsocket[/]".
std::optional<std::string> uri_error(std::string_view uri) {
  if (uri.size() > kMaxUriLength) return fmt::format("it is longer than {} bytes", kMaxUriLength);
  if (std::any_of(uri.begin(), uri.end(),
                  [](char c) { return c == ' ' || ascii::is_control(c) || ascii::is_non_ascii(c); })) {
    return std::string("it has a space, control or non-ASCII character (give each URI its own array item)");
  }
  constexpr std::array<std::string_view, 3> kSchemes{"ldap://", "ldaps://", "ldapi://"};
  const auto scheme = std::find_if(kSchemes.begin(), kSchemes.end(),
                                   [uri](std::string_view s) { return ascii::starts_with_ignoring_case(uri, s); });
  if (scheme == kSchemes.end()) {
    return std::string("it must start with ldap://, ldaps:// or ldapi://, or be dns-srv:DOMAIN or dns-srv-gc:DOMAIN");
  }
  std::string_view rest = uri.substr(scheme->size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?") != std::string_view::npos) {
    return std::string("it must not carry a DN, attributes or a filter (use base and filter)");
  }
  if (*scheme == "ldapi://") return std::nullopt;  // a %-encoded socket path
  return hostport_error(rest);
}

// attribute_error - why `name` is not an attribute description
// (RFC 4512: a keystring or numeric OID, then ";option"s).
std::optional<std::string> attribute_error(std::string_view name) {
  if (name.empty()) return std::string("it is empty (leave the field out when there are no contacts)");
  if (name.size() > kMaxAttributeLength) return fmt::format("it is longer than {} bytes", kMaxAttributeLength);
  const std::string_view type = name.substr(0, name.find(';'));
  const bool keystring = !type.empty() && is_alpha(type.front()) && std::all_of(type.begin(), type.end(), is_keychar);
  const bool oid = !type.empty() && is_digit(type.front()) && is_digit(type.back()) &&
                   type.find("..") == std::string_view::npos &&
                   std::all_of(type.begin(), type.end(), [](char c) { return is_digit(c) || c == '.'; });
  if ((!keystring && !oid) || type == "1.1") return std::string("it is not an attribute name");
  for (std::size_t at = type.size(); at < name.size();) {
    const std::size_t next = std::min(name.find(';', at + 1), name.size());
    const std::string_view option = name.substr(at + 1, next - at - 1);
    if (option.empty() || !std::all_of(option.begin(), option.end(), is_keychar)) {
      return std::string("it has an invalid attribute option");
    }
    at = next;
  }
  return std::nullopt;
}

// dn_error - the checks we can make on a DN without a DN parser.
std::optional<std::string> dn_error(std::string_view dn) {
  if (dn.empty()) return std::string("it must not be empty");
  if (dn.size() > kMaxDnLength) return fmt::format("it is longer than {} bytes", kMaxDnLength);
  if (std::any_of(dn.begin(), dn.end(), ascii::is_control)) {
    return std::string("it has a control character");
  }
  return std::nullopt;
}

std::optional<std::string> path_error(std::string_view path) { return dn_error(path); }

// base_error - a DN, or "" for the root (the Global Catalog's forest-wide base).
std::optional<std::string> base_error(std::string_view base) { return base.empty() ? std::nullopt : dn_error(base); }

// principal_error - "name[/instance]@REALM" or "name": no control or space.
std::optional<std::string> principal_error(std::string_view principal) {
  if (auto why = dn_error(principal)) return why;
  if (principal.find(' ') != std::string_view::npos) return std::string("it has a space");
  return std::nullopt;
}

// checked - a string field that `validator` accepts (reported otherwise).
std::optional<std::string> checked(ObjectReader& object, std::string_view name, std::string_view what,
                                   Validator validator, Presence presence = Presence::optional) {
  std::optional<std::string> text = object.string(name, presence);
  if (!text) return std::nullopt;
  if (const auto why = validator(*text)) {
    object.report_invalid(name, what, *why);
    return std::nullopt;
  }
  return text;
}

// resolve_path - `path` relative to `base_dir`, as the rule file's other paths.
std::string resolve_path(std::string_view base_dir, const std::string& path) {
  if (path.front() == '/' || base_dir.empty()) return path;
  std::string resolved(base_dir);
  if (resolved.back() != '/') resolved += '/';
  return resolved + path;
}

// uri_problem - why one URI cannot be used, given start_tls.
std::optional<std::string> uri_problem(std::string_view uri, bool start_tls) {
  if (is_dns_srv(uri)) {  // dns-srv:DOMAIN, dns-srv-gc:DOMAIN (dns_srv.hpp)
    std::string why;
    if (!parse_dns_srv(uri, why)) return why;
    return std::nullopt;
  }
  if (auto why = uri_error(uri)) return why;
  if (start_tls && ascii::starts_with_ignoring_case(uri, "ldaps://")) {
    return std::string("it is already TLS: start_tls cannot be used with ldaps://");
  }
  return std::nullopt;
}

void read_uris(ObjectReader& object, LdapConfig& out) {
  const nlohmann::ordered_json* uris = object.field("uris", JsonKind::array, Presence::required);
  if (uris == nullptr) return;
  if (uris->empty()) object.diagnostics().error(object.pointer("uris"), "it must list at least one URI");
  for (std::size_t i = 0; i < uris->size(); ++i) {
    const std::string pointer = json_fields::child_pointer(object.pointer("uris"), i);
    const nlohmann::ordered_json& uri = (*uris)[i];
    if (!json_fields::expect(uri, JsonKind::string, pointer, object.diagnostics())) continue;
    if (const auto why = uri_problem(uri.get<std::string>(), out.start_tls)) {
      object.diagnostics().error(pointer, json_fields::invalid_value(uri, "LDAP URI", *why));
      continue;
    }
    out.uris.push_back(uri.get<std::string>());
  }
}

// read_bind - bind_dn and bind_password_file go together; an inline
// bind_password is refused without quoting it.
void read_bind(ObjectReader& object, std::string_view base_dir, LdapConfig& out) {
  if (object.field("bind_password") != nullptr) {
    object.diagnostics().error(object.pointer("bind_password"),
                               "an inline password is not accepted: put the password in a file readable only "
                               "by splitroute and name that file in bind_password_file");
  }
  const bool has_dn = object.field("bind_dn") != nullptr;
  const bool has_file = object.field("bind_password_file") != nullptr;
  out.bind_dn = checked(object, "bind_dn", "bind DN", dn_error).value_or("");
  if (auto file = checked(object, "bind_password_file", "file name", path_error)) {
    out.bind_password_file = resolve_path(base_dir, *file);
  }
  if (has_file && !has_dn) {
    object.diagnostics().error(object.pointer("bind_password_file"), "bind_password_file needs bind_dn");
  }
  if (has_dn && !has_file && object.field("bind_password") == nullptr) {
    object.diagnostics().error(object.pointer("bind_dn"),
                               "bind_dn needs bind_password_file (leave both out for an anonymous bind)");
  }
}

// read_path - an optional file name, resolved against `base_dir`.
std::string read_path(ObjectReader& object, std::string_view name, std::string_view base_dir) {
  const auto file = checked(object, name, "file name", path_error);
  return file ? resolve_path(base_dir, *file) : std::string();
}

// read_tls - tls_ca_file, and the client certificate (both files or neither).
void read_tls(ObjectReader& object, std::string_view base_dir, LdapConfig& out) {
  out.tls_ca_file = read_path(object, "tls_ca_file", base_dir);
  out.tls_cert_file = read_path(object, "tls_cert_file", base_dir);
  out.tls_key_file = read_path(object, "tls_key_file", base_dir);
  const bool has_cert = object.field("tls_cert_file") != nullptr;
  const bool has_key = object.field("tls_key_file") != nullptr;
  if (has_cert && !has_key) {
    object.diagnostics().error(object.pointer("tls_cert_file"), "tls_cert_file needs tls_key_file (its private key)");
  }
  if (has_key && !has_cert) {
    object.diagnostics().error(object.pointer("tls_key_file"), "tls_key_file needs tls_cert_file (its certificate)");
  }
}

// read_sasl - sasl_mechanism and what each mechanism needs: GSSAPI a keytab,
// EXTERNAL a client certificate; neither goes with bind_dn.
void read_sasl(ObjectReader& object, std::string_view base_dir, LdapConfig& out) {
  out.sasl_mechanism = object
                           .choice<LdapSasl>("sasl_mechanism",
                                             {{"GSSAPI", LdapSasl::gssapi}, {"EXTERNAL", LdapSasl::external}})
                           .value_or(LdapSasl::none);
  out.krb5_keytab = read_path(object, "krb5_keytab", base_dir);
  out.krb5_principal = checked(object, "krb5_principal", "Kerberos principal", principal_error).value_or("");
  const bool gssapi = out.sasl_mechanism == LdapSasl::gssapi;
  auto& diagnostics = object.diagnostics();
  if (gssapi && object.field("krb5_keytab") == nullptr) {
    diagnostics.error(object.pointer("sasl_mechanism"),
                      "GSSAPI needs krb5_keytab (the keytab splitroute gets its Kerberos credentials from)");
  }
  for (const std::string_view name : {"krb5_keytab", "krb5_principal"}) {
    if (!gssapi && object.field(name) != nullptr) {
      diagnostics.error(object.pointer(name), fmt::format("{} is only used with \"sasl_mechanism\": \"GSSAPI\"", name));
    }
  }
  if (out.sasl_mechanism == LdapSasl::external && object.field("tls_cert_file") == nullptr) {
    diagnostics.error(object.pointer("sasl_mechanism"),
                      "EXTERNAL binds with the client certificate: set tls_cert_file and tls_key_file");
  }
  if (out.sasl_mechanism != LdapSasl::none && object.field("bind_dn") != nullptr) {
    diagnostics.error(object.pointer("bind_dn"),
                      fmt::format("bind_dn and bind_password_file are for simple binds, not {} (the identity comes "
                                  "from the {})",
                                  to_string(out.sasl_mechanism), gssapi ? "keytab" : "client certificate"));
  }
}

void read_cache(ObjectReader& parent, LdapCacheConfig& cache) {
  const nlohmann::ordered_json* value = parent.field("cache");
  if (value == nullptr) return;
  ObjectReader object(*value, parent.pointer("cache"), parent.diagnostics(),
                      {"positive_ttl_s", "negative_ttl_s", "max_entries"});
  cache.positive_ttl_s = static_cast<unsigned>(
      object.integer("positive_ttl_s", 0, kMaxLdapCacheTtlS).value_or(cache.positive_ttl_s));
  cache.negative_ttl_s = static_cast<unsigned>(
      object.integer("negative_ttl_s", 0, kMaxLdapCacheTtlS).value_or(cache.negative_ttl_s));
  cache.max_entries = static_cast<std::size_t>(
      object.integer("max_entries", 0, kMaxLdapCacheEntries).value_or(static_cast<std::int64_t>(cache.max_entries)));
}

}  // namespace

void parse_ldap_config(const nlohmann::ordered_json& json, const std::string& pointer, const std::string& base_dir,
                       LdapConfig& out, std::vector<Diagnostic>& diagnostics) {
  Diagnostics reporter(diagnostics);
  ObjectReader object(json, pointer, reporter,
                      {"type", "uris", "start_tls", "bind_dn", "bind_password", "bind_password_file", "base",
                       "scope", "filter", "target_attribute", "timeout_ms", "pool_size", "cache", "tls_ca_file",
                       "tls_cert_file", "tls_key_file", "sasl_mechanism", "krb5_keytab", "krb5_principal"});
  if (!object.is_object()) return;
  out.start_tls = object.boolean("start_tls").value_or(out.start_tls);
  read_uris(object, out);
  read_bind(object, base_dir, out);
  read_tls(object, base_dir, out);
  read_sasl(object, base_dir, out);
  out.base = checked(object, "base", "base DN", base_error, Presence::required).value_or("");
  out.scope = object
                  .choice<LdapScope>("scope", {{"base", LdapScope::base}, {"one", LdapScope::one},
                                               {"sub", LdapScope::sub}})
                  .value_or(out.scope);
  out.filter = checked(object, "filter", "LDAP filter", filter_template_error).value_or(out.filter);
  out.target_attribute = checked(object, "target_attribute", "attribute name", attribute_error).value_or("");
  out.timeout_ms = static_cast<unsigned>(object.integer("timeout_ms", 1, kMaxLdapTimeoutMs).value_or(out.timeout_ms));
  out.pool_size = static_cast<unsigned>(object.integer("pool_size", 1, kMaxLdapPoolSize).value_or(out.pool_size));
  read_cache(object, out.cache);
}

const char* to_string(LdapScope scope) {
  switch (scope) {
    case LdapScope::base: return "base";
    case LdapScope::one: return "one";
    case LdapScope::sub: return "sub";
  }
  return "sub";
}

const char* to_string(LdapSasl mechanism) {
  switch (mechanism) {
    case LdapSasl::none: return "simple";
    case LdapSasl::gssapi: return "GSSAPI";
    case LdapSasl::external: return "EXTERNAL";
  }
  return "simple";
}

bool uses_tls(const LdapConfig& config, std::string_view uri) {
  return config.start_tls || ascii::starts_with_ignoring_case(uri, "ldaps://");
}

}  // namespace splitroute::core
