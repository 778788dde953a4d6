// dns_srv.hpp - the "dns-srv:DOMAIN" and "dns-srv-gc:DOMAIN" forms of an
// LDAP `uris` item: the servers are the targets of DNS SRV records.
//
//   dns-srv:example.com      _ldap._tcp.example.com  (every domain controller)
//   dns-srv-gc:example.com   _gc._tcp.example.com    (Global Catalog servers)
//
// Pure: parse_dns_srv() only reads the text; milter/directory resolves it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace splitroute::core {

struct DnsSrvName {
  bool global_catalog = false;  // dns-srv-gc:
  std::string domain;           // normalised: lowercase, no trailing dot

  std::string record() const;  // "_ldap._tcp.example.com" or "_gc._tcp.example.com"
};

// is_dns_srv - does `uri` start with "dns-srv:" or "dns-srv-gc:" (any case)?
bool is_dns_srv(std::string_view uri);

// parse_dns_srv - the name in a dns-srv form; nullopt with `why` set when
// its domain is not a valid host name.  `uri` must be is_dns_srv().
std::optional<DnsSrvName> parse_dns_srv(std::string_view uri, std::string& why);

}  // namespace splitroute::core
