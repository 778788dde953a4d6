// ldap_config_test.cpp - parsing and validating the "ldap" directory object.
#include "core/ldap_config.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/rules_json.hpp"

namespace splitroute::core {
namespace {

using json = nlohmann::ordered_json;  // the rule file's document type

struct Parsed {
  LdapConfig config;
  std::vector<Diagnostic> diagnostics;
};

Parsed parse(const json& directory) {
  Parsed out;
  parse_ldap_config(directory, "/directory", "/etc/splitroute", out.config, out.diagnostics);
  return out;
}

json minimal() {
  return {{"type", "ldap"}, {"uris", {"ldap://ldap.example.com/"}}, {"base", "dc=example,dc=com"}};
}

// with - `minimal()` plus (or with a replaced) `field`.
json with(const std::string& field, const json& value) {
  json directory = minimal();
  directory[field] = value;
  return directory;
}

// gssapi_with - a valid GSSAPI directory plus `field`.
json gssapi_with(const std::string& field, const json& value) {
  json directory = with("sasl_mechanism", "GSSAPI");
  directory["krb5_keytab"] = "splitroute.keytab";
  directory[field] = value;
  return directory;
}

json without(const std::string& field) {
  json directory = minimal();
  directory.erase(field);
  return directory;
}

std::string all_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.pointer + ": " + d.message + "\n";
  return out;
}

TEST(ParseLdapConfig, MinimalObjectGetsDefaults) {
  const Parsed p = parse(minimal());
  ASSERT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  EXPECT_EQ(p.config.uris, std::vector<std::string>{"ldap://ldap.example.com/"});
  EXPECT_EQ(p.config.base, "dc=example,dc=com");
  EXPECT_EQ(p.config.scope, LdapScope::sub);
  EXPECT_EQ(p.config.filter, "(mail=%s)");
  EXPECT_FALSE(p.config.start_tls);
  EXPECT_TRUE(p.config.bind_dn.empty());
  EXPECT_TRUE(p.config.target_attribute.empty());
  EXPECT_EQ(p.config.timeout_ms, 5000u);
  EXPECT_EQ(p.config.pool_size, 8u);
  EXPECT_EQ(p.config.cache.positive_ttl_s, 300u);
  EXPECT_EQ(p.config.cache.negative_ttl_s, 60u);
  EXPECT_EQ(p.config.cache.max_entries, 100000u);
}

TEST(ParseLdapConfig, FullObjectIsReadFieldByField) {
  const json directory = {
      {"type", "ldap"},
      {"comment", "the corporate directory"},
      {"uris", {"ldap://ldap1.example.com:389/", "ldap://ldap2.example.com/"}},
      {"start_tls", true},
      {"bind_dn", "cn=milter,dc=example,dc=com"},
      {"bind_password_file", "ldap.secret"},
      {"base", "ou=people,dc=example,dc=com"},
      {"scope", "one"},
      {"filter", "(|(mail=%s)(mailLocalAddress=%s))"},
      {"target_attribute", "mailRoutingAddress"},
      {"timeout_ms", 1500},
      {"pool_size", 16},
      {"cache", {{"comment", "short"}, {"positive_ttl_s", 10}, {"negative_ttl_s", 0}, {"max_entries", 500}}},
  };
  const Parsed p = parse(directory);
  ASSERT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  EXPECT_EQ(p.config.uris.size(), 2u);
  EXPECT_TRUE(p.config.start_tls);
  EXPECT_EQ(p.config.bind_dn, "cn=milter,dc=example,dc=com");
  EXPECT_EQ(p.config.bind_password_file, "/etc/splitroute/ldap.secret");
  EXPECT_EQ(p.config.base, "ou=people,dc=example,dc=com");
  EXPECT_EQ(p.config.scope, LdapScope::one);
  EXPECT_EQ(p.config.filter, "(|(mail=%s)(mailLocalAddress=%s))");
  EXPECT_EQ(p.config.target_attribute, "mailRoutingAddress");
  EXPECT_EQ(p.config.timeout_ms, 1500u);
  EXPECT_EQ(p.config.pool_size, 16u);
  EXPECT_EQ(p.config.cache.positive_ttl_s, 10u);
  EXPECT_EQ(p.config.cache.negative_ttl_s, 0u);
  EXPECT_EQ(p.config.cache.max_entries, 500u);
}

TEST(ParseLdapConfig, AbsolutePasswordFileIsKept) {
  json directory = with("bind_dn", "cn=milter,dc=example,dc=com");
  directory["bind_password_file"] = "/run/secrets/ldap";
  const Parsed p = parse(directory);
  ASSERT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  EXPECT_EQ(p.config.bind_password_file, "/run/secrets/ldap");
}

struct GoodField {
  const char* name;
  std::string field;
  json value;
};

TEST(ParseLdapConfig, AcceptsValuesAtTheLimits) {
  const std::vector<GoodField> cases = {
      {"ldaps", "uris", {"ldaps://ldap.example.com"}},
      {"ldapi", "uris", {"ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi"}},
      {"IPv6 literal", "uris", {"ldap://[::1]:389/"}},
      {"scheme case", "uris", {"LDAP://LDAP.EXAMPLE.COM/"}},
      {"default host", "uris", {"ldap:///"}},
      {"scope base", "scope", "base"},
      {"numeric OID attribute", "target_attribute", "2.16.840.1.113730.3.1.47"},
      {"attribute option", "target_attribute", "targetAddress;binary"},
      {"timeout 1", "timeout_ms", 1},
      {"timeout max", "timeout_ms", 600000},
      {"pool 1", "pool_size", 1},
      {"pool max", "pool_size", 256},
      {"cache off", "cache", {{"max_entries", 0}}},
      {"cache max", "cache", {{"positive_ttl_s", 86400}, {"negative_ttl_s", 86400}, {"max_entries", 10000000}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Parsed p = parse(with(c.field, c.value));
    EXPECT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  }
}

struct BadObject {
  const char* name;
  json directory;
  const char* pointer;
  const char* message;  // part of the message
};

TEST(ParseLdapConfig, ReportsEachProblemWithPointerAndValue) {
  json tls_ldaps = with("uris", {"ldaps://ldap.example.com/"});
  tls_ldaps["start_tls"] = true;
  const std::vector<BadObject> cases = {
      {"not an object", json::array(), "/directory", "expected an object"},
      {"no uris", without("uris"), "/directory/uris", "required field is missing"},
      {"no base", without("base"), "/directory/base", "required field is missing"},
      {"empty uris", with("uris", json::array()), "/directory/uris", "at least one URI"},
      {"uris not array", with("uris", "ldap://a/"), "/directory/uris", "expected an array, got \"ldap://a/\""},
      {"uri not string", with("uris", {1}), "/directory/uris/0", "expected a string, got 1"},
      {"http uri", with("uris", {"http://ldap/"}), "/directory/uris/0",
       "\"http://ldap/\" is not a valid LDAP URI: it must start with ldap://"},
      {"two uris in one", with("uris", {"ldap://a/ ldap://b/"}), "/directory/uris/0", "own array item"},
      {"port 0", with("uris", {"ldap://a:0/"}), "/directory/uris/0", "port 0 is outside 1..65535"},
      {"port too big", with("uris", {"ldap://a:65536/"}), "/directory/uris/0", "outside 1..65535"},
      {"port not numeric", with("uris", {"ldap://a:ldap/"}), "/directory/uris/0", "invalid port"},
      {"dn in uri", with("uris", {"ldap://a/dc=example,dc=com"}), "/directory/uris/0", "must not carry a DN"},
      {"bad host", with("uris", {"ldap://a_b$/"}), "/directory/uris/0", "invalid host"},
      {"start_tls not bool", with("start_tls", "yes"), "/directory/start_tls", "expected true or false"},
      {"start_tls with ldaps", tls_ldaps, "/directory/uris/0", "start_tls cannot be used with ldaps://"},
      {"password file without dn", with("bind_password_file", "s"), "/directory/bind_password_file",
       "needs bind_dn"},
      {"dn without password file", with("bind_dn", "cn=x"), "/directory/bind_dn", "needs bind_password_file"},
      {"base with control", with("base", "dc=a\ndc=b"), "/directory/base", "it has a control character"},
      {"certificate without key", with("tls_cert_file", "c.pem"), "/directory/tls_cert_file", "needs tls_key_file"},
      {"key without certificate", with("tls_key_file", "c.key"), "/directory/tls_key_file", "needs tls_cert_file"},
      {"GSSAPI without keytab", with("sasl_mechanism", "GSSAPI"), "/directory/sasl_mechanism",
       "GSSAPI needs krb5_keytab"},
      {"keytab without GSSAPI", with("krb5_keytab", "k.keytab"), "/directory/krb5_keytab",
       "only used with \"sasl_mechanism\": \"GSSAPI\""},
      {"principal without GSSAPI", with("krb5_principal", "a@B"), "/directory/krb5_principal", "only used with"},
      {"EXTERNAL without certificate", with("sasl_mechanism", "EXTERNAL"), "/directory/sasl_mechanism",
       "set tls_cert_file and tls_key_file"},
      {"unknown mechanism", with("sasl_mechanism", "NTLM"), "/directory/sasl_mechanism", "\"NTLM\""},
      {"principal with space", gssapi_with("krb5_principal", "a b@C"),
       "/directory/krb5_principal", "it has a space"},
      {"base not string", with("base", 5), "/directory/base", "expected a string, got 5"},
      {"bad scope", with("scope", "subtree"), "/directory/scope",
       "\"subtree\" is not one of \"base\", \"one\", \"sub\""},
      {"filter without placeholder", with("filter", "(mail=x)"), "/directory/filter",
       "\"(mail=x)\" is not a valid LDAP filter: it has no placeholder"},
      {"filter unknown placeholder", with("filter", "(mail=%a)"), "/directory/filter", "unknown placeholder"},
      {"filter unbalanced", with("filter", "(mail=%s"), "/directory/filter", "unbalanced parentheses"},
      {"empty target attribute", with("target_attribute", ""), "/directory/target_attribute", "it is empty"},
      {"bad target attribute", with("target_attribute", "mail routing"), "/directory/target_attribute",
       "is not an attribute name"},
      {"1.1 as target attribute", with("target_attribute", "1.1"), "/directory/target_attribute",
       "is not an attribute name"},
      {"timeout 0", with("timeout_ms", 0), "/directory/timeout_ms", "0 is outside 1..600000"},
      {"timeout too big", with("timeout_ms", 600001), "/directory/timeout_ms", "600001 is outside 1..600000"},
      {"timeout negative", with("timeout_ms", -5), "/directory/timeout_ms", "-5 is outside 1..600000"},
      {"timeout fraction", with("timeout_ms", 1.5), "/directory/timeout_ms", "expected an integer, got 1.5"},
      {"timeout string", with("timeout_ms", "100"), "/directory/timeout_ms", "expected an integer, got \"100\""},
      {"timeout bool", with("timeout_ms", true), "/directory/timeout_ms", "expected an integer, got true"},
      {"pool 0", with("pool_size", 0), "/directory/pool_size", "0 is outside 1..256"},
      {"pool too big", with("pool_size", 257), "/directory/pool_size", "257 is outside 1..256"},
      {"cache not object", with("cache", 5), "/directory/cache", "expected an object"},
      {"positive ttl too big", with("cache", {{"positive_ttl_s", 86401}}), "/directory/cache/positive_ttl_s",
       "86401 is outside 0..86400"},
      {"negative ttl too big", with("cache", {{"negative_ttl_s", 86401}}), "/directory/cache/negative_ttl_s",
       "86401 is outside 0..86400"},
      {"too many entries", with("cache", {{"max_entries", 10000001}}), "/directory/cache/max_entries",
       "10000001 is outside 0..10000000"},
      {"unknown cache field", with("cache", {{"ttl", 5}}), "/directory/cache/ttl", "unknown field"},
      {"unknown field", with("uri", "ldap://a/"), "/directory/uri", "unknown field"},
      {"pointer escaping", with("a/b~c", 1), "/directory/a~1b~0c", "unknown field"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Parsed p = parse(c.directory);
    ASSERT_EQ(p.diagnostics.size(), 1u) << all_messages(p.diagnostics);
    EXPECT_EQ(p.diagnostics[0].severity, Severity::error);
    EXPECT_EQ(p.diagnostics[0].pointer, c.pointer);
    EXPECT_NE(p.diagnostics[0].message.find(c.message), std::string::npos)
        << "got:  " << p.diagnostics[0].message << "\nwant: " << c.message;
  }
}

TEST(ParseLdapConfig, InlinePasswordIsRefusedWithoutQuotingIt) {
  json directory = with("bind_dn", "cn=milter,dc=example,dc=com");
  directory["bind_password"] = "Tr0ub4dor&3";
  const Parsed p = parse(directory);
  ASSERT_EQ(p.diagnostics.size(), 1u) << all_messages(p.diagnostics);
  EXPECT_EQ(p.diagnostics[0].pointer, "/directory/bind_password");
  EXPECT_NE(p.diagnostics[0].message.find("bind_password_file"), std::string::npos);
  EXPECT_EQ(all_messages(p.diagnostics).find("Tr0ub4dor"), std::string::npos);
}

TEST(ParseLdapConfig, ReportsEveryProblemNotJustTheFirst) {
  json directory = with("timeout_ms", 0);
  directory["pool_size"] = 0;
  directory["scope"] = "all";
  directory.erase("base");
  EXPECT_EQ(parse(directory).diagnostics.size(), 4u);
}

TEST(LdapScopeToString, NamesEachScope) {
  EXPECT_STREQ(to_string(LdapScope::base), "base");
  EXPECT_STREQ(to_string(LdapScope::one), "one");
  EXPECT_STREQ(to_string(LdapScope::sub), "sub");
}

TEST(ParseLdapConfig, ActiveDirectoryFieldsAreReadAndPathsResolved) {
  json directory = gssapi_with("krb5_principal", "milter@EXAMPLE.TEST");
  directory["base"] = "";
  directory["tls_ca_file"] = "ca.pem";
  directory["uris"] = {"ldaps://dc1.example.test:3269"};
  const Parsed p = parse(directory);
  ASSERT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  EXPECT_EQ(p.config.base, "");
  EXPECT_EQ(p.config.sasl_mechanism, LdapSasl::gssapi);
  EXPECT_EQ(p.config.krb5_keytab, "/etc/splitroute/splitroute.keytab");
  EXPECT_EQ(p.config.krb5_principal, "milter@EXAMPLE.TEST");
  EXPECT_EQ(p.config.tls_ca_file, "/etc/splitroute/ca.pem");
}

TEST(ParseLdapConfig, SaslMechanismRefusesASimpleBindIdentity) {
  json directory = gssapi_with("bind_dn", "cn=milter,dc=example,dc=com");
  directory["bind_password_file"] = "ldap.secret";
  const Parsed p = parse(directory);
  ASSERT_FALSE(p.diagnostics.empty());
  EXPECT_EQ(p.diagnostics[0].pointer, "/directory/bind_dn");
  EXPECT_NE(p.diagnostics[0].message.find("not GSSAPI"), std::string::npos) << p.diagnostics[0].message;
}

TEST(ParseLdapConfig, ExternalWithClientCertificateIsAccepted) {
  json directory = with("sasl_mechanism", "EXTERNAL");
  directory["tls_cert_file"] = "/etc/splitroute/client.pem";
  directory["tls_key_file"] = "client.key";
  const Parsed p = parse(directory);
  ASSERT_TRUE(p.diagnostics.empty()) << all_messages(p.diagnostics);
  EXPECT_EQ(p.config.sasl_mechanism, LdapSasl::external);
  EXPECT_EQ(p.config.tls_cert_file, "/etc/splitroute/client.pem");
  EXPECT_EQ(p.config.tls_key_file, "/etc/splitroute/client.key");
}

}  // namespace
}  // namespace splitroute::core
