// server_source_test.cpp - the dns-srv forms of `uris`: their syntax in the
// rule file, and the servers they give (a scripted resolver, a fake clock).
#include "directory/server_source.hpp"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/dns_srv.hpp"
#include "core/ldap_config.hpp"
#include "core/rules_json.hpp"
#include "directory/ldap_pool.hpp"

namespace splitroute::directory {
namespace {

using std::chrono::seconds;

std::vector<core::Diagnostic> parse_uris(const nlohmann::ordered_json& uris) {
  const nlohmann::ordered_json directory = {{"type", "ldap"}, {"uris", uris}, {"base", "dc=example,dc=com"}};
  core::LdapConfig config;
  std::vector<core::Diagnostic> diagnostics;
  core::parse_ldap_config(directory, "/directory", "/etc/splitroute", config, diagnostics);
  return diagnostics;
}

TEST(DnsSrvUri, AcceptedInUrisWithAValidDomain) {
  const std::vector<const char*> good = {"dns-srv:example.com", "dns-srv-gc:example.com", "DNS-SRV:Example.COM.",
                                         "dns-srv:ad.corp.example.net"};
  for (const char* uri : good) {
    const auto diagnostics = parse_uris({uri, "ldap://fallback.example.com/"});
    EXPECT_TRUE(diagnostics.empty()) << uri << ": " << (diagnostics.empty() ? "" : diagnostics[0].message);
  }
}

TEST(DnsSrvUri, RefusedWithPointerAndValueWhenItsDomainIsBad) {
  struct Bad {
    const char* uri;
    const char* message;  // part of the message
  };
  const std::vector<Bad> cases = {
      {"dns-srv:", "\"dns-srv:\" is not a valid LDAP URI: it names no domain"},
      {"dns-srv-gc:", "it names no domain"},
      {"dns-srv:exa mple.com", "its domain is not valid"},
      {"dns-srv:-bad.example.com", "its domain is not valid"},
      {"dns:example.com", "or be dns-srv:DOMAIN or dns-srv-gc:DOMAIN"},
  };
  for (const Bad& c : cases) {
    const auto diagnostics = parse_uris({"ldap://a.example.com/", c.uri});
    ASSERT_EQ(diagnostics.size(), 1u) << c.uri;
    EXPECT_EQ(diagnostics[0].pointer, "/directory/uris/1") << c.uri;
    EXPECT_NE(diagnostics[0].message.find(c.message), std::string::npos) << diagnostics[0].message;
  }
}

TEST(DnsSrvUri, NamesTheLdapOrGlobalCatalogRecord) {
  std::string why;
  EXPECT_EQ(core::parse_dns_srv("dns-srv:Example.COM.", why)->record(), "_ldap._tcp.example.com");
  EXPECT_EQ(core::parse_dns_srv("dns-srv-gc:example.com", why)->record(), "_gc._tcp.example.com");
}

// Script - what the fake resolver answers, and which names it was asked.
struct Script {
  std::map<std::string, SrvAnswer> answers;  // missing: "no such name"
  std::vector<std::string> asked;
  std::chrono::steady_clock::time_point now{};

  ServerSource source(const std::vector<std::string>& uris) {
    return ServerSource(
        uris,
        [this](const std::string& name) {
          asked.push_back(name);
          const auto it = answers.find(name);
          return it == answers.end() ? SrvAnswer{{}, 0, name + ": no such name"} : it->second;
        },
        [this] { return now; });
  }
};

std::vector<std::string> uris_of(const std::vector<ServerEntry>& servers) {
  std::vector<std::string> uris;
  for (const auto& s : servers) uris.push_back(s.uri);
  return uris;
}

const SrvAnswer kTwoDcs{{{"dc2.example.com", 389, 10, 0}, {"dc1.example.com.", 389, 0, 100}}, 600, {}};

TEST(ServerSource, OrdersSrvTargetsByPriorityWithinTheirPlaceInUris) {
  Script dns;
  dns.answers["_ldap._tcp.example.com"] = kTwoDcs;
  dns.answers["_gc._tcp.example.com"] = {{{"gc1.example.com", 3268, 0, 0}}, 600, {}};
  ServerSource source = dns.source({"ldap://first.example.com/", "dns-srv:example.com", "dns-srv-gc:example.com"});
  EXPECT_EQ(uris_of(source.servers()), (std::vector<std::string>{"ldap://first.example.com/"}))
      << "dns-srv entries are resolved when first needed";
  ASSERT_TRUE(source.due());
  source.refresh();
  const auto servers = source.servers();
  EXPECT_EQ(uris_of(servers), (std::vector<std::string>{"ldap://first.example.com/", "ldap://dc1.example.com:389/",
                                                        "ldap://dc2.example.com:389/", "ldap://gc1.example.com:3268/"}));
  EXPECT_LT(servers[0].rank, servers[1].rank);
  EXPECT_LT(servers[1].rank, servers[2].rank) << "priority 0 before priority 10";
  EXPECT_LT(servers[2].rank, servers[3].rank) << "the next uris item after every target of this one";
  EXPECT_EQ(servers[1].weight, 100u);
  EXPECT_FALSE(source.due());
}

TEST(ServerSource, RefreshesOnTtlAndKeepsTheLastGoodListOnFailure) {
  struct Step {
    int after_s;
    bool answer_ok;          // the resolver answers (kTwoDcs) or fails
    bool due;                // due() before refresh()
    std::size_t servers;     // after refresh()
  };
  const std::vector<Step> steps = {
      {0, true, true, 2},      // first lookup
      {599, true, false, 2},   // TTL 600 s not passed
      {1, false, true, 2},     // TTL passed, lookup fails: the last good list stays
      {4, true, false, 2},     // retried only 5 s after a failure
      {1, true, true, 2},      // and then it is asked again
  };
  Script dns;
  ServerSource source = dns.source({"dns-srv:example.com"});
  int number = 0;
  for (const Step& step : steps) {
    ++number;
    dns.now += seconds(step.after_s);
    if (step.answer_ok) {
      dns.answers["_ldap._tcp.example.com"] = kTwoDcs;
    } else {
      dns.answers.erase("_ldap._tcp.example.com");
    }
    EXPECT_EQ(source.due(), step.due) << "step " << number;
    source.refresh();
    EXPECT_EQ(source.servers().size(), step.servers) << "step " << number;
  }
  EXPECT_EQ(dns.asked.size(), 3u);
}

TEST(ServerSource, NoServersWhenTheFirstLookupFailsAndTheProblemIsNamed) {
  Script dns;
  ServerSource source = dns.source({"dns-srv:nowhere.example"});
  source.refresh();
  EXPECT_TRUE(source.servers().empty());
  EXPECT_EQ(source.problems(), "dns-srv:nowhere.example: _ldap._tcp.nowhere.example: no such name");
  EXPECT_EQ(source.describe(),
            (std::vector<std::string>{"dns-srv:nowhere.example: _ldap._tcp.nowhere.example: no such name"}));
}

TEST(ServerSource, DropsTargetsThatAreNoHostNameOrHaveNoPort) {
  Script dns;
  dns.answers["_ldap._tcp.example.com"] = {
      {{"bad_name$.example.com", 389, 0, 0}, {"dc1.example.com", 0, 0, 0}, {"dc2.example.com", 636, 0, 0}}, 60, {}};
  ServerSource source = dns.source({"dns-srv:example.com"});
  source.refresh();
  EXPECT_EQ(uris_of(source.servers()), (std::vector<std::string>{"ldap://dc2.example.com:636/"}));
}

TEST(LdapPoolDnsSrv, LookupFailsNamingTheRecordOrTheTargetsTried) {
  struct Case {
    const char* label;
    std::vector<SrvTarget> targets;  // empty: the SRV lookup fails
    const char* detail;              // part of the error
  };
  const std::vector<Case> cases = {
      {"no SRV record", {}, "dns-srv:example.test: _ldap._tcp.example.test: no such name"},
      // port 1 on the loopback: nothing listens, the connection is refused at once
      {"a target that refuses", {{"localhost", 1, 0, 0}}, "ldap://localhost:1/: cannot connect"},
  };
  for (const Case& c : cases) {
    core::LdapConfig config;
    config.uris = {"dns-srv:example.test"};
    config.base = "dc=example,dc=test";
    config.timeout_ms = 1000;
    Script dns;
    if (!c.targets.empty()) dns.answers["_ldap._tcp.example.test"] = {c.targets, 60, {}};
    LdapPool pool(config, {}, {}, [&dns](const std::string& name) {
      dns.asked.push_back(name);
      const auto it = dns.answers.find(name);
      return it == dns.answers.end() ? SrvAnswer{{}, 0, name + ": no such name"} : it->second;
    });
    const LdapOutcome outcome = pool.run([&config](LdapConnection& connection) { return connection.search(config, "(mail=a)"); });
    EXPECT_EQ(outcome.result, core::Lookup::error) << c.label;
    EXPECT_NE(outcome.detail.find(c.detail), std::string::npos) << c.label << ": " << outcome.detail;
    EXPECT_EQ(dns.asked, (std::vector<std::string>{"_ldap._tcp.example.test"})) << c.label;
  }
}

}  // namespace
}  // namespace splitroute::directory
