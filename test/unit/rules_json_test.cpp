// rules_json_test.cpp - loading rule files: values, errors, warnings, sizes.
#include "core/rules_json.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/route_index.hpp"
#include "core_rules_fixture.hpp"

namespace splitroute::core {
namespace {

using testing::accepted;
using testing::all_diagnostics;
using testing::array;
using testing::connector;
using testing::diagnostics_of;
using testing::kBaseDir;
using testing::load_valid;
using testing::rules_text;

// find_at - the first diagnostic of `severity` at `pointer`, if any.
std::optional<Diagnostic> find_at(const LoadResult& result, std::string_view pointer,
                                  Severity severity = Severity::error) {
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.pointer == pointer && diagnostic.severity == severity) return diagnostic;
  }
  return std::nullopt;
}

// ErrorRow - a rule file with one mistake, where it is and what is said.
struct ErrorRow {
  std::string name, text, pointer, want;  // want: part of the message (with the quoted value)
};

void expect_errors(const std::vector<ErrorRow>& rows) {
  for (const ErrorRow& row : rows) {
    SCOPED_TRACE(row.name);
    LoadResult result = load_rules(row.text, kBaseDir);
    EXPECT_FALSE(result.ok());
    std::optional<Diagnostic> error = find_at(result, row.pointer);
    ASSERT_TRUE(error.has_value()) << "no error at " << row.pointer << "; got:\n"
                                   << all_diagnostics(result);
    EXPECT_NE(error->message.find(row.want), std::string::npos)
        << "got \"" << error->message << "\", want \"" << row.want << "\"";
  }
}

// with_connector / with_accepted - a valid file plus one connector or accepted domain.
std::string with_connector(const std::string& connector_json) {
  return rules_text("[]", array({connector_json}));
}

std::string with_accepted(const std::string& accepted_json,
                          const std::string& connector_json =
                              connector("any", {"*"}, R"(, "smarthosts": ["relay.example"])")) {
  return rules_text(array({accepted_json}), array({connector_json}));
}

std::string with_top(std::string_view extra) { return rules_text("[]", "[]", extra); }

TEST(LoadRules, ReadsEveryField) {
  Ruleset rules = load_valid(R"({
    "comment": "every field",
    "version": 1,
    "organization": "example-org",
    "mode": "observe",
    "recipient_delimiter": "+-",
    "socket_mode": "0660",
    "local_transport": "lmtp:unix:private/dovecot-lmtp",
    "loop": {"max_hops": 40, "action": "quarantine", "comment": "c"},
    "directory": {"type": "file", "path": "recipients.txt", "comment": "c"},
    "accepted_domains": [
      {"domain": "Example.COM.", "type": "authoritative", "name": "HQ", "comment": "c"},
      {"domain": "*.shared.example.com", "type": "internal_relay"}
    ],
    "send_connectors": [
      {"name": "partner", "comment": "c",
       "address_spaces": [{"domain": "*.shared.example.com", "cost": 3, "comment": "c"}],
       "smarthosts": ["mx.partner.example", "[192.0.2.1]:2525", "[ipv6:2001:db8::1]"],
       "max_message_size": "512 KB", "rewrite_domain": "a.shared.example.com", "hook": "header",
       "transport": "partner-tls", "require_tls": true,
       "auth": {"password_file": "partner.sasl", "comment": "c"}},
      {"name": "off", "enabled": false, "address_spaces": [{"domain": "*"}],
       "max_message_size": 1000}
    ]
  })");
  EXPECT_EQ(rules.version, 1);
  EXPECT_EQ(rules.organization, "example-org");
  EXPECT_EQ(rules.mode, Mode::observe);
  EXPECT_EQ(rules.recipient_delimiter, "+-");
  EXPECT_EQ(rules.socket_mode, 0660u);
  EXPECT_EQ(rules.local_transport, "lmtp:unix:private/dovecot-lmtp");
  EXPECT_EQ(rules.loop.max_hops, 40);
  EXPECT_EQ(rules.loop.action, LoopAction::quarantine);
  EXPECT_EQ(rules.directory.type, "file");
  EXPECT_EQ(rules.directory.file.path, "/etc/splitroute/recipients.txt");
  ASSERT_EQ(rules.accepted_domains.size(), 2u);
  EXPECT_EQ(rules.accepted_domains[0].pattern.text(), "example.com");
  EXPECT_EQ(rules.accepted_domains[0].name, "HQ");
  EXPECT_EQ(rules.accepted_domains[1].type, DomainType::internal_relay);
  EXPECT_EQ(rules.accepted_domains[1].name, "*.shared.example.com");
  ASSERT_EQ(rules.send_connectors.size(), 2u);
  const Connector& partner = rules.send_connectors[0];
  EXPECT_TRUE(partner.enabled);
  EXPECT_EQ(partner.address_spaces[0].cost, 3);
  ASSERT_EQ(partner.smarthosts.size(), 3u);
  EXPECT_EQ(partner.smarthosts[0].nexthop(), "[mx.partner.example]:25");
  EXPECT_FALSE(partner.smarthosts[0].literal);
  EXPECT_EQ(partner.smarthosts[1].nexthop(), "[192.0.2.1]:2525");
  EXPECT_TRUE(partner.smarthosts[1].literal);
  EXPECT_EQ(partner.smarthosts[2].host, "IPv6:2001:db8::1");
  EXPECT_EQ(partner.max_message_size, 512u * 1024);
  EXPECT_EQ(partner.rewrite_domain, "a.shared.example.com");
  EXPECT_EQ(partner.hook, Hook::header);
  EXPECT_EQ(partner.transport, "partner-tls");
  EXPECT_TRUE(partner.require_tls);
  ASSERT_TRUE(partner.auth.has_value());
  EXPECT_EQ(partner.auth->password_file, "/etc/splitroute/partner.sasl");
  EXPECT_FALSE(rules.send_connectors[1].enabled);
  EXPECT_EQ(rules.send_connectors[1].max_message_size, 1000u);
  EXPECT_NE(rules.index, nullptr);
}

TEST(LoadRules, AppliesDefaults) {
  Ruleset rules = load_valid(R"({"version": 1})");
  EXPECT_EQ(rules.organization, "");
  EXPECT_EQ(rules.mode, Mode::enforce);
  EXPECT_EQ(rules.recipient_delimiter, "");
  EXPECT_FALSE(rules.socket_mode.has_value());
  EXPECT_EQ(rules.local_transport, "");
  EXPECT_EQ(rules.loop.max_hops, 30);
  EXPECT_EQ(rules.loop.action, LoopAction::reject);
  EXPECT_EQ(rules.directory.type, "");
  Ruleset one = load_valid(with_connector(connector("c", {"*"})));
  EXPECT_TRUE(one.send_connectors[0].enabled);
  EXPECT_EQ(one.send_connectors[0].address_spaces[0].cost, 1);
  EXPECT_TRUE(one.send_connectors[0].smarthosts.empty());
  EXPECT_FALSE(one.send_connectors[0].max_message_size.has_value());
  EXPECT_EQ(one.send_connectors[0].hook, Hook::none);
  EXPECT_EQ(one.send_connectors[0].transport, "smtp");
  EXPECT_FALSE(one.send_connectors[0].require_tls);
  EXPECT_FALSE(one.send_connectors[0].auth.has_value());
}

TEST(LoadRules, ResolvesARelativeDirectoryPathAgainstTheRuleFileFolder) {
  struct Row {
    std::string base_dir, path, want;
  };
  const std::vector<Row> rows = {
      {"/etc/splitroute", "recipients.txt", "/etc/splitroute/recipients.txt"},
      {"/etc/splitroute/", "recipients.txt", "/etc/splitroute/recipients.txt"},
      {"/etc/splitroute", "lists/r.txt", "/etc/splitroute/lists/r.txt"},
      {"/etc/splitroute", "/var/lib/r.txt", "/var/lib/r.txt"},
      {"rules", "r.txt", "rules/r.txt"},
      {"", "r.txt", "r.txt"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.base_dir + " + " + row.path);
    std::string text =
        R"({"version": 1, "directory": {"type": "file", "path": ")" + row.path + R"("}})";
    LoadResult result = load_rules(text, row.base_dir);
    ASSERT_TRUE(result.ok()) << all_diagnostics(result);
    EXPECT_EQ(result.rules->directory.file.path, row.want);
  }
}

TEST(LoadRules, HandsAnLdapDirectoryToItsOwnParser) {
  LoadResult result = load_rules(R"({"version": 1, "directory": {"type": "ldap",
      "uris": ["ldap://ldap.example.com/"], "base": "dc=example,dc=com"}})",
                                 kBaseDir);
  ASSERT_TRUE(result.ok()) << all_diagnostics(result);
  EXPECT_EQ(result.rules->directory.type, "ldap");
  EXPECT_EQ(result.rules->directory.ldap.base, "dc=example,dc=com");

  LoadResult bad = load_rules(R"({"version": 1, "directory": {"type": "ldap",
      "uris": ["ldap://ldap.example.com/"], "base": "dc=example,dc=com", "colour": 1}})",
                              kBaseDir);
  EXPECT_TRUE(find_at(bad, "/directory/colour").has_value()) << all_diagnostics(bad);
}

TEST(LoadRules, ReportsMalformedJsonWithLineAndColumn) {
  struct Row {
    std::string name, text, want_start, want_part;
  };
  const std::vector<Row> rows = {
      {"missing colon", "{\n  \"version\": 1,\n  \"mode\" \"observe\"\n}",
       "error: line 3, column 18: ", "expected ':'"},
      {"trailing comma", "{\"version\": 1,}",
       "error: line 1, column 15: ", "expected string literal"},
      {"empty text", "", "error: line 1, column 1: ", "unexpected end of input"},
      {"text after the document", "{\"version\": 1}\n\n x",
       "error: line 3, column 2: ", "expected end of input"},
      {"invalid UTF-8", "{\"version\": 1, \"organization\": \"\xff\"}",
       "error: line 1, column 33: ", "ill-formed UTF-8 byte; last read: '\"?'"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    LoadResult result = load_rules(row.text, kBaseDir);
    ASSERT_EQ(result.diagnostics.size(), 1u) << all_diagnostics(result);
    std::string text = result.diagnostics[0].text();
    EXPECT_TRUE(text.starts_with(row.want_start)) << "got \"" << text << "\"";
    EXPECT_NE(text.find(row.want_part), std::string::npos) << "got \"" << text << "\"";
    EXPECT_EQ(text.find("json.exception"), std::string::npos) << "got \"" << text << "\"";
  }
}

TEST(LoadRules, ReportsNumberOverflowWithoutLibraryJargon) {
  LoadResult result = load_rules(R"({"version": 1e400})", kBaseDir);
  ASSERT_EQ(result.diagnostics.size(), 1u) << all_diagnostics(result);
  EXPECT_EQ(result.diagnostics[0].text(), "error: number overflow parsing '1e400'");
}

TEST(LoadRules, RejectsDuplicateKeysNamingThem) {
  expect_errors({
      {"top level", R"({"version": 1, "mode": "enforce", "mode": "observe"})", "/mode",
       "duplicate key \"mode\""},
      {"in an array item",
       R"({"version": 1, "send_connectors": [{"name": "a", "address_spaces": [{"domain": "*"}]},
           {"name": "b", "name": "c", "address_spaces": [{"domain": "*"}]}]})",
       "/send_connectors/1/name", "duplicate key \"name\""},
      {"nested array", R"({"version": 1, "send_connectors": [{"name": "a",
           "address_spaces": [[], {"domain": "*", "cost": 1, "cost": 2}]}]})",
       "/send_connectors/0/address_spaces/1/cost", "duplicate key \"cost\""},
      {"escaped pointer", R"({"version": 1, "a/b~": 1, "a/b~": 2})", "/a~1b~0",
       "duplicate key \"a/b~\""},
  });
}

TEST(LoadRules, RejectsUnknownFieldsAnywhere) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {with_top(R"("colour": "blue",)"), "/colour"},
      {with_top(R"("loop": {"max_hop": 3},)"), "/loop/max_hop"},
      {R"({"version": 1, "directory": {"type": "file", "path": "r", "paths": "r"}})",
       "/directory/paths"},
      {rules_text(R"([{"domain": "example.com", "type": "authoritative", "domian": 1}])", "[]"),
       "/accepted_domains/0/domian"},
      {with_connector(connector("c", {"*"}, R"(, "smarthost": "relay.example")")),
       "/send_connectors/0/smarthost"},
      {rules_text("[]", R"([{"name": "c", "address_spaces": [{"domain": "*", "weight": 1}]}])"),
       "/send_connectors/0/address_spaces/0/weight"},
      {with_top(R"("a/b": 1,)"), "/a~1b"},
  };
  for (const auto& [text, pointer] : rows) {
    SCOPED_TRACE(pointer);
    LoadResult result = load_rules(text, kBaseDir);
    std::optional<Diagnostic> error = find_at(result, pointer);
    ASSERT_TRUE(error.has_value()) << all_diagnostics(result);
    EXPECT_EQ(error->text(), "error: " + pointer + ": unknown field");
  }
}

TEST(LoadRules, RejectsWrongTypesQuotingTheValue) {
  expect_errors({
      {"string for integer", with_top(R"("loop": {"max_hops": "30"},)"), "/loop/max_hops",
       "expected an integer, got \"30\""},
      {"float for integer",
       rules_text("[]", R"([{"name": "c", "address_spaces": [{"domain": "*", "cost": 1.5}]}])"),
       "/send_connectors/0/address_spaces/0/cost", "expected an integer, got 1.5"},
      {"string version", R"({"version": "1"})", "/version", "expected an integer, got \"1\""},
      {"integer for string", with_top(R"("mode": 1,)"), "/mode", "expected a string, got 1"},
      {"string for boolean", with_connector(connector("c", {"*"}, R"(, "enabled": "yes")")),
       "/send_connectors/0/enabled", "expected true or false, got \"yes\""},
      {"object for array", R"({"version": 1, "accepted_domains": {}})", "/accepted_domains",
       "expected an array, got {}"},
      {"array for object", R"({"version": 1, "loop": [30]})", "/loop",
       "expected an object, got [30]"},
      {"number in smarthosts", with_connector(connector("c", {"*"}, R"(, "smarthosts": [25])")),
       "/send_connectors/0/smarthosts/0", "expected a string, got 25"},
      {"boolean size", with_connector(connector("c", {"*"}, R"(, "max_message_size": true)")),
       "/send_connectors/0/max_message_size",
       "expected a size (\"20MB\") or a number of bytes, got true"},
      {"comment not a string", R"({"version": 1, "comment": 5})", "/comment",
       "expected a string, got 5"},
      {"item not an object", rules_text(R"(["example.com"])", "[]"), "/accepted_domains/0",
       "expected an object, got \"example.com\""},
  });
  LoadResult result = load_rules("[1, 2]", kBaseDir);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].text(), "error: expected an object, got [1,2]");
}

TEST(LoadRules, RejectsBadTopLevelValues) {
  expect_errors({
      {"missing version", R"({})", "/version", "required field is missing"},
      {"version 2", R"({"version": 2})", "/version", "2 is not a supported format version"},
      {"organization", with_top(R"("organization": "-bad org",)"), "/organization",
       "\"-bad org\" is not a valid organization"},
      {"organization too long", with_top(R"("organization": ")" + std::string(65, 'o') + "\","),
       "/organization", "is not a valid organization"},
      {"mode", with_top(R"("mode": "loud",)"), "/mode",
       "\"loud\" is not one of \"enforce\", \"observe\""},
      {"delimiter letter", with_top(R"("recipient_delimiter": "+a",)"), "/recipient_delimiter",
       "\"+a\" is not a valid recipient_delimiter: 'a' cannot be a delimiter"},
      {"delimiter @", with_top(R"("recipient_delimiter": "@",)"), "/recipient_delimiter",
       "'@' cannot be a delimiter"},
      {"delimiter quote", with_top(R"("recipient_delimiter": "\"",)"), "/recipient_delimiter",
       "'\"' cannot be a delimiter"},
      {"delimiter space", with_top(R"("recipient_delimiter": " ",)"), "/recipient_delimiter",
       "' ' cannot be a delimiter"},
      {"delimiter control", with_top(R"("recipient_delimiter": "\t",)"), "/recipient_delimiter",
       "0x09 cannot be a delimiter"},
      {"delimiter too long", with_top(R"("recipient_delimiter": "+-=_.!#$%",)"),
       "/recipient_delimiter", "longer than 8 characters"},
      {"socket_mode not octal", with_top(R"("socket_mode": "0689",)"), "/socket_mode",
       "\"0689\" is not a valid socket_mode: must be 3 or 4 octal digits"},
      {"socket_mode too short", with_top(R"("socket_mode": "66",)"), "/socket_mode",
       "\"66\" is not a valid socket_mode"},
      {"socket_mode above 0777", with_top(R"("socket_mode": "1777",)"), "/socket_mode",
       "\"1777\" is not a valid socket_mode: must be at most 0777"},
      {"socket_mode as a number", with_top(R"("socket_mode": 660,)"), "/socket_mode",
       "expected a string, got 660"},
      {"max_hops 0", with_top(R"("loop": {"max_hops": 0},)"), "/loop/max_hops",
       "0 is outside 1..500"},
      {"max_hops 501", with_top(R"("loop": {"max_hops": 501},)"), "/loop/max_hops",
       "501 is outside 1..500"},
      {"loop action", with_top(R"("loop": {"action": "drop"},)"), "/loop/action",
       "\"drop\" is not one of \"reject\", \"quarantine\""},
      {"local_transport without a colon", with_top(R"("local_transport": "dovecot",)"),
       "/local_transport",
       "\"dovecot\" is not a valid local_transport: must be transport:nexthop in Postfix syntax"},
      {"local_transport with an upper-case transport", with_top(R"("local_transport": "LMTP:x",)"),
       "/local_transport", "is not a valid local_transport: transport must be 1..32 lower-case"},
      {"local_transport with an empty transport", with_top(R"("local_transport": ":[192.0.2.1]",)"),
       "/local_transport", "is not a valid local_transport: transport must be"},
      {"local_transport with a space", with_top(R"("local_transport": "lmtp:inet:a b",)"),
       "/local_transport", "is not a valid local_transport: the next hop contains ' '"},
      {"local_transport too long",
       with_top(R"("local_transport": "lmtp:)" + std::string(251, 'x') + "\","),
       "/local_transport", "is not a valid local_transport: longer than 255 characters"},
  });
  for (const char* good : {"local:", "lmtp:unix:private/dovecot-lmtp", "lmtp:inet:[127.0.0.1]:24",
                           "dovecot:", "smtp:[192.0.2.1]:25"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(load_valid(with_top(std::string(R"("local_transport": ")") + good + "\",")).local_transport,
              good);
  }
}

TEST(LoadRules, RejectsBadDirectories) {
  expect_errors({
      {"unknown type", R"({"version": 1, "directory": {"type": "xyz"}})", "/directory/type",
       "\"xyz\" is not one of \"file\", \"ldap\""},
      {"missing type", R"({"version": 1, "directory": {"path": "r"}})", "/directory/type",
       "required field is missing"},
      {"missing path", R"({"version": 1, "directory": {"type": "file"}})", "/directory/path",
       "required field is missing"},
      {"empty path", R"({"version": 1, "directory": {"type": "file", "path": ""}})",
       "/directory/path", "\"\" is not a valid path: it must not be empty"},
      {"none while authoritative",
       R"({"version": 1, "accepted_domains": [{"domain": "example.com", "type": "authoritative"}]})",
       "/directory", "/accepted_domains/0 (\"example.com\") is authoritative"},
      {"none while internal_relay",
       R"({"version": 1, "accepted_domains": [{"domain": "example.com", "type": "internal_relay"}],
           "send_connectors": [{"name": "c", "address_spaces": [{"domain": "*"}],
                                "smarthosts": ["relay.example"]}]})",
       "/directory", "is internal_relay"},
  });
  Ruleset external_only = load_valid(
      R"({"version": 1, "accepted_domains": [{"domain": "example.com", "type": "external_relay"}],
          "send_connectors": [{"name": "c", "address_spaces": [{"domain": "example.com"}]}]})");
  EXPECT_EQ(external_only.directory.type, "");
}

TEST(LoadRules, RejectsBadAcceptedDomains) {
  expect_errors({
      {"bad syntax", with_accepted(accepted("exa mple.com", "authoritative")),
       "/accepted_domains/0/domain", "\"exa mple.com\" is not a valid domain: ' ' is not allowed"},
      {"star alone", with_accepted(accepted("*", "authoritative")), "/accepted_domains/0/domain",
       "\"*\" is not a valid accepted domain"},
      {"star inside", with_accepted(accepted("a.*.example.com", "authoritative")),
       "/accepted_domains/0/domain",
       "\"a.*.example.com\" is not a valid domain: '*' is allowed only"},
      {"missing domain", with_accepted(R"({"type": "authoritative"})"),
       "/accepted_domains/0/domain", "required field is missing"},
      {"bad type", with_accepted(accepted("example.com", "authorative")),
       "/accepted_domains/0/type",
       "\"authorative\" is not one of \"authoritative\", \"internal_relay\", \"external_relay\""},
      {"missing type", with_accepted(R"({"domain": "example.com"})"), "/accepted_domains/0/type",
       "required field is missing"},
      {"empty name", with_accepted(accepted("example.com", "authoritative", R"(, "name": "")")),
       "/accepted_domains/0/name", "\"\" is not a valid name: must be 1..64 characters long"},
      {"duplicate after normalisation",
       rules_text(array({accepted("example.com", "authoritative"),
                         accepted("Example.COM.", "authoritative")}),
                  "[]"),
       "/accepted_domains/1/domain", "\"Example.COM.\" duplicates /accepted_domains/0/domain"},
  });
}

TEST(LoadRules, RejectsBadConnectors) {
  const std::string any = R"([{"domain": "*"}])";
  expect_errors({
      {"missing name", rules_text("[]", R"([{"address_spaces": [{"domain": "*"}]}])"),
       "/send_connectors/0/name", "required field is missing"},
      {"name too long", with_connector(connector(std::string(65, 'n'), {"*"})),
       "/send_connectors/0/name", "must be 1..64 characters long"},
      {"name with control character", with_connector(connector("a\\u0007b", {"*"})),
       "/send_connectors/0/name",
       "\"a\\u0007b\" is not a valid name: contains the control character 0x07"},
      {"duplicate name, other case",
       rules_text("[]",
                  array({connector("outbound", {"*"}), connector("Outbound", {"a.example"})})),
       "/send_connectors/1/name",
       "\"Outbound\" duplicates /send_connectors/0/name (names are case-insensitive)"},
      {"missing address_spaces", rules_text("[]", R"([{"name": "c"}])"),
       "/send_connectors/0/address_spaces", "required field is missing"},
      {"empty address_spaces", rules_text("[]", R"([{"name": "c", "address_spaces": []}])"),
       "/send_connectors/0/address_spaces", "[] must have at least one item"},
      {"bad address space", with_connector(connector("c", {"*foo.com"})),
       "/send_connectors/0/address_spaces/0/domain", "\"*foo.com\" is not a valid domain"},
      {"label of 64", with_connector(connector("c", {std::string(64, 'l') + ".example"})),
       "/send_connectors/0/address_spaces/0/domain", "longer than 63 characters"},
      {"duplicate address space",
       with_connector(connector("c", {"*.example.com", "*.Example.com"})),
       "/send_connectors/0/address_spaces/1/domain",
       "\"*.Example.com\" duplicates /send_connectors/0/address_spaces/0/domain"},
      {"cost 101", with_connector(connector("c", {"*:101"})),
       "/send_connectors/0/address_spaces/0/cost", "101 is outside 1..100"},
      {"cost 0", with_connector(connector("c", {"*:0"})),
       "/send_connectors/0/address_spaces/0/cost", "0 is outside 1..100"},
      {"huge cost", with_connector(connector("c", {"*:18446744073709551615"})),
       "/send_connectors/0/address_spaces/0/cost", "18446744073709551615 is outside 1..100"},
      {"empty smarthosts", with_connector(connector("c", {"*"}, R"(, "smarthosts": [])")),
       "/send_connectors/0/smarthosts", "[] must have at least one item"},
      {"smarthost with a space",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["mail server"])")),
       "/send_connectors/0/smarthosts/0",
       "\"mail server\" is not a valid smarthost: host: ' ' is not allowed"},
      {"port 0", with_connector(connector("c", {"*"}, R"(, "smarthosts": ["relay.example:0"])")),
       "/send_connectors/0/smarthosts/0",
       "\"relay.example:0\" is not a valid smarthost: port 0 is outside 1..65535"},
      {"port 65536",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["[192.0.2.1]:65536"])")),
       "/send_connectors/0/smarthosts/0", "port 65536 is outside 1..65535"},
      {"port not a number",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["relay.example:smtp"])")),
       "/send_connectors/0/smarthosts/0", "port \"smtp\" is not a number"},
      {"empty port", with_connector(connector("c", {"*"}, R"(, "smarthosts": ["relay.example:"])")),
       "/send_connectors/0/smarthosts/0", "port \"\" is not a number"},
      {"unclosed literal",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["[192.0.2.1"])")),
       "/send_connectors/0/smarthosts/0", "missing ']'"},
      {"bad literal", with_connector(connector("c", {"*"}, R"(, "smarthosts": ["[300.1.1.1]"])")),
       "/send_connectors/0/smarthosts/0", "\"[300.1.1.1]\" is not a valid smarthost"},
      {"IPv6 without tag",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["[2001:db8::1]"])")),
       "/send_connectors/0/smarthosts/0", "\"[2001:db8::1]\" is not a valid smarthost"},
      {"text after literal",
       with_connector(connector("c", {"*"}, R"(, "smarthosts": ["[192.0.2.1]x"])")),
       "/send_connectors/0/smarthosts/0", "unexpected \"x\" after the host"},
      {"bad size unit", with_connector(connector("c", {"*"}, R"(, "max_message_size": "20 XB")")),
       "/send_connectors/0/max_message_size", "\"20 XB\" is not a valid size"},
      {"size zero", with_connector(connector("c", {"*"}, R"(, "max_message_size": 0)")),
       "/send_connectors/0/max_message_size", "0 is not a valid size"},
      {"size zero MB", with_connector(connector("c", {"*"}, R"(, "max_message_size": "0MB")")),
       "/send_connectors/0/max_message_size", "\"0MB\" is not a valid size"},
      {"negative size", with_connector(connector("c", {"*"}, R"(, "max_message_size": -5)")),
       "/send_connectors/0/max_message_size", "-5 is not a valid size"},
      {"rewrite_domain outside the address spaces",
       with_connector(connector("c", {"*.example.com"}, R"(, "rewrite_domain": "other.example")")),
       "/send_connectors/0/rewrite_domain",
       "\"other.example\" is not a valid rewrite_domain: no address space of this connector "
       "matches it"},
      {"rewrite_domain wildcard",
       with_connector(connector("c", {"*"}, R"(, "rewrite_domain": "*.example.com")")),
       "/send_connectors/0/rewrite_domain",
       "\"*.example.com\" is not a valid rewrite_domain: it must be one exact domain"},
      {"hook header without smarthosts",
       with_connector(connector("c", {"*"}, R"(, "hook": "header")")), "/send_connectors/0/hook",
       "\"header\" is not a valid hook: \"header\" needs smarthosts"},
      {"bad hook", with_connector(connector("c", {"*"}, R"(, "hook": "body")")),
       "/send_connectors/0/hook", "\"body\" is not one of \"none\", \"header\""},
      {"transport with upper case", with_connector(connector("c", {"*"}, R"(, "transport": "Partner")")),
       "/send_connectors/0/transport",
       "\"Partner\" is not a valid transport: must be 1..32 lower-case letters, digits, '_' or '-', "
       "starting with a letter"},
      {"transport starting with a digit", with_connector(connector("c", {"*"}, R"(, "transport": "1x")")),
       "/send_connectors/0/transport", "\"1x\" is not a valid transport"},
      {"transport of 33 characters",
       with_connector(connector("c", {"*"}, R"(, "transport": ")" + std::string(33, 't') + "\"")),
       "/send_connectors/0/transport", "is not a valid transport"},
      {"require_tls not a boolean", with_connector(connector("c", {"*"}, R"(, "require_tls": "yes")")),
       "/send_connectors/0/require_tls", "expected true or false, got \"yes\""},
      {"require_tls without a transport", with_connector(connector("c", {"*"}, R"(, "require_tls": true)")),
       "/send_connectors/0/transport",
       "required field is missing: a connector with require_tls or auth needs a master.cf service of "
       "its own"},
      {"require_tls on smtp",
       with_connector(connector("c", {"*"}, R"(, "transport": "smtp", "require_tls": true)")),
       "/send_connectors/0/transport",
       "\"smtp\" is not a valid transport: it is a service of Postfix's own master.cf"},
      {"auth on relay",
       with_connector(connector("c", {"*"}, R"(, "transport": "relay", "auth": {"password_file": "p"})")),
       "/send_connectors/0/transport", "\"relay\" is not a valid transport: it is a service of"},
      {"auth without password_file",
       with_connector(connector("c", {"*"}, R"(, "transport": "c-tls", "auth": {})")),
       "/send_connectors/0/auth/password_file", "required field is missing"},
      {"auth with a password",
       with_connector(connector("c", {"*"},
                                R"(, "transport": "c-tls", "auth": {"password_file": "p", "password": "x"})")),
       "/send_connectors/0/auth/password", "unknown field"},
      {"auth not an object", with_connector(connector("c", {"*"}, R"(, "transport": "c-tls", "auth": "p")")),
       "/send_connectors/0/auth", "expected an object, got \"p\""},
      {"empty password_file",
       with_connector(connector("c", {"*"}, R"(, "transport": "c-tls", "auth": {"password_file": ""})")),
       "/send_connectors/0/auth/password_file", "\"\" is not a valid password_file: it must be a path"},
      {"password_file with a space",
       with_connector(connector("c", {"*"}, R"(, "transport": "c-tls", "auth": {"password_file": "a b"})")),
       "/send_connectors/0/auth/password_file",
       "\"a b\" is not a valid password_file: \"/etc/splitroute/a b\" must be a path without white space"},
      {"password_file with a comma",
       with_connector(connector("c", {"*"}, R"(, "transport": "c-tls", "auth": {"password_file": "a,b"})")),
       "/send_connectors/0/auth/password_file", "is not a valid password_file"},
  });
}

TEST(LoadRules, RejectsConnectorsThatShareATransportWithOtherSettings) {
  struct Row {
    std::string name, first, second;
    bool valid;
  };
  const std::string tls = R"(, "transport": "t", "require_tls": true)";
  const std::string tls_auth = R"(, "transport": "t", "require_tls": true, "auth": {"password_file": "p"})";
  const std::vector<Row> rows = {
      {"same TLS", tls, tls, true},
      {"same TLS and password table", tls_auth, tls_auth, true},
      {"both plain, own transport", R"(, "transport": "t")", R"(, "transport": "t")", true},
      {"both on smtp", "", "", true},
      {"TLS and plain", tls, R"(, "transport": "t")", false},
      {"plain and TLS", R"(, "transport": "t")", tls, false},
      {"auth and none", tls_auth, tls, false},
      {"other password tables", tls_auth,
       R"(, "transport": "t", "require_tls": true, "auth": {"password_file": "q"})", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    LoadResult result = load_rules(
        rules_text("[]", array({connector("first", {"a.example"}, row.first),
                                connector("second", {"b.example"}, row.second)})),
        kBaseDir);
    EXPECT_EQ(result.ok(), row.valid) << all_diagnostics(result);
    if (row.valid) continue;
    std::optional<Diagnostic> error = find_at(result, "/send_connectors/1/transport");
    ASSERT_TRUE(error.has_value()) << all_diagnostics(result);
    EXPECT_EQ(error->message,
              "connectors \"first\" (/send_connectors/0) and \"second\" share transport \"t\" but differ in "
              "require_tls or auth: one service has one set of TLS and authentication settings");
  }
}

TEST(LoadRules, WarnsAboutAuthenticationWithoutTls) {
  LoadResult plain = load_rules(
      with_connector(connector("c", {"*"}, R"(, "transport": "c-auth", "auth": {"password_file": "p"})")),
      kBaseDir);
  ASSERT_TRUE(plain.ok()) << all_diagnostics(plain);
  std::optional<Diagnostic> warning = find_at(plain, "/send_connectors/0/auth", Severity::warning);
  ASSERT_TRUE(warning.has_value()) << all_diagnostics(plain);
  EXPECT_EQ(warning->message,
            "connector \"c\" authenticates without require_tls: its password may cross the network "
            "unencrypted");
  LoadResult tls = load_rules(
      with_connector(connector(
          "c", {"*"}, R"(, "transport": "c-tls", "require_tls": true, "auth": {"password_file": "p"})")),
      kBaseDir);
  ASSERT_TRUE(tls.ok()) << all_diagnostics(tls);
  EXPECT_TRUE(diagnostics_of(tls, Severity::warning).empty()) << all_diagnostics(tls);
}

TEST(LoadRules, RejectsRelayDomainsNoEnabledConnectorCovers) {
  struct Row {
    std::string accepted, type, space;
    bool enabled, covered;
  };
  const std::vector<Row> rows = {
      {"shared.example.com", "internal_relay", "shared.example.com", true, true},
      {"shared.example.com", "internal_relay", "*.example.com", true, true},
      {"shared.example.com", "internal_relay", "*", true, true},
      {"shared.example.com", "external_relay", "other.example.com", true, false},
      {"shared.example.com", "internal_relay", "*.shared.example.com", true, false},
      {"shared.example.com", "internal_relay", "shared.example.com", false, false},
      {"*.example.com", "external_relay", "*.example.com", true, true},
      {"*.a.example.com", "external_relay", "*.example.com", true, true},
      {"*.example.com", "external_relay", "*.a.example.com", true, false},
      {"*.example.com", "external_relay", "a.example.com", true, false},
      {"*.example.com", "external_relay", "*", true, true},
      {"example.com", "authoritative", "other.example", true, true},  // needs no connector
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.type + " " + row.accepted + " with " + row.space +
                 (row.enabled ? "" : " (disabled)"));
    std::string enabled = row.enabled ? R"(, "smarthosts": ["relay.example"])"
                                      : R"(, "smarthosts": ["relay.example"], "enabled": false)";
    LoadResult result = load_rules(
        with_accepted(accepted(row.accepted, row.type), connector("c", {row.space}, enabled)),
        kBaseDir);
    EXPECT_EQ(result.ok(), row.covered) << all_diagnostics(result);
    if (row.covered) continue;
    std::optional<Diagnostic> error = find_at(result, "/accepted_domains/0/domain");
    ASSERT_TRUE(error.has_value()) << all_diagnostics(result);
    EXPECT_EQ(error->message, "\"" + row.accepted + "\" is " + row.type +
                                  ", but no enabled send connector covers it");
  }
}

TEST(LoadRules, CollectsEveryErrorNotJustTheFirst) {
  LoadResult result = load_rules(R"({
    "version": 2,
    "mode": "loud",
    "accepted_domains": [{"domain": "exa mple.com", "type": "authoritative"}],
    "send_connectors": [{"name": "c", "address_spaces": [{"domain": "*", "cost": 101}],
                         "smarthost": "x"}]
  })",
                                 kBaseDir);
  EXPECT_FALSE(result.ok());
  for (const char* pointer :
       {"/version", "/mode", "/accepted_domains/0/domain",
        "/send_connectors/0/address_spaces/0/cost", "/send_connectors/0/smarthost"}) {
    SCOPED_TRACE(pointer);
    EXPECT_TRUE(find_at(result, pointer).has_value()) << all_diagnostics(result);
  }
}

TEST(LoadRules, WarnsAboutARelayDomainThatWouldLoopThroughOwnMx) {
  struct Row {
    std::string name;
    std::vector<std::string> connectors;
    bool warned;
  };
  const std::vector<Row> rows = {
      {"only * with DNS", {connector("out", {"*"})}, true},
      {"* with a smarthost",
       {connector("out", {"*"}, R"(, "smarthosts": ["relay.example"])")},
       false},
      {"a dedicated connector too",
       {connector("out", {"*"}), connector("partner", {"shared.example.com"})},
       false},
      {"a dedicated DNS connector", {connector("partner", {"*.example.com"})}, false},
      {"the * connector also names the domain",
       {connector("out", {"*", "shared.example.com"})},
       false},
      {"a * connector with smarthosts ranks first",
       {connector("out", {"*:5"}),
        connector("relay", {"*:1"}, R"(, "smarthosts": ["relay.example"])")},
       false},
      {"a * connector with smarthosts ranks after the DNS one",
       {connector("out", {"*:1"}),
        connector("relay", {"*:5"}, R"(, "smarthosts": ["relay.example"])")},
       true},
      {"the * connector with smarthosts is disabled",
       {connector("out", {"*"}),
        connector("relay", {"*:5"}, R"(, "smarthosts": ["relay.example"], "enabled": false)")},
       true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    LoadResult result =
        load_rules(rules_text(array({accepted("shared.example.com", "internal_relay")}),
                              array(row.connectors)),
                   kBaseDir);
    ASSERT_TRUE(result.ok()) << all_diagnostics(result);
    std::optional<Diagnostic> warning =
        find_at(result, "/accepted_domains/0/domain", Severity::warning);
    EXPECT_EQ(warning.has_value(), row.warned) << all_diagnostics(result);
    if (!warning) continue;
    EXPECT_EQ(warning->text(),
              "warning: /accepted_domains/0/domain: \"shared.example.com\" (internal_relay) is "
              "routed only through \"*\" with DNS delivery (connector \"out\"): mail for unknown "
              "recipients would go back to this organisation's own MX: a loop");
  }
}

TEST(LoadRules, WarnsAboutAConnectorThatCanNeverBeChosen) {
  struct Row {
    std::string name;
    std::vector<std::string> connectors;
    std::string warned;  // pointer of the warning, or "" for none
  };
  const std::vector<Row> rows = {
      {"same pattern, higher cost",
       {connector("main", {"*:1"}), connector("backup", {"*:5"})},
       "/send_connectors/1"},
      {"same cost, later name",
       {connector("b", {"*"}), connector("a", {"*"})},
       "/send_connectors/0"},
      {"bigger size limit still wins sometimes",
       {connector("main", {"*:1"}, R"(, "max_message_size": "10MB")"),
        connector("backup", {"*:5"})},
       ""},
      {"smaller size limit never wins",
       {connector("main", {"*:1"}),
        connector("backup", {"*:5"}, R"(, "max_message_size": "10MB")")},
       "/send_connectors/1"},
      {"one address space of its own",
       {connector("main", {"*"}), connector("x", {"*", "x.example"})},
       ""},
      {"disabled one is not warned about",
       {connector("main", {"*"}), connector("off", {"*"}, R"(, "enabled": false)")},
       ""},
      {"different patterns", {connector("main", {"*"}), connector("x", {"*.example"})}, ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    LoadResult result = load_rules(rules_text("[]", array(row.connectors)), kBaseDir);
    ASSERT_TRUE(result.ok()) << all_diagnostics(result);
    std::vector<Diagnostic> warnings = diagnostics_of(result, Severity::warning);
    if (row.warned.empty()) {
      EXPECT_TRUE(warnings.empty()) << all_diagnostics(result);
      continue;
    }
    ASSERT_EQ(warnings.size(), 1u) << all_diagnostics(result);
    EXPECT_EQ(warnings[0].pointer, row.warned);
    EXPECT_NE(warnings[0].message.find("can never be chosen"), std::string::npos)
        << warnings[0].message;
  }
}

TEST(LoadRules, GivesNoWarningsWhileThereAreErrors) {
  LoadResult result =
      load_rules(rules_text("[]", array({connector("main", {"*:1"}), connector("backup", {"*:5"}),
                                         connector("broken", {"*:101"})})),
                 kBaseDir);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(diagnostics_of(result, Severity::warning).empty()) << all_diagnostics(result);
}

TEST(Diagnostic, TextNamesSeverityPointerAndMessage) {
  struct Row {
    Diagnostic diagnostic;
    std::string want;
  };
  const std::vector<Row> rows = {
      {{Severity::error, "/loop/max_hops", "0 is outside 1..500"},
       "error: /loop/max_hops: 0 is outside 1..500"},
      {{Severity::warning, "/send_connectors/1", "never chosen"},
       "warning: /send_connectors/1: never chosen"},
      {{Severity::error, "", "line 1, column 1: oops"}, "error: line 1, column 1: oops"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.want);
    EXPECT_EQ(row.diagnostic.text(), row.want);
  }
}

TEST(ParseSize, ReadsBytesAndBinaryUnits) {
  struct Row {
    std::string text;
    std::optional<std::uint64_t> want;
  };
  const std::vector<Row> rows = {
      {"1048576", 1048576},
      {"100B", 100},
      {"512 KB", 512 * 1024},
      {"20MB", 20 * 1024 * 1024},
      {"20mb", 20 * 1024 * 1024},
      {"1GB", 1024ull * 1024 * 1024},
      {"1 gB", 1024ull * 1024 * 1024},
      {"0", 0},
      {"", std::nullopt},
      {"MB", std::nullopt},
      {"20 XB", std::nullopt},
      {"20M", std::nullopt},
      {"1.5MB", std::nullopt},
      {"-1", std::nullopt},
      {" 20MB", std::nullopt},
      {"20MB ", std::nullopt},
      {"20  MB", std::nullopt},
      {"20 ", std::nullopt},
      {"18446744073709551615", 18446744073709551615ull},
      {"18446744073709551616", std::nullopt},
      {"17179869184GB", std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE("\"" + row.text + "\"");
    EXPECT_EQ(parse_size(row.text), row.want);
  }
}

}  // namespace
}  // namespace splitroute::core
