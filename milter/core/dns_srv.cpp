// dns_srv.cpp - the "dns-srv:DOMAIN" and "dns-srv-gc:DOMAIN" forms of an LDAP URI.
#include "core/dns_srv.hpp"

#include "core/ascii.hpp"
#include "core/domain.hpp"

namespace splitroute::core {

namespace {

constexpr std::string_view kLdap = "dns-srv:";
constexpr std::string_view kGlobalCatalog = "dns-srv-gc:";

}  // namespace

std::string DnsSrvName::record() const { return (global_catalog ? "_gc._tcp." : "_ldap._tcp.") + domain; }

bool is_dns_srv(std::string_view uri) {
  return ascii::starts_with_ignoring_case(uri, kLdap) || ascii::starts_with_ignoring_case(uri, kGlobalCatalog);
}

std::optional<DnsSrvName> parse_dns_srv(std::string_view uri, std::string& why) {
  DnsSrvName name;
  name.global_catalog = ascii::starts_with_ignoring_case(uri, kGlobalCatalog);
  const std::string_view domain = uri.substr(name.global_catalog ? kGlobalCatalog.size() : kLdap.size());
  name.domain = normalize_domain(domain);
  if (name.domain.empty()) {
    why = "it names no domain (dns-srv:DOMAIN or dns-srv-gc:DOMAIN)";
    return std::nullopt;
  }
  if (const auto error = domain_syntax_error(name.domain)) {
    why = "its domain is not valid: " + *error;
    return std::nullopt;
  }
  return name;
}

}  // namespace splitroute::core
