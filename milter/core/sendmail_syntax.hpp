// sendmail_syntax.hpp - how Sendmail writes a connector's next hop.
//
// The daemon's socketmap answers Sendmail's mailHost (FEATURE(ldap_routing))
// and mailertable lookups in mailertable syntax, and `splitroute
// sendmail-config` defines the mailers those answers name; both take the
// names from here so they always agree.  Pure: no I/O.
//
// Sendmail has no port in a host name ("[h1]:[h2]" is a list of hosts to
// try in turn); the port belongs to the mailer ("A=TCP $h PORT").  So:
//   smarthosts on port 25        relay:[192.0.2.10]:[192.0.2.11]
//   smarthosts on port 2525      splitroute_2525:[192.0.2.10]
//   no smarthost (DNS, MX)       esmtp:route.domain
// One connector's smarthosts share one mailer, hence one port: the answer
// lists those on the first smarthost's port (mixed_ports() names the
// connectors that have others).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/rules.hpp"

namespace splitroute::core::sendmail {

inline constexpr std::uint16_t kSmtpPort = 25;
inline constexpr std::string_view kRelayMailer = "relay";  // MAILER(smtp)'s, port 25
inline constexpr std::string_view kDnsMailer = "esmtp";    // MAILER(smtp)'s, MX lookup
inline constexpr std::string_view kPortMailerPrefix = "splitroute_";

// mailer_for_port - "relay" for 25, else "splitroute_<port>".
std::string mailer_for_port(std::uint16_t port);

// host - a smarthost as Sendmail's $@ host: always in brackets, so no MX
// lookup ("[192.0.2.10]", "[IPv6:2001:db8::1]", "[mx.example.net]").
std::string host(const Smarthost& smarthost);

// route - where `connector` delivers, in mailertable syntax; `route_domain`
// is the domain chosen for DNS delivery when it has no smarthost.
std::string route(const Connector& connector, std::string_view route_domain);

// mailer_ports - the ports other than 25 that route() names mailers for,
// ascending, each once (enabled connectors only).
std::vector<std::uint16_t> mailer_ports(const Ruleset& rules);

// mixed_ports - the names of the enabled connectors whose smarthosts do not
// all share the first one's port (Sendmail skips the others).
std::vector<std::string> mixed_ports(const Ruleset& rules);

}  // namespace splitroute::core::sendmail
