// exchange_mapper_test.cpp - Exchange send connectors and accepted domains
// as rule-file entries: sizes, smart hosts, authentication, what is reported.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "exchange/mapper.hpp"

namespace splitroute::exchange {
namespace {

Json connector(Json properties) {
  properties["Name"] = "To Org2";
  if (!properties.contains("AddressSpaces")) properties["AddressSpaces"] = "SMTP:org2.example;1";
  Report report;
  Json out = map_send_connectors({Record{"c.json", "object 1", std::move(properties)}}, report);
  return out.empty() ? Json() : out[0];
}

TEST(MapSendConnector, ReadsMaxMessageSizeInEveryExportedForm) {
  struct Row {
    Json value;
    Json want;  // null = no limit
  };
  const std::vector<Row> rows = {
      {"35 MB (36,700,160 bytes)", 36700160u},
      {"Unlimited", nullptr},
      {"20MB", "20MB"},
      {10485760u, 10485760u},
      {{{"IsUnlimited", true}, {"Value", nullptr}}, nullptr},
      {{{"IsUnlimited", false}, {"Value", "10 MB (10,485,760 bytes)"}}, 10485760u},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.value.dump());
    Json entry = connector({{"MaxMessageSize", row.value}, {"DNSRoutingEnabled", true}});
    EXPECT_EQ(entry.contains("max_message_size") ? entry["max_message_size"] : Json(), row.want);
  }
  EXPECT_THROW(connector({{"MaxMessageSize", "lots"}}), ImportError);
}

TEST(MapSendConnector, BracketsIpSmartHostsAndAppendsThePort) {
  struct Row {
    Json hosts;
    Json port;
    Json want;
  };
  const std::vector<Row> rows = {
      {"192.168.0.52", nullptr, {"[192.168.0.52]"}},
      {Json::array({"[10.0.0.1]", "mail.example"}), 587, {"[10.0.0.1]:587", "mail.example:587"}},
      {"2001:db8::1", 25, {"[IPv6:2001:db8::1]"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.hosts.dump());
    Json entry = connector({{"SmartHosts", row.hosts}, {"Port", row.port}, {"DNSRoutingEnabled", false}});
    EXPECT_EQ(entry["smarthosts"], row.want);
  }
  Json dns = connector({{"SmartHosts", "10.0.0.1"}, {"DNSRoutingEnabled", true}});
  EXPECT_FALSE(dns.contains("smarthosts"));  // DNS routing wins, as in Exchange
  EXPECT_THROW(connector({{"DNSRoutingEnabled", false}}), ImportError);
}

TEST(MapSendConnector, MapsSmartHostAuthMechanism) {
  struct Row {
    Json mechanism;
    bool auth, tls;
  };
  const std::vector<Row> rows = {{"BasicAuth", true, false}, {4, true, true}, {"ExternalAuthoritative", false, false},
                                 {0, false, false},          {8, false, false}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.mechanism.dump());
    Json entry = connector({{"SmartHostAuthMechanism", row.mechanism}, {"SmartHosts", "10.0.0.1"}});
    EXPECT_EQ(entry.contains("auth"), row.auth);
    EXPECT_EQ(entry.value("require_tls", false), row.tls);
    EXPECT_EQ(entry.contains("transport"), row.auth || row.tls);
  }
}

TEST(MapSendConnector, ReportsWhatTheRuleFileCannotSay) {
  Report report;
  Json out = map_send_connectors({Record{"c.json", "object 1",
                                         {{"Name", "X400 only"},
                                          {"AddressSpaces", Json::array({"X400:c=US;a= ;p=Org;1"})},
                                          {"DNSRoutingEnabled", true}}},
                                  Record{"c.json", "object 2",
                                         {{"Name", "tls"},
                                          {"AddressSpaces", "contoso.com"},
                                          {"DNSRoutingEnabled", true},
                                          {"TlsAuthLevel", 4},
                                          {"Fqdn", "out.example"}}}},
                                 report);
  ASSERT_EQ(out.size(), 1u);
  std::string all;
  for (const std::string& line : report.lines) all += line + "\n";
  EXPECT_NE(all.find("object 1 (Name 'X400 only'): not expressible: AddressSpaces 'X400:c=US;a= ;p=Org;1'"),
            std::string::npos) << all;
  EXPECT_NE(all.find("object 2 (Name 'tls'): not expressible: TlsAuthLevel '4'"), std::string::npos) << all;
  EXPECT_NE(all.find("not expressible: Fqdn: no equivalent in the rule file"), std::string::npos) << all;
  EXPECT_EQ(out[0]["comment"], "Exchange send connector 'tls' (AddressSpaces contoso.com)");
}

TEST(MapAcceptedDomains, MapsDomainTypesAndSubdomains) {
  Report report;
  Json out = map_accepted_domains(
      {Record{"d.json", "object 1", {{"Name", "A"}, {"DomainName", "A.example"}, {"DomainType", 0}}},
       Record{"d.json", "object 2",
              {{"Name", "B"}, {"DomainName", "b.example"}, {"DomainType", "InternalRelay"}, {"MatchSubDomains", true}}},
       Record{"d.json", "object 3", {{"Name", "C"}, {"DomainName", "*.c.example"}, {"DomainType", 1}}}},
      report);
  std::vector<std::string> got;
  for (const Json& entry : out) got.push_back(entry["domain"].get<std::string>() + " " + entry["type"].get<std::string>());
  EXPECT_EQ(got, (std::vector<std::string>{"a.example authoritative", "b.example internal_relay",
                                           "*.b.example internal_relay", "*.c.example external_relay"}));
  EXPECT_EQ(out[0]["comment"], "Exchange accepted domain 'A' (DomainName a.example, DomainType Authoritative)");
}

TEST(ValidName, RenamesWhatTheRuleFileRefusesWithAWarning) {
  Report report;
  Record record{"c.json", "object 1", {{"Name", "x"}}};
  EXPECT_EQ(valid_name(record, "fine", report), "fine");
  EXPECT_EQ(valid_name(record, "tab\there", report), "tabhere");
  EXPECT_EQ(valid_name(record, std::string(70, 'n'), report), std::string(64, 'n'));
  EXPECT_EQ(report.warnings, 2u);
}

}  // namespace
}  // namespace splitroute::exchange
