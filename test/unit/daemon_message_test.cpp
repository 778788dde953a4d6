// daemon_message_test.cpp - the milter's per-transaction decisions: route
// keys, the one-route rule, recipient limits, message verdicts, log lines.
//
// The daemon's sources are not part of the library, so the pure message
// logic is compiled into this test directly; the directory is a fixed
// in-memory table.
#include "daemon/message.cpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rules_json.hpp"
#include "runtime/config.hpp"

namespace splitroute::daemon {
namespace {

constexpr const char* kRules = R"({
  "version": 1,
  "organization": "test-org",
  "directory": {"type": "file", "path": "recipients.txt"},
  "accepted_domains": [
    {"domain": "example.com", "type": "authoritative"},
    {"domain": "shared.example.com", "type": "internal_relay"},
    {"domain": "*.hub.example.com", "type": "external_relay"},
    {"domain": "sites.example.com", "type": "internal_relay"}
  ],
  "send_connectors": [
    {"name": "partner", "address_spaces": [{"domain": "shared.example.com"}],
     "smarthosts": ["[192.0.2.10]:25", "[192.0.2.11]:25"], "max_message_size": "1KB"},
    {"name": "hub", "hook": "header", "address_spaces": [{"domain": "*.hub.example.com"}],
     "smarthosts": ["[192.0.2.20]:2525", "[192.0.2.21]:2525"]},
    {"name": "paris", "address_spaces": [{"domain": "sites.example.com"}, {"domain": "paris.example.local"}],
     "smarthosts": ["[192.0.2.30]"], "rewrite_domain": "paris.example.local"}
  ]
})";

// TableDirectory - alice@example.com is a mailbox; everything else misses.
class TableDirectory final : public directory::Directory {
 public:
  directory::Answer lookup(std::string_view key) override {
    if (key == "alice@example.com") return {core::Lookup::hit, {}, {}};
    return {core::Lookup::miss, {}, {}};
  }
  std::string describe() const override { return "table"; }
};

class MessageTest : public ::testing::Test {
 protected:
  MessageTest() {
    core::LoadResult loaded = core::load_rules(kRules, "/etc/splitroute");
    if (!loaded.ok()) ADD_FAILURE() << loaded.diagnostics.front().text();
    config_.rules = std::move(*loaded.rules);
    config_.directory = std::make_shared<TableDirectory>();
  }

  runtime::Resolution resolve(std::string_view address, std::optional<std::uint64_t> size = {}) {
    return runtime::resolve(config_, address, size);
  }

  std::string answer(Message& message, std::string_view address) {
    RcptOutcome outcome = judge_recipient(rules(), resolve(address), message);
    return outcome.reply ? outcome.reply->line() : "continue";
  }

  const core::Ruleset& rules() const { return config_.rules; }

  runtime::Config config_;
};

TEST_F(MessageTest, RouteKeyIsTheFirstSmarthostOfAHeaderHookRelayOnly) {
  struct Row {
    std::string address;
    std::string want;
  };
  const std::vector<Row> rows = {
      {"x@a.hub.example.com", "smtp:[192.0.2.20]:2525"},
      {"carol2@shared.example.com", ""},  // relay without hook
      {"alice@example.com", ""},          // local
      {"nobody@example.com", ""},         // reject
      {"x@elsewhere.example", ""},        // none
      {"not an address", ""},             // malformed
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address);
    EXPECT_EQ(route_key(rules(), resolve(row.address)), row.want);
  }
}

TEST(Transaction, FirstAcceptedRecipientFixesTheRoute) {
  struct Row {
    std::vector<std::string> keys;
    std::vector<Admission> want;
  };
  const std::vector<Row> rows = {
      {{"", "", ""}, {Admission::accept, Admission::accept, Admission::accept}},
      {{"smtp:[h]:1", "smtp:[h]:1", ""}, {Admission::accept, Admission::accept, Admission::different_route}},
      {{"", "smtp:[h]:1", ""}, {Admission::accept, Admission::different_route, Admission::accept}},
      {{"smtp:[a]:1", "smtp:[b]:1"}, {Admission::accept, Admission::different_route}},
  };
  for (const Row& row : rows) {
    Transaction transaction;
    for (std::size_t i = 0; i < row.keys.size(); ++i) {
      SCOPED_TRACE(i);
      EXPECT_EQ(transaction.admit(row.keys[i]), row.want[i]);
    }
  }
}

TEST(Transaction, RefusesRecipientsBeyondTheLimit) {
  Transaction transaction;
  for (std::size_t i = 0; i < kMaxRecipients; ++i) ASSERT_EQ(transaction.admit(""), Admission::accept);
  EXPECT_EQ(transaction.admit(""), Admission::too_many);
  EXPECT_EQ(transaction.accepted(), kMaxRecipients);
}

TEST_F(MessageTest, JudgeRecipientAnswersEachCase) {
  Message message("test-org");
  EXPECT_EQ(answer(message, "alice@example.com"), "continue");
  EXPECT_EQ(answer(message, "nobody@example.com"),
            "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
  EXPECT_EQ(answer(message, "<@route,@x:a@b>"),
            "501 5.1.3 Bad recipient address syntax: source routes (\"<@relay.example:user@example.com>\") "
            "are not accepted");
  EXPECT_EQ(answer(message, "<a@m\xfc" "nchen.example>"),
            "501 5.1.3 Bad recipient address syntax: domain \"m\xEF\xBF\xBD" "nchen.example\" is not valid: "
            "not valid UTF-8");
  EXPECT_EQ(answer(message, "carol2@shared.example.com"), "continue");
  EXPECT_EQ(answer(message, "x@a.hub.example.com"), "452 4.5.3 Different route, send in a separate transaction");
  EXPECT_EQ(message.transaction.accepted(), 2u);
  EXPECT_EQ(message.relayed, std::vector<core::RecipientHash>{core::recipient_hash("carol2@shared.example.com")});
}

TEST_F(MessageTest, JudgeRecipientRecordsARelayedRecipientOnce) {
  Message message("test-org");
  EXPECT_EQ(answer(message, "carol2@shared.example.com"), "continue");
  EXPECT_EQ(answer(message, "Carol2@Shared.Example.Com"), "continue");
  EXPECT_EQ(message.relayed.size(), 1u);
}

TEST_F(MessageTest, JudgeRecipientPassesTheCoreSizeReply) {
  Message message("test-org");
  RcptOutcome outcome = judge_recipient(rules(), resolve("carol2@shared.example.com", 4096), message);
  ASSERT_TRUE(outcome.reply.has_value());
  EXPECT_EQ(outcome.reply->line(), "552 5.3.4 Message too big for the route to shared.example.com");
  EXPECT_EQ(message.transaction.accepted(), 0u);
}

TEST(EsmtpSize, ReadsThePlainDecimalSizeArgument) {
  struct Row {
    std::vector<std::string_view> args;
    std::optional<std::uint64_t> want;
  };
  const std::vector<Row> rows = {
      {{"SIZE=1000"}, 1000},
      {{"BODY=8BITMIME", "size=5"}, 5},
      {{}, std::nullopt},
      {{"BODY=8BITMIME"}, std::nullopt},
      {{"SIZE="}, std::nullopt},
      {{"SIZE=12a"}, std::nullopt},
      {{"SIZE=-1"}, std::nullopt},
      {{"SIZE=99999999999999999999999"}, std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.args.empty() ? "none" : std::string(row.args.back()));
    EXPECT_EQ(esmtp_size(row.args), row.want);
  }
}

TEST(EscapeReplyText, DoublesPercentAndHidesControlCharacters) {
  EXPECT_EQ(escape_reply_text("<a%b@example.com>"), "<a%%b@example.com>");
  EXPECT_EQ(escape_reply_text("a\r\nb"), "a??b");
  EXPECT_EQ(escape_reply_text(std::string(2000, 'x')).size(), kMaxReplyText);
}

TEST(JudgeMessage, RejectsTooManyHopsAndLoopsAsConfigured) {
  core::Ruleset rules;
  rules.loop.max_hops = 2;
  core::RecipientHash hash = core::recipient_hash("carol2@shared.example.com");

  Message hops("test-org");
  for (int i = 0; i < 3; ++i) hops.guard.on_header("Received", "x");
  EXPECT_EQ(judge_message(rules, hops).reply->line(), "554 5.4.6 Hop count exceeded - possible mail loop");

  Message loop("test-org");
  loop.relayed.push_back(hash);
  loop.guard.on_header("X-Splitroute-Trace", core::format_trace("test-org", hash));
  EXPECT_EQ(judge_message(rules, loop).reply->line(), "554 5.4.6 Routing loop detected");

  rules.loop.action = core::LoopAction::quarantine;
  MessageVerdict held = judge_message(rules, loop);
  EXPECT_FALSE(held.reply.has_value());
  EXPECT_EQ(held.quarantine, "Routing loop detected: rcpt=98f5b412f508af6a org=test-org");

  Message clean("test-org");
  clean.relayed.push_back(hash);
  MessageVerdict fine = judge_message(rules, clean);
  EXPECT_FALSE(fine.reply.has_value());
  EXPECT_EQ(fine.quarantine, "");
}

TEST_F(MessageTest, HeadersToAddAreRouteThenOneTracePerRelayedRecipient) {
  Message message("test-org");
  answer(message, "x@a.hub.example.com");
  answer(message, "y@b.hub.example.com");
  std::vector<Header> want = {
      {"X-Splitroute-Route", "smtp:[192.0.2.20]:2525"},
      {"X-Splitroute-Trace", core::format_trace("test-org", core::recipient_hash("x@a.hub.example.com"))},
      {"X-Splitroute-Trace", core::format_trace("test-org", core::recipient_hash("y@b.hub.example.com"))},
  };
  EXPECT_EQ(headers_to_add(message), want);
  EXPECT_TRUE(headers_to_add(Message("test-org")).empty());
}

TEST_F(MessageTest, RcptLogLineHasTheStableFields) {
  struct Row {
    std::string queue_id, address, want;
  };
  const std::vector<Row> rows = {
      {"", "alice@example.com",
       "NOQUEUE: rcpt=<alice@example.com> domain=example.com type=authoritative lookup=hit verdict=local "
       "connector=- nexthop=- reply=-"},
      {"4F2A", "<nobody@example.com>",
       "4F2A: rcpt=<nobody@example.com> domain=example.com type=authoritative lookup=miss verdict=reject "
       "connector=- nexthop=- reply=550 5.1.1"},
      {"", "carol2@shared.example.com",
       "NOQUEUE: rcpt=<carol2@shared.example.com> domain=shared.example.com type=internal_relay lookup=miss "
       "verdict=relay connector=partner nexthop=[192.0.2.10]:25,[192.0.2.11]:25 reply=-"},
      {"", "x@elsewhere.example",
       "NOQUEUE: rcpt=<x@elsewhere.example> domain=elsewhere.example type=- lookup=none verdict=none "
       "connector=- nexthop=- reply=-"},
      {"", "<bad address>",
       "NOQUEUE: rcpt=<bad address> domain=- type=- lookup=none verdict=reject connector=- nexthop=- "
       "reply=501 5.1.3"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address);
    Message message("test-org");
    runtime::Resolution r = resolve(row.address);
    RcptOutcome outcome = judge_recipient(rules(), r, message);
    EXPECT_EQ(rcpt_log_line(row.queue_id, row.address, rules(), r, outcome.reply), row.want);
  }
}

TEST_F(MessageTest, LogLinesSayWhatObserveModeWouldDo) {
  config_.rules.mode = core::Mode::observe;
  Message message("test-org");
  runtime::Resolution r = resolve("nobody@example.com");
  RcptOutcome outcome = judge_recipient(rules(), r, message);
  EXPECT_TRUE(rcpt_log_line("", "nobody@example.com", rules(), r, outcome.reply)
                  .ends_with("reply=550 5.1.1 (observe: would reject)"));

  for (int i = 0; i < 31; ++i) message.guard.on_header("Received", "x");
  EXPECT_EQ(message_log_line(rules(), message, judge_message(rules(), message)),
            "NOQUEUE: message rcpts=0 to=- relayed=0 hops=31 loop=hop_count rcpt_hash=- action=accept reply=554 5.4.6 "
            "(observe: would reject)");
}

TEST_F(MessageTest, MessageLogLineNamesTheLoopingHash) {
  Message message("test-org");
  message.queue_id = "4F2A";
  answer(message, "carol2@shared.example.com");
  message.guard.on_header("X-Splitroute-Trace",
                          core::format_trace("test-org", core::recipient_hash("carol2@shared.example.com")));
  EXPECT_EQ(message_log_line(rules(), message, judge_message(rules(), message)),
            "4F2A: message rcpts=1 to=<carol2@shared.example.com> relayed=1 hops=0 loop=trace rcpt_hash=98f5b412f508af6a action=reject "
            "reply=554 5.4.6");
}

TEST_F(MessageTest, MessageLogLineListsTheAcceptedRecipients) {
  Message message("test-org");
  message.queue_id = "4F2B";
  answer(message, "alice@example.com");
  answer(message, "nobody@example.com");  // refused: not part of the message
  answer(message, "carol2@shared.example.com");
  EXPECT_TRUE(message_log_line(rules(), message, judge_message(rules(), message))
                  .starts_with("4F2B: message rcpts=2 to=<alice@example.com>,<carol2@shared.example.com> relayed=1 "));
}

TEST(RecipientList, CountsWhatIsBeyondItsBounds) {
  RecipientList list;
  for (std::size_t i = 0; i < kMaxListedRecipients + 3; ++i) list.add("user" + std::to_string(i), "example.com");
  EXPECT_EQ(list.listed, kMaxListedRecipients);
  EXPECT_EQ(list.unlisted, 3u);
  EXPECT_TRUE(list.text.starts_with("<user0@example.com>,<user1@example.com>,"));
  EXPECT_LE(list.text.size(), kMaxRecipientList);

  RecipientList huge;
  huge.add(std::string(kMaxRecipientList, 'a'), "example.com");
  EXPECT_EQ(huge.text, "");
  EXPECT_EQ(huge.unlisted, 1u);
}

TEST(Xtext, EncodesPlusEqualsControlsSpaceAndNonAscii) {
  struct Row {
    std::string text, want;
  };
  const std::vector<Row> rows = {
      {"alice@example.com", "alice@example.com"},
      {"a+b@example.com", "a+2Bb@example.com"},
      {"a=b@example.com", "a+3Db@example.com"},
      {"\"a b\"@example.com", "\"a+20b\"@example.com"},
      {"a\tb", "a+09b"},
      {"j\xC3\xB6rg@example.com", "j+C3+B6rg@example.com"},
      {"!#$%&'*-/?^_`{|}~", "!#$%&'*-/?^_`{|}~"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    EXPECT_EQ(xtext(row.text), row.want);
  }
}

TEST_F(MessageTest, RewritesOnlyRecipientsRelayedThroughARewriteConnector) {
  struct Row {
    std::string raw;
    std::vector<std::string_view> args;
    std::optional<RecipientRewrite> want;
  };
  const std::vector<Row> rows = {
      {"<alice@sites.example.com>", {},
       RecipientRewrite{"<alice@sites.example.com>", "<alice@paris.example.local>",
                        "ORCPT=rfc822;alice@sites.example.com"}},
      {"<Alice+news@Sites.Example.COM>", {"SIZE=5"},
       RecipientRewrite{"<Alice+news@Sites.Example.COM>", "<Alice+news@paris.example.local>",
                        "ORCPT=rfc822;Alice+2Bnews@Sites.Example.COM"}},
      {"<bob@sites.example.com>", {"ORCPT=rfc822;bob@old.example", "NOTIFY=SUCCESS,FAILURE"},
       RecipientRewrite{"<bob@sites.example.com>", "<bob@paris.example.local>",
                        "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@old.example"}},
      {"bob@sites.example.com", {"notify=NEVER"},
       RecipientRewrite{"bob@sites.example.com", "<bob@paris.example.local>",
                        "notify=NEVER ORCPT=rfc822;bob@sites.example.com"}},
      {"<x@paris.example.local>", {},
       RecipientRewrite{"<x@paris.example.local>", "<x@paris.example.local>", "ORCPT=rfc822;x@paris.example.local"}},
      {"<carol2@shared.example.com>", {}, std::nullopt},  // relayed, no rewrite_domain
      {"<alice@example.com>", {}, std::nullopt},          // local
      {"<nobody@example.com>", {}, std::nullopt},         // rejected
      {"<x@elsewhere.example>", {}, std::nullopt},        // none
      {"<not an address>", {}, std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.raw);
    std::optional<RecipientRewrite> got = rewrite_for(rules(), resolve(row.raw), row.raw, row.args);
    ASSERT_EQ(got.has_value(), row.want.has_value());
    if (!got) continue;
    EXPECT_EQ(got->original, row.want->original);
    EXPECT_EQ(got->replacement, row.want->replacement);
    EXPECT_EQ(got->esmtp_args, row.want->esmtp_args);
  }
}

TEST(NoteRewrite, KeepsOneRewritePerOriginalRecipient) {
  Message message("test-org");
  note_rewrite(message, {"<a@x>", "<a@y>", "ORCPT=rfc822;a@x"});
  note_rewrite(message, {"<b@x>", "<b@y>", "ORCPT=rfc822;b@x"});
  note_rewrite(message, {"<a@x>", "<a@y>", "ORCPT=rfc822;a@x"});
  ASSERT_EQ(message.rewrites.size(), 2u);
  EXPECT_EQ(message.rewrites[0].original, "<a@x>");
  EXPECT_EQ(message.rewrites[1].original, "<b@x>");
}

TEST(RewriteLogLine, NamesOriginalReplacementAndArguments) {
  RecipientRewrite rewrite{"<alice@sites.example.com>", "<alice@paris.example.local>",
                           "ORCPT=rfc822;alice@sites.example.com"};
  EXPECT_EQ(rewrite_log_line("4F2A", rewrite),
            "4F2A: rewrite rcpt=<alice@sites.example.com> to=<alice@paris.example.local> "
            "args=ORCPT=rfc822;alice@sites.example.com");
  EXPECT_TRUE(rewrite_log_line("", rewrite).starts_with("NOQUEUE: rewrite "));
}

}  // namespace
}  // namespace splitroute::daemon
