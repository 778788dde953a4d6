// socketmap_handler_test.cpp - every answer of the socketmap's transport
// map and of Sendmail's maps, unknown maps, lookup errors and the log text,
// on real rule files and recipients files loaded the way the daemon loads them.
#include "socketmap/handler.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace splitroute::socketmap {
namespace {

constexpr const char* kRules = R"({
  "version": 1,
  "recipient_delimiter": "+",
  @LOCAL@
  "directory": {"type": "file", "path": "recipients.txt"},
  "accepted_domains": [
    {"domain": "example.com", "type": "authoritative"},
    {"domain": "shared.example.com", "type": "internal_relay"},
    {"domain": "*.hub.example.com", "type": "external_relay"}
  ],
  "send_connectors": [
    {"name": "partner", "address_spaces": [{"domain": "shared.example.com"}, {"domain": "partner.example.net"}],
     "smarthosts": ["[192.0.2.10]:25", "[192.0.2.11]:25"], "max_message_size": "1KB"},
    {"name": "hub", "address_spaces": [{"domain": "*.hub.example.com"}], "transport": "hub-tls",
     "require_tls": true},
    {"name": "dns", "address_spaces": [{"domain": "dns.example.org"}]},
    {"name": "v6", "address_spaces": [{"domain": "v6.example.org"}], "smarthosts": ["[IPv6:2001:db8::1]:2525"]}
  ]
})";

constexpr const char* kRecipients =
    "alice@example.com\n"
    "carol@shared.example.com\n"
    "dave@example.com dave@partner.example.net\n"
    "frank@example.com frank@dns.example.org\n"
    "gina@example.com gina@nowhere.example.net\n";

// LoadedConfig - a rule file and its recipients file in a private folder,
// loaded with runtime::load_config().
struct LoadedConfig {
  testing::TempDir dir;
  runtime::ConfigPtr config;

  explicit LoadedConfig(const std::string& local_transport_field = "", bool with_recipients = true) {
    std::string rules = kRules;
    rules.replace(rules.find("@LOCAL@"), 7, local_transport_field);
    std::string path = dir.write("rules.json", rules);
    if (with_recipients) dir.write("recipients.txt", kRecipients);
    runtime::ConfigLoad load = runtime::load_config(path);
    if (!load.config) ADD_FAILURE() << load.report();
    config = load.config;
  }
};

struct Row {
  std::string request, want;
};

void expect_payloads(const runtime::Config* config, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE("\"" + row.request + "\"");
    EXPECT_EQ(answer(config, row.request).payload(), row.want);
  }
}

TEST(SocketmapTransport, AnswersEveryVerdictInPostfixTransportSyntax) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(),
                  {
                      {"transport zed@shared.example.com", "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"},
                      {"transport dave@example.com", "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"},
                      {"transport someone@partner.example.net", "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"},
                      {"transport x@a.hub.example.com", "OK hub-tls:"},
                      {"transport someone@dns.example.org", "OK smtp:"},
                      {"transport frank@example.com", "OK smtp:dns.example.org"},
                      {"transport x@v6.example.org", "OK smtp:[2001:db8::1]:2525"},
                      {"transport nobody@example.com", "OK error:5.1.1 User unknown"},
                      {"transport alice@example.com", "NOTFOUND "},
                      {"transport Alice+news@Example.COM", "NOTFOUND "},
                      {"transport carol@shared.example.com", "NOTFOUND "},
                      {"transport someone@elsewhere.org", "NOTFOUND "},
                      {"transport gina@example.com", "NOTFOUND "},
                  });
}

TEST(SocketmapTransport, AnswersNotFoundForProbesAndMalformedKeys) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(), {
                                           {"transport *", "NOTFOUND "},
                                           {"transport ", "NOTFOUND "},
                                           {"transport", "NOTFOUND "},
                                           {"transport not an address", "NOTFOUND "},
                                           {"transport example.com", "NOTFOUND "},
                                           {"transport @example.com", "NOTFOUND "},
                                           {"transport <@a.example:u@example.com>", "NOTFOUND "},
                                           {"transport " + std::string(400, 'a') + "@example.com", "NOTFOUND "},
                                           {std::string("transport a\0b@example.com", 25), "NOTFOUND "},
                                       });
}

TEST(SocketmapTransport, SendsLocalRecipientsToLocalTransportWhenSet) {
  LoadedConfig loaded(R"("local_transport": "lmtp:unix:private/dovecot-lmtp",)");
  expect_payloads(loaded.config.get(),
                  {
                      {"transport alice@example.com", "OK lmtp:unix:private/dovecot-lmtp"},
                      {"transport carol@shared.example.com", "OK lmtp:unix:private/dovecot-lmtp"},
                      {"transport zed@shared.example.com", "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"},
                      {"transport someone@elsewhere.org", "NOTFOUND "},
                  });
}

TEST(SocketmapTransport, BouncesNothingInObserveMode) {
  LoadedConfig loaded(R"("mode": "observe",)");
  expect_payloads(loaded.config.get(),
                  {
                      {"transport nobody@example.com", "NOTFOUND "},
                      {"transport zed@shared.example.com", "OK smtp:[192.0.2.10]:25, [192.0.2.11]:25"},
                      {"transport alice@example.com", "NOTFOUND "},
                  });
}

TEST(SocketmapTransport, AnswersTempWhenTheDirectoryFails) {
  LoadedConfig loaded("", false);  // the recipients file is missing
  Reply reply = answer(loaded.config.get(), "transport bob@example.com");
  EXPECT_EQ(reply.payload(), "TEMP Directory lookup failed");
  EXPECT_NE(reply.detail.find("cannot read"), std::string::npos) << reply.detail;
  expect_payloads(loaded.config.get(), {
                                           {"transport zed@shared.example.com", "TEMP Directory lookup failed"},
                                           {"transport x@a.hub.example.com", "OK hub-tls:"},
                                           {"transport someone@elsewhere.org", "NOTFOUND "},
                                       });
}

TEST(SocketmapRequest, RefusesUnknownMapsAndAnswersTempWithoutConfiguration) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(), {
                                           {"virtual alice@example.com", "PERM unknown map virtual"},
                                           {"Transport alice@example.com", "PERM unknown map Transport"},
                                           {" transport alice@example.com", "PERM unknown map "},
                                           {"", "PERM unknown map "},
                                       });
  expect_payloads(nullptr, {
                               {"transport alice@example.com", "TEMP No configuration loaded"},
                               {"virtual alice@example.com", "PERM unknown map virtual"},
                           });
}

TEST(SocketmapRequest, SplitsMapAndKeyAtTheFirstSpace) {
  Reply reply = answer(nullptr, "transport a b@example.com");
  EXPECT_EQ(reply.map, "transport");
  EXPECT_EQ(reply.key, "a b@example.com");
}

TEST(SocketmapReply, LogTextNamesMapKeyReplyAndDetail) {
  struct LogRow {
    Reply reply;
    std::string want;
  };
  const std::vector<LogRow> rows = {
      {{"transport", "zed@shared.example.com", Status::ok, "smtp:[192.0.2.10]:25", ""},
       "map=transport key=<zed@shared.example.com> reply=OK smtp:[192.0.2.10]:25"},
      {{"transport", "*", Status::notfound, "", ""}, "map=transport key=<*> reply=NOTFOUND"},
      {{"transport", "bob@example.com", Status::temp, "Directory lookup failed", "server down"},
       "map=transport key=<bob@example.com> reply=TEMP Directory lookup failed (server down)"},
      {{"x", std::string(500, 'k'), Status::perm, "unknown map x", ""},
       "map=x key=<" + std::string(kMaxLoggedKey, 'k') + "> reply=PERM unknown map x"},
  };
  for (const LogRow& row : rows) {
    SCOPED_TRACE(row.want.substr(0, 60));
    EXPECT_EQ(log_text(row.reply), row.want);
  }
}

// ---------------------------------------------------------------- Sendmail
// FEATURE(ldap_routing)'s mailHost (ldapmh) and mailRoutingAddress (ldapmra)
// maps and FEATURE(mailertable), answered in mailertable syntax.

TEST(SocketmapSendmail, AnswersMailHostForEachRecipientInMailertableSyntax) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(),
                  {
                      {"ldapmh zed@shared.example.com", "OK relay:[192.0.2.10]:[192.0.2.11]"},
                      {"ldapmh dave@example.com", "OK relay:[192.0.2.10]:[192.0.2.11]"},
                      {"ldapmh frank@example.com", "OK esmtp:dns.example.org"},
                      {"ldapmh x@a.hub.example.com", "OK esmtp:a.hub.example.com"},
                      {"ldapmh x@v6.example.org", "OK splitroute_2525:[IPv6:2001:db8::1]"},
                      {"ldapmh nobody@example.com", "NOTFOUND "},
                      {"ldapmh alice@example.com", "NOTFOUND "},
                      {"ldapmh alice+news@example.com", "NOTFOUND "},
                      {"ldapmh carol@shared.example.com", "NOTFOUND "},
                      {"ldapmh gina@example.com", "NOTFOUND "},
                      {"ldapmh someone@elsewhere.org", "NOTFOUND "},
                      {"ldapmh @example.com", "NOTFOUND "},
                      {"ldapmh ", "NOTFOUND "},
                  });
}

TEST(SocketmapSendmail, LeavesRewritesToTheMilter) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(), {
                                           {"ldapmra zed@shared.example.com", "NOTFOUND "},
                                           {"ldapmra alice@example.com", "NOTFOUND "},
                                           {"ldapmra nobody@example.com", "NOTFOUND "},
                                       });
}

TEST(SocketmapSendmail, AnswersMailertableForDomainsRoutedAsAWhole) {
  LoadedConfig loaded;
  expect_payloads(loaded.config.get(),
                  {
                      {"mailertable partner.example.net", "OK relay:[192.0.2.10]:[192.0.2.11]"},
                      {"mailertable Partner.Example.NET.", "OK relay:[192.0.2.10]:[192.0.2.11]"},
                      {"mailertable a.hub.example.com", "OK esmtp:a.hub.example.com"},
                      {"mailertable dns.example.org", "OK esmtp:dns.example.org"},
                      {"mailertable v6.example.org", "OK splitroute_2525:[IPv6:2001:db8::1]"},
                      {"mailertable example.com", "NOTFOUND "},
                      {"mailertable shared.example.com", "NOTFOUND "},
                      {"mailertable hub.example.com", "NOTFOUND "},
                      {"mailertable elsewhere.org", "NOTFOUND "},
                      {"mailertable .example.net", "NOTFOUND "},
                      {"mailertable .", "NOTFOUND "},
                      {"mailertable relay:[192.0.2.10]:[192.0.2.11]", "NOTFOUND "},
                      {"mailertable esmtp:dns.example.org", "NOTFOUND "},
                      {"mailertable ", "NOTFOUND "},
                  });
}

TEST(SocketmapSendmail, AnswersTempForRecipientsWhenTheDirectoryFails) {
  LoadedConfig loaded("", false);  // the recipients file is missing
  expect_payloads(loaded.config.get(), {
                                           {"ldapmh bob@example.com", "TEMP Directory lookup failed"},
                                           {"ldapmh zed@shared.example.com", "TEMP Directory lookup failed"},
                                           {"ldapmh x@a.hub.example.com", "OK esmtp:a.hub.example.com"},
                                           {"mailertable partner.example.net", "OK relay:[192.0.2.10]:[192.0.2.11]"},
                                           {"mailertable example.com", "NOTFOUND "},
                                       });
  expect_payloads(nullptr, {
                               {"ldapmh bob@example.com", "TEMP No configuration loaded"},
                               {"mailertable partner.example.net", "TEMP No configuration loaded"},
                           });
}

}  // namespace
}  // namespace splitroute::socketmap
