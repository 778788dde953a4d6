// exchange_parsers_test.cpp - the readers of milter/exchange: RFC 4180 CSV,
// the PowerShell subset of Exchange set-up scripts, and the property
// accessors that take every form ConvertTo-Json and Export-Csv write.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "exchange/csv.hpp"
#include "exchange/records.hpp"
#include "exchange/script.hpp"

namespace splitroute::exchange {
namespace {

using Cells = std::vector<std::vector<std::string>>;

Cells cells_of(const CsvResult& result) {
  Cells out;
  for (const CsvRow& row : result.rows) out.push_back(row.cells);
  return out;
}

TEST(ParseCsv, ReadsRfc4180Fields) {
  struct Row {
    std::string text;
    Cells want;
  };
  const std::vector<Row> rows = {
      {"a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
      {"a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
      {"\"a,b\",\"c\"\"d\"\n", {{"a,b", "c\"d"}}},
      {"\"two\nlines\",x\n", {{"two\nlines", "x"}}},
      {"a,,\n", {{"a", "", ""}}},
      {"a\n\n\nb\n", {{"a"}, {"b"}}},
      {"\xEF\xBB\xBFName\n", {{"Name"}}},
      {"", {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    CsvResult result = parse_csv(row.text);
    ASSERT_TRUE(result.ok()) << result.error;
    EXPECT_EQ(cells_of(result), row.want);
  }
}

TEST(ParseCsv, RefusesMalformedQuotingNamingTheLine) {
  struct Row {
    std::string text, error;
  };
  const std::vector<Row> rows = {
      {"a,b\n1,\"open\n", "line 2: a quoted field is not closed"},
      {"a\nx\"y\n", "line 2: a '\"' inside an unquoted field"},
      {"\"a\"b\n", "line 1: expected ',' or the end of the line"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    CsvResult result = parse_csv(row.text);
    EXPECT_EQ(result.error.substr(0, row.error.size()), row.error);
    EXPECT_TRUE(result.rows.empty());
  }
}

TEST(ParseScript, ReadsNamedParametersInEveryForm) {
  struct Row {
    std::string text;
    std::string cmdlet;
    Json parameters;
  };
  const std::vector<Row> rows = {
      {"New-AcceptedDomain -Name \"johanveldhuis.nl\" -DomainName johanveldhuis.nl -DomainType InternalRelay",
       "New-AcceptedDomain",
       {{"Name", "johanveldhuis.nl"}, {"DomainName", "johanveldhuis.nl"}, {"DomainType", "InternalRelay"}}},
      {"new-sendconnector -name 'It''s' -AddressSpace a.example,'b.example' -DnsRoutingEnabled $false",
       "New-SendConnector",
       {{"Name", "It's"}, {"AddressSpaces", {"a.example", "b.example"}}, {"DNSRoutingEnabled", false}}},
      {"New-SendConnector -Name x -Internal -SmartHosts 10.0.0.1 -Comment $null",
       "New-SendConnector",
       {{"Name", "x"}, {"Internal", true}, {"SmartHosts", "10.0.0.1"}, {"Comment", nullptr}}},
      {"New-SendConnector -Name:\"a`\"b\" -RequireTLS:$true # a comment",
       "New-SendConnector",
       {{"Name", "a\"b"}, {"RequireTLS", true}}},
      {"Set-SendConnector Internet `\n  -MaxMessageSize 20MB", "Set-SendConnector",
       {{"Identity", "Internet"}, {"MaxMessageSize", "20MB"}}},
      {"<# block\ncomment #>\n\nNew-SendConnector -Name x -AddressSpaces a,\n  b", "New-SendConnector",
       {{"Name", "x"}, {"AddressSpaces", {"a", "b"}}}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    ScriptParse parse = parse_script(row.text);
    ASSERT_TRUE(parse.ok()) << parse.error;
    ASSERT_EQ(parse.commands.size(), 1u);
    EXPECT_EQ(parse.commands[0].cmdlet, row.cmdlet);
    EXPECT_EQ(parse.commands[0].parameters, row.parameters);
  }
}

TEST(ParseScript, CountsLinesAcrossContinuationsAndSemicolons) {
  ScriptParse parse = parse_script(
      "# set-up\nNew-AcceptedDomain -Name a -DomainName a.example `\n  -DomainType Authoritative; "
      "Set-AcceptedDomain a -MatchSubDomains $true\n\nNew-SendConnector -Name b -AddressSpaces *\n");
  ASSERT_TRUE(parse.ok()) << parse.error;
  ASSERT_EQ(parse.commands.size(), 3u);
  EXPECT_EQ(parse.commands[0].line, 2u);
  EXPECT_EQ(parse.commands[1].line, 3u);
  EXPECT_EQ(parse.commands[2].line, 5u);
}

TEST(ParseScript, RefusesAnythingOutsideTheSubsetNamingLineAndToken) {
  struct Row {
    std::string text, error;
  };
  const std::vector<Row> rows = {
      {"New-AcceptedDomain -Name a\nGet-SendConnector | fl", "line 2: unsupported command 'Get-SendConnector'"},
      {"New-SendConnector -Name $name", "line 1: a variable (only $true, $false and $null are accepted) at '$name'"},
      {"New-SendConnector -Name \"$env:x\"", "line 1: a variable inside a double-quoted string"},
      {"New-SendConnector -Name x | Out-Null", "line 1: an unexpected character at '| Out-Null'"},
      {"Set-SendConnector a b", "line 1: a second value without a parameter name at 'b'"},
      {"New-SendConnector -Name 'open", "line 1: a quoted string is not closed at ''open'"},
      {"New-SendConnector -Name a -Name b", "line 1: a parameter given twice at '-Name b'"},
      {"New-SendConnector -Name a -S x", "line 1: -S is ambiguous"},
      {"New-SendConnector -Name (Get-Date)", "line 1: an unexpected character at '(Get-Date)'"},
      {"$x = 1", "line 1: unsupported command '$'"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    ScriptParse parse = parse_script(row.text);
    EXPECT_EQ(parse.error.substr(0, row.error.size()), row.error);
    EXPECT_TRUE(parse.commands.empty());
  }
}

TEST(ScriptObjects, SetCommandsChangeTheObjectANewCommandMade) {
  ScriptParse parse = parse_script(
      "New-AcceptedDomain -Name Org2 -DomainName org2.example\nSet-AcceptedDomain org2.example -DomainType "
      "InternalRelay\n");
  ASSERT_TRUE(parse.ok()) << parse.error;
  ScriptObjects objects = script_objects("s.ps1", parse.commands);
  ASSERT_EQ(objects.accepted_domains.size(), 1u);
  EXPECT_EQ(objects.accepted_domains[0].text("DomainType"), "InternalRelay");
  EXPECT_EQ(objects.accepted_domains[0].where, "line 1 (New-AcceptedDomain)");

  ScriptParse orphan = parse_script("Set-SendConnector -Identity Nowhere -Port 26\n");
  ASSERT_TRUE(orphan.ok()) << orphan.error;
  EXPECT_THROW(script_objects("s.ps1", orphan.commands), ImportError);
}

TEST(RecordList, TakesEveryExportedFormOfAMultiValuedProperty) {
  struct Row {
    Json value;
    std::vector<std::string> want;
  };
  const std::vector<Row> rows = {
      {Json::array({"SMTP:a.example;1", "SMTP:*;10"}), {"SMTP:a.example;1", "SMTP:*;10"}},
      {"10.0.0.1;mail.example", {"10.0.0.1", "mail.example"}},
      {Json::array({{{"Type", "SMTP"}, {"Address", "*.a.example"}, {"Cost", 5}}}), {"SMTP:*.a.example;5"}},
      {Json::array({{{"Address", "10.0.0.1"}, {"IsIPAddress", true}, {"Domain", nullptr}}}), {"[10.0.0.1]"}},
      {Json::array({{{"Domain", {{"Domain", "mx.example"}}}, {"IsIPAddress", false}}}), {"mx.example"}},
      {nullptr, {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.value.dump());
    Record record{"f.json", "object 1", {{"SmartHosts", row.value}}};
    EXPECT_EQ(record.list("SmartHosts"), row.want);
  }
}

TEST(RecordList, ALostMultiValuedPropertyNamesFileObjectPropertyAndAdvice) {
  Record record{"c.csv", "line 2",
                {{"Name", "To Org2"},
                 {"AddressSpaces", "Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.AddressSpace]"}}};
  try {
    record.list("AddressSpaces");
    FAIL() << "no ImportError";
  } catch (const ImportError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("c.csv: line 2 (Name 'To Org2'): AddressSpaces: the export lost the values", 0), 0u) << what;
    EXPECT_NE(what.find("$_.AddressSpaces -join ','"), std::string::npos) << what;
  }
}

TEST(RecordEnumeration, AcceptsNumbersAndNamesAndRefusesOthers) {
  const std::vector<std::pair<std::int64_t, std::string>> types = {
      {0, "Authoritative"}, {1, "ExternalRelay"}, {2, "InternalRelay"}};
  struct Row {
    Json value;
    std::string want;  // "" = ImportError
  };
  const std::vector<Row> rows = {{2, "InternalRelay"}, {"2", "InternalRelay"}, {"internalrelay", "InternalRelay"},
                                 {0, "Authoritative"}, {7, ""},                {"Hosted", ""}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.value.dump());
    Record record{"d.json", "object 1", {{"DomainType", row.value}}};
    if (row.want.empty()) {
      EXPECT_THROW(record.enumeration("DomainType", types), ImportError);
    } else {
      EXPECT_EQ(record.enumeration("DomainType", types), row.want);
    }
  }
}

TEST(RecordFlags, SplitsAFlagsValueGivenAsNumberOrNames) {
  const std::vector<std::pair<std::int64_t, std::string>> mechanisms = {
      {0, "None"}, {2, "BasicAuth"}, {4, "BasicAuthRequireTLS"}, {16, "ExternalAuthoritative"}};
  struct Row {
    Json value;
    std::vector<std::string> want;
  };
  const std::vector<Row> rows = {{0, {"None"}},
                                 {6, {"BasicAuth", "BasicAuthRequireTLS"}},
                                 {"BasicAuth, ExternalAuthoritative", {"BasicAuth", "ExternalAuthoritative"}},
                                 {"None", {"None"}}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.value.dump());
    Record record{"c.json", "object 1", {{"SmartHostAuthMechanism", row.value}}};
    EXPECT_EQ(record.flags("SmartHostAuthMechanism", mechanisms), row.want);
  }
}

TEST(RecordBoolean, AcceptsJsonCsvAndScriptSpellings) {
  struct Row {
    Json value;
    std::optional<bool> want;
  };
  const std::vector<Row> rows = {{true, true}, {"True", true}, {"false", false}, {"", std::nullopt}, {nullptr, std::nullopt}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.value.dump());
    Record record{"c.csv", "line 2", {{"Enabled", row.value}}};
    EXPECT_EQ(record.boolean("Enabled"), row.want);
  }
  Record bad{"c.csv", "line 2", {{"Enabled", "perhaps"}}};
  EXPECT_THROW(bad.boolean("Enabled"), ImportError);
}

TEST(ReadRecords, ReadsJsonArraysSingleObjectsAndCsv) {
  EXPECT_EQ(read_records("a.json", "[{\"Name\":\"a\"},{\"Name\":\"b\"}]").size(), 2u);
  std::vector<Record> one = read_records("a.json", "  {\"Name\":\"a\"}");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].where, "object 1");
  std::vector<Record> csv = read_records("a.csv", "#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration."
                                                  "AcceptedDomain\n\"Name\",\"DomainType\"\n\"a\",\"Authoritative\"\n");
  ASSERT_EQ(csv.size(), 1u);
  EXPECT_EQ(csv[0].where, "line 3");
  EXPECT_EQ(csv[0].text("domaintype"), "Authoritative");
  EXPECT_THROW(read_records("a.json", "[{\"Name\": "), ImportError);
  EXPECT_THROW(read_records("a.csv", "\"Name\",\"X\"\n\"a\"\n"), ImportError);
}

}  // namespace
}  // namespace splitroute::exchange
