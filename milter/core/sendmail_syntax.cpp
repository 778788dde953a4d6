// sendmail_syntax.cpp - how Sendmail writes a connector's next hop.
#include "core/sendmail_syntax.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace splitroute::core::sendmail {
namespace {

bool shares_first_port(const Connector& connector) {
  return std::ranges::all_of(connector.smarthosts, [&](const Smarthost& smarthost) {
    return smarthost.port == connector.smarthosts.front().port;
  });
}

}  // namespace

std::string mailer_for_port(std::uint16_t port) {
  if (port == kSmtpPort) return std::string(kRelayMailer);
  return fmt::format("{}{}", kPortMailerPrefix, port);
}

std::string host(const Smarthost& smarthost) { return "[" + smarthost.host + "]"; }

std::string route(const Connector& connector, std::string_view route_domain) {
  if (connector.smarthosts.empty()) return fmt::format("{}:{}", kDnsMailer, route_domain);
  std::uint16_t port = connector.smarthosts.front().port;
  std::vector<std::string> hosts;
  for (const Smarthost& smarthost : connector.smarthosts) {
    if (smarthost.port == port) hosts.push_back(host(smarthost));
  }
  return fmt::format("{}:{}", mailer_for_port(port), fmt::join(hosts, ":"));
}

std::vector<std::uint16_t> mailer_ports(const Ruleset& rules) {
  std::vector<std::uint16_t> ports;
  for (const Connector& connector : rules.send_connectors) {
    if (!connector.enabled || connector.smarthosts.empty()) continue;
    std::uint16_t port = connector.smarthosts.front().port;
    if (port != kSmtpPort && std::ranges::count(ports, port) == 0) ports.push_back(port);
  }
  std::ranges::sort(ports);
  return ports;
}

std::vector<std::string> mixed_ports(const Ruleset& rules) {
  std::vector<std::string> names;
  for (const Connector& connector : rules.send_connectors) {
    if (connector.enabled && !shares_first_port(connector)) names.push_back(connector.name);
  }
  return names;
}

}  // namespace splitroute::core::sendmail
