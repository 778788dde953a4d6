// sendmail_syntax_test.cpp - connectors' next hops in Sendmail's mailertable
// syntax, the mailers they name, and the connectors Sendmail cannot follow
// exactly (smarthosts on several ports).
#include "core/sendmail_syntax.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core_rules_fixture.hpp"

namespace splitroute::core::sendmail {
namespace {

using core::testing::accepted;
using core::testing::array;
using core::testing::connector;
using core::testing::load_valid;
using core::testing::rules_text;

Ruleset connectors_rules() {
  return load_valid(rules_text(
      array({accepted("example.com", "authoritative")}),
      array({
          connector("two", {"two.example.net"}, R"(, "smarthosts": ["[192.0.2.10]", "[192.0.2.11]:25"])"),
          connector("port", {"port.example.net"}, R"(, "smarthosts": ["[192.0.2.12]:2525"])"),
          connector("named", {"named.example.net"}, R"(, "smarthosts": ["mx.example.net:587"])"),
          connector("v6", {"v6.example.net"}, R"(, "smarthosts": ["[IPv6:2001:db8::1]:2525"])"),
          connector("mixed", {"mixed.example.net"},
                    R"(, "smarthosts": ["[192.0.2.13]:2526", "[192.0.2.14]:2527", "[192.0.2.15]:2526"])"),
          connector("dns", {"dns.example.net"}),
          connector("off", {"off.example.net"}, R"(, "enabled": false, "smarthosts": ["[192.0.2.16]:2600"])"),
      })));
}

const Connector& named(const Ruleset& rules, std::string_view name) {
  for (const Connector& c : rules.send_connectors) {
    if (c.name == name) return c;
  }
  throw std::runtime_error("no connector " + std::string(name));
}

TEST(SendmailRoute, WritesSmarthostsInMailertableSyntaxWithTheMailerOfTheirPort) {
  Ruleset rules = connectors_rules();
  struct Row {
    std::string connector, route_domain, want;
  };
  const std::vector<Row> rows = {
      {"two", "two.example.net", "relay:[192.0.2.10]:[192.0.2.11]"},
      {"port", "port.example.net", "splitroute_2525:[192.0.2.12]"},
      {"named", "named.example.net", "splitroute_587:[mx.example.net]"},
      {"v6", "v6.example.net", "splitroute_2525:[IPv6:2001:db8::1]"},
      {"mixed", "mixed.example.net", "splitroute_2526:[192.0.2.13]:[192.0.2.15]"},
      {"dns", "dns.example.net", "esmtp:dns.example.net"},
      {"dns", "target.example.org", "esmtp:target.example.org"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.connector + " " + row.route_domain);
    EXPECT_EQ(route(named(rules, row.connector), row.route_domain), row.want);
  }
}

TEST(SendmailMailers, NamesOneMailerPerPortOtherThan25) {
  EXPECT_EQ(mailer_for_port(25), "relay");
  EXPECT_EQ(mailer_for_port(2525), "splitroute_2525");
  EXPECT_EQ(mailer_ports(connectors_rules()), (std::vector<std::uint16_t>{587, 2525, 2526}));
}

TEST(SendmailMailers, NamesTheEnabledConnectorsWithSmarthostsOnSeveralPorts) {
  EXPECT_EQ(mixed_ports(connectors_rules()), std::vector<std::string>{"mixed"});
}

}  // namespace
}  // namespace splitroute::core::sendmail
