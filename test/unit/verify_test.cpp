// verify_test.cpp - a send connector's verify_recipients: what the rule file
// may say (and the errors it gets otherwise), which recipients are verified,
// the decision after the other side's directory answers, the socketmap's
// "verify" map and the runtime's lookup in a real recipients file.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/router.hpp"
#include "core_rules_fixture.hpp"
#include "runtime/config.hpp"
#include "runtime/resolve.hpp"
#include "runtime/verify.hpp"
#include "socketmap/handler.hpp"
#include "temp_dir.hpp"

namespace splitroute::core {
namespace {

using testing::accepted;
using testing::all_diagnostics;
using testing::array;
using testing::connector;
using testing::kBaseDir;
using testing::load_valid;
using testing::rules_text;

// Three shared domains, one connector per method, and an outbound one;
// b-dir also serves dir-out.example, which is not one of ours.
std::string verify_rules(std::string_view extra = "") {
  return rules_text(
      array({accepted("smtp.example", "internal_relay"), accepted("dir.example", "internal_relay"),
             accepted("plain.example", "internal_relay")}),
      array({connector("b-smtp", {"smtp.example"}, R"(, "smarthosts": ["[192.0.2.1]"], "verify_recipients": "smtp")"),
             connector("b-dir", {"dir.example", "dir-out.example"},
                       R"(, "smarthosts": ["[192.0.2.2]"],
                          "verify_recipients": {"directory": {"type": "file", "path": "b.txt"}})"),
             connector("plain", {"plain.example", "elsewhere.example"}, R"(, "smarthosts": ["[192.0.2.3]"])")}),
      extra);
}

TEST(VerifyRecipients, ReadsBothMethods) {
  Ruleset rules = load_valid(verify_rules());
  ASSERT_EQ(rules.send_connectors.size(), 3u);
  EXPECT_EQ(rules.send_connectors[0].verify.method, VerifyMethod::smtp);
  EXPECT_EQ(rules.send_connectors[1].verify.method, VerifyMethod::directory);
  EXPECT_EQ(rules.send_connectors[1].verify.directory->type, "file");
  EXPECT_EQ(rules.send_connectors[1].verify.directory->file.path, std::string(kBaseDir) + "/b.txt");
  EXPECT_EQ(rules.send_connectors[2].verify.method, VerifyMethod::none);
}

TEST(VerifyRecipients, ReadsAnLdapDirectoryWithTheTopLevelFields) {
  Ruleset rules = load_valid(rules_text(
      "[]", array({connector("b", {"b.example"}, R"x(, "verify_recipients": {"directory": {
          "type": "ldap", "uris": ["ldap://127.0.0.1:3890/"], "base": "dc=b,dc=example", "filter": "(mail=%s)"}})x")})));
  const RecipientVerification& verify = rules.send_connectors[0].verify;
  EXPECT_EQ(verify.method, VerifyMethod::directory);
  EXPECT_EQ(verify.directory->type, "ldap");
  EXPECT_EQ(verify.directory->ldap.base, "dc=b,dc=example");
}

struct ErrorRow {
  std::string name, value, pointer, want;
};

TEST(VerifyRecipients, RejectsBadValuesWithTheirPointer) {
  const std::vector<ErrorRow> rows = {
      {"unknown method", R"("ldap")", "/send_connectors/0/verify_recipients", R"("ldap" is not a valid verify_recipients)"},
      {"number", "3", "/send_connectors/0/verify_recipients", R"(expected "smtp" or { "directory": { ... } }, got 3)"},
      {"empty object", "{}", "/send_connectors/0/verify_recipients/directory", "required field is missing"},
      {"other field", R"({"directory": {"type": "file", "path": "b.txt"}, "cache": 1})",
       "/send_connectors/0/verify_recipients/cache", "unknown field"},
      {"bad type", R"({"directory": {"type": "sql"}})", "/send_connectors/0/verify_recipients/directory/type",
       R"("sql" is not one of "file", "ldap")"},
      {"file without path", R"({"directory": {"type": "file"}})",
       "/send_connectors/0/verify_recipients/directory/path", "required field is missing"},
      {"ldap without base", R"x({"directory": {"type": "ldap", "uris": ["ldap://h/"], "filter": "(mail=%s)"}})x",
       "/send_connectors/0/verify_recipients/directory/base", "required field is missing"},
  };
  for (const ErrorRow& row : rows) {
    SCOPED_TRACE(row.name);
    std::string text =
        rules_text("[]", array({connector("b", {"b.example"}, ", \"verify_recipients\": " + row.value)}));
    LoadResult result = load_rules(text, kBaseDir);
    EXPECT_FALSE(result.ok());
    bool found = false;
    for (const Diagnostic& d : result.diagnostics) {
      if (d.pointer == row.pointer && d.message.find(row.want) != std::string::npos) found = true;
    }
    EXPECT_TRUE(found) << "want \"" << row.want << "\" at " << row.pointer << "; got:\n" << all_diagnostics(result);
  }
}

Address must_parse(std::string_view text) {
  Address address;
  EXPECT_EQ(parse_address(text, address), "") << text;
  return address;
}

DirectoryAnswer answer(Lookup result, std::string target = "") {
  return DirectoryAnswer{result, std::move(target), ""};
}

Decision decided(const Ruleset& rules, std::string_view text, DirectoryAnswer answer) {
  Address address = must_parse(text);
  Plan planned = plan(rules, address);
  return decide(rules, address, planned, answer, std::nullopt);
}

TEST(VerifyMethodOf, OnlyRelaysThroughAVerifyingConnectorThatAreNoContacts) {
  Ruleset rules = load_valid(verify_rules());
  struct Row {
    std::string address;
    DirectoryAnswer answer;
    VerifyMethod want;
  };
  const std::vector<Row> rows = {
      {"x@smtp.example", answer(Lookup::miss), VerifyMethod::smtp},
      {"x@dir.example", answer(Lookup::miss), VerifyMethod::directory},
      {"x@plain.example", answer(Lookup::miss), VerifyMethod::none},                        // another connector
      {"x@dir.example", answer(Lookup::hit), VerifyMethod::none},                           // a mailbox here
      {"x@plain.example", answer(Lookup::hit, "x@dir.example"), VerifyMethod::none},        // a contact
      {"x@dir.example", answer(Lookup::error), VerifyMethod::none},                         // already 451
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address + " " + to_string(row.answer.result));
    EXPECT_EQ(verify_method(rules, decided(rules, row.address, row.answer)), row.want);
  }
}

TEST(Verify, TurnsTheOtherSidesAnswerIntoTheReply) {
  Ruleset rules = load_valid(verify_rules());
  struct Row {
    Lookup other_side;
    std::string verdict, reply;
  };
  const std::vector<Row> rows = {
      {Lookup::hit, "relay", ""},
      {Lookup::miss, "reject", "550 5.1.1 <x@dir.example>: Recipient address rejected: User unknown"},
      {Lookup::error, "tempfail", "451 4.4.3 Directory lookup failed, try again later"},
      {Lookup::none, "tempfail", "451 4.3.0 "},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(to_string(row.other_side));
    Address address = must_parse("x@dir.example");
    Decision decision = decided(rules, "x@dir.example", answer(Lookup::miss));
    verify(rules, address, answer(row.other_side), decision);
    EXPECT_EQ(to_string(decision.verdict), row.verdict);
    EXPECT_EQ(decision.verification, row.other_side);
    std::optional<Reply> reply = reply_for(decision, address);
    EXPECT_EQ(reply ? reply->line().substr(0, row.reply.size()) : "", row.reply);
  }
}

TEST(Verify, LeavesTheSmtpMethodToPostfixAndExplainsIt) {
  Ruleset rules = load_valid(verify_rules());
  Address address = must_parse("x@smtp.example");
  Decision decision = decided(rules, "x@smtp.example", answer(Lookup::miss));
  Trail trail;
  verify(rules, address, {}, decision, &trail);
  EXPECT_EQ(decision.verdict, Verdict::relay);
  EXPECT_EQ(decision.verification, Lookup::none);
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_NE(trail[0].find("verify: smtp"), std::string::npos) << trail[0];
}

TEST(Verify, ExplainsAMissAndTheNewVerdictInTheTrail) {
  Ruleset rules = load_valid(verify_rules());
  Address address = must_parse("x@dir.example");
  Decision decision = decided(rules, "x@dir.example", answer(Lookup::miss));
  Trail trail;
  verify(rules, address, DirectoryAnswer{Lookup::miss, "", "", "x@dir.example", "file:/b.txt"}, decision, &trail);
  ASSERT_EQ(trail.size(), 3u);
  EXPECT_EQ(trail[0], "verify: connector b-dir's directory file:/b.txt: miss for x@dir.example "
                      "(the other side does not have this recipient)");
  EXPECT_EQ(trail[1], "verdict: reject");
  EXPECT_EQ(trail[2], "reply: 550 5.1.1 <x@dir.example>: Recipient address rejected: User unknown");
}

TEST(Verify, SaysAContactIsNotVerified) {
  Ruleset rules = load_valid(verify_rules());
  Address address = must_parse("x@plain.example");
  Decision decision = decided(rules, "x@plain.example", answer(Lookup::hit, "y@dir.example"));
  Trail trail;
  verify(rules, address, {}, decision, &trail);
  EXPECT_EQ(decision.verdict, Verdict::relay);
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0], "verify: none (a contact: the directory named its target)");
}

// ------------------------------------------------------------ runtime and socketmap

// Loaded - the rules above with real recipients files, loaded as the daemon does.
struct Loaded {
  splitroute::testing::TempDir dir;
  runtime::ConfigPtr config;

  explicit Loaded(std::string_view extra = "", bool with_b = true) {
    std::string path = dir.write("rules.json", verify_rules(extra));
    dir.write("recipients.txt", "here@smtp.example\nhere@dir.example\ncontact@plain.example known@dir.example\n");
    if (with_b) dir.write("b.txt", "known@dir.example\nknown@dir-out.example\n");
    runtime::ConfigLoad load = runtime::load_config(path);
    if (!load.config) ADD_FAILURE() << load.report();
    config = load.config;
  }
};

std::string milter_reply(const runtime::Config& config, std::string_view address) {
  runtime::Resolution r = runtime::resolve(config, address, std::nullopt);
  runtime::verify_recipient(config, r);
  return std::string(to_string(r.decision.verdict)) + (r.reply ? " " + r.reply->code + " " + r.reply->xcode : "");
}

TEST(VerifyRecipient, AsksTheConnectorsOwnDirectory) {
  Loaded loaded;
  ASSERT_TRUE(loaded.config);
  struct Row {
    std::string address, want;
  };
  const std::vector<Row> rows = {
      {"known@dir.example", "relay"},            // in B's directory
      {"known+tag@dir.example", "reject 550 5.1.1"},  // no recipient_delimiter: another address
      {"nobody@dir.example", "reject 550 5.1.1"},
      {"known@dir-out.example", "relay"},             // not ours: no plan keys, its own
      {"nobody@dir-out.example", "reject 550 5.1.1"},
      {"here@dir.example", "local"},             // ours: B is not asked
      {"contact@plain.example", "relay"},        // a contact: never verified
      {"nobody@smtp.example", "relay"},          // smtp: Postfix verifies
      {"nobody@plain.example", "relay"},         // no verification
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address);
    EXPECT_EQ(milter_reply(*loaded.config, row.address), row.want);
  }
}

TEST(VerifyRecipient, TempfailsWhenTheConnectorsDirectoryIsUnusable) {
  Loaded loaded("", false);  // b.txt missing: loads, with a warning, and tempfails
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(milter_reply(*loaded.config, "known@dir.example"), "tempfail 451 4.4.3");
  EXPECT_EQ(milter_reply(*loaded.config, "nobody@plain.example"), "relay");
}

TEST(SocketmapVerify, AsksForPostfixsVerificationOnlyWhereTheSmtpMethodApplies) {
  Loaded loaded;
  ASSERT_TRUE(loaded.config);
  struct Row {
    std::string request, want;
  };
  const std::vector<Row> rows = {
      {"verify nobody@smtp.example", "OK reject_unverified_recipient"},
      {"verify here@smtp.example", "NOTFOUND "},       // a mailbox here: no probe
      {"verify nobody@dir.example", "NOTFOUND "},      // the milter verifies
      {"verify nobody@plain.example", "NOTFOUND "},    // not verified
      {"verify contact@plain.example", "NOTFOUND "},   // a contact
      {"verify someone@elsewhere.test", "NOTFOUND "},  // no route
      {"verify not an address", "NOTFOUND "},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.request);
    EXPECT_EQ(socketmap::answer(loaded.config.get(), row.request).payload(), row.want);
  }
}

TEST(SocketmapVerify, OnlyWarnsInObserveMode) {
  Loaded loaded(R"("mode": "observe",)");
  ASSERT_TRUE(loaded.config);
  EXPECT_EQ(socketmap::answer(loaded.config.get(), "verify nobody@smtp.example").payload(),
            "OK warn_if_reject reject_unverified_recipient");
}

}  // namespace
}  // namespace splitroute::core
