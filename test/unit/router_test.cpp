// router_test.cpp - plans, decisions, replies, next hops and the trail.
#include "core/router.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core_rules_fixture.hpp"

namespace splitroute::core {
namespace {

using testing::accepted;
using testing::array;
using testing::connector;
using testing::kMiB;
using testing::load_valid;
using testing::rules_text;

// The shape of rules/example.json, with a DNS "*" connector of 50 MB.
std::string example_rules(std::string_view extra = R"("recipient_delimiter": "+-",)") {
  return rules_text(
      array({accepted("example.com", "authoritative", R"(, "name": "Example HQ")"),
             accepted("shared.example.com", "internal_relay"),
             accepted("*.hub.example.com", "external_relay")}),
      array({connector("partner", {"shared.example.com", "partner.example.net"},
                       R"(, "smarthosts": ["[192.0.2.10]:25", "[192.0.2.11]"],
                            "max_message_size": "20MB")"),
             connector("hub", {"*.hub.example.com"}, R"(, "smarthosts": ["hub.example.com:2525"])"),
             connector("outbound", {"*:10"}, R"(, "max_message_size": "50MB")")}),
      extra);
}

// Without a "*" connector: some recipients match no connector at all.
std::string rules_without_default_route() {
  return rules_text(
      array({accepted("example.com", "authoritative"),
             accepted("shared.example.com", "internal_relay")}),
      array({connector("partner", {"shared.example.com"}, R"(, "smarthosts": ["[192.0.2.10]"])")}));
}

Address must_parse(std::string_view text) {
  Address address;
  std::string error = parse_address(text, address);
  EXPECT_EQ(error, "") << "parse_address(\"" << text << "\")";
  return address;
}

DirectoryAnswer answer(Lookup result, std::string target = "") {
  return DirectoryAnswer{result, std::move(target), ""};
}

// Outcome - a decision in words, to compare whole rows at once.
struct Outcome {
  std::string verdict, reply, connector, route_domain;
  std::vector<std::string> nexthop;
  bool operator==(const Outcome&) const = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
  *os << "{" << o.verdict << ", \"" << o.reply << "\", " << o.connector << ", " << o.route_domain
      << ", [";
  for (const std::string& hop : o.nexthop) *os << hop << " ";
  *os << "]}";
}

Outcome outcome(const Ruleset& rules, const Address& address, const Decision& decision) {
  std::optional<Reply> reply = reply_for(decision, address);
  return {to_string(decision.verdict), reply ? reply->line() : "",
          decision.connector ? rules.send_connectors[*decision.connector].name : "",
          decision.route_domain, nexthop(rules, decision)};
}

Outcome decide_for(const Ruleset& rules, std::string_view text, const DirectoryAnswer& given,
                   std::optional<std::uint64_t> size, Trail* trail = nullptr) {
  Address address = must_parse(text);
  Plan planned = plan(rules, address);
  return outcome(rules, address, decide(rules, address, planned, given, size, trail));
}

TEST(Plan, LooksUpTheAddressThenItsBaseWhenTheDelimiterApplies) {
  Ruleset rules = load_valid(example_rules());
  struct Row {
    std::string address, accepted;
    bool needs_lookup;
    std::vector<std::string> keys;
  };
  const std::vector<Row> rows = {
      {"alice@example.com", "example.com", true, {"alice@example.com"}},
      {"Alice+Tag@Example.COM",
       "example.com",
       true,
       {"alice+tag@example.com", "alice@example.com"}},
      {"bob-list-x@shared.example.com",
       "shared.example.com",
       true,
       {"bob-list-x@shared.example.com", "bob@shared.example.com"}},
      {"+tag@example.com", "example.com", true, {"+tag@example.com"}},
      {"\"a+b\"@example.com", "example.com", true, {"\"a+b\"@example.com"}},
      {"x+y@spoke.hub.example.com", "*.hub.example.com", false, {}},
      {"x+y@elsewhere.example", "", false, {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address);
    Plan planned = plan(rules, must_parse(row.address));
    EXPECT_EQ(planned.accepted ? rules.accepted_domains[*planned.accepted].pattern.text() : "",
              row.accepted);
    EXPECT_EQ(planned.needs_lookup, row.needs_lookup);
    EXPECT_EQ(planned.keys.to_vector(), row.keys);
  }
}

TEST(Plan, UsesOneKeyWithoutRecipientDelimiter) {
  Ruleset rules = load_valid(example_rules(""));
  Plan planned = plan(rules, must_parse("alice+tag@example.com"));
  EXPECT_EQ(planned.keys.to_vector(), std::vector<std::string>{"alice+tag@example.com"});
}

TEST(Decide, FollowsTheDecisionTable) {
  Ruleset rules = load_valid(example_rules());
  const std::vector<std::string> partner_hops = {"[192.0.2.10]:25", "[192.0.2.11]:25"};
  struct Row {
    std::string name, address;
    DirectoryAnswer given;
    std::optional<std::uint64_t> size;
    Outcome want;
  };
  const std::vector<Row> rows = {
      {"authoritative, found",
       "alice@example.com",
       answer(Lookup::hit),
       1000,
       {"local", "", "", "", {}}},
      {"authoritative, not found",
       "Nobody@example.com",
       answer(Lookup::miss),
       1000,
       {"reject",
        "550 5.1.1 <Nobody@example.com>: Recipient address rejected: User unknown",
        "",
        "",
        {}}},
      {"authoritative, lookup failed",
       "alice@example.com",
       answer(Lookup::error),
       1000,
       {"tempfail", "451 4.4.3 Directory lookup failed, try again later", "", "", {}}},
      {"lookup skipped by the caller",
       "alice@example.com",
       answer(Lookup::none),
       1000,
       {"tempfail", "451 4.3.0 Internal error, try again later", "", "", {}}},
      {"internal relay, found",
       "carol@shared.example.com",
       answer(Lookup::hit),
       1000,
       {"local", "", "", "", {}}},
      {"internal relay, not found",
       "zed@shared.example.com",
       answer(Lookup::miss),
       1000,
       {"relay", "", "partner", "shared.example.com", partner_hops}},
      {"internal relay, lookup failed",
       "zed@shared.example.com",
       answer(Lookup::error),
       1000,
       {"tempfail", "451 4.4.3 Directory lookup failed, try again later", "", "", {}}},
      {"internal relay, too big for partner: less specific connector",
       "zed@shared.example.com",
       answer(Lookup::miss),
       30 * kMiB,
       {"relay", "", "outbound", "shared.example.com", {"shared.example.com"}}},
      {"internal relay, too big for every connector",
       "zed@shared.example.com",
       answer(Lookup::miss),
       60 * kMiB,
       {"reject",
        "552 5.3.4 Message too big for the route to shared.example.com",
        "",
        "shared.example.com",
        {}}},
      {"external relay: no lookup",
       "x@spoke.hub.example.com",
       answer(Lookup::none),
       1000,
       {"relay", "", "hub", "spoke.hub.example.com", {"[hub.example.com]:2525"}}},
      {"outside: DNS delivery",
       "x@elsewhere.example",
       answer(Lookup::none),
       std::nullopt,
       {"relay", "", "outbound", "elsewhere.example", {"elsewhere.example"}}},
      {"outside: too big",
       "x@elsewhere.example",
       answer(Lookup::none),
       60 * kMiB,
       {"reject",
        "552 5.3.4 Message too big for the route to elsewhere.example",
        "",
        "elsewhere.example",
        {}}},
      {"contact: routed by the target's domain",
       "dave@example.com",
       answer(Lookup::hit, "dave@partner.example.net"),
       1000,
       {"relay", "", "partner", "partner.example.net", partner_hops}},
      {"contact in an internal relay domain",
       "erin@shared.example.com",
       answer(Lookup::hit, "<Erin@Far.Example>"),
       1000,
       {"relay", "", "outbound", "far.example", {"far.example"}}},
      {"contact: too big for the target's route",
       "dave@example.com",
       answer(Lookup::hit, "dave@partner.example.net"),
       60 * kMiB,
       {"reject",
        "552 5.3.4 Message too big for the route to partner.example.net",
        "",
        "partner.example.net",
        {}}},
      {"contact with a malformed target",
       "dave@example.com",
       answer(Lookup::hit, "not an address"),
       1000,
       {"tempfail", "451 4.4.3 Directory lookup failed, try again later", "", "", {}}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(decide_for(rules, row.address, row.given, row.size), row.want);
  }
}

TEST(Decide, LeavesRecipientsWithoutAConnectorToTheMta) {
  Ruleset rules = load_valid(rules_without_default_route());
  struct Row {
    std::string name, address;
    DirectoryAnswer given;
  };
  const std::vector<Row> rows = {
      {"outside every accepted domain", "x@elsewhere.example", answer(Lookup::none)},
      {"contact whose target has no connector", "dave@example.com",
       answer(Lookup::hit, "dave@elsewhere.example")},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(decide_for(rules, row.address, row.given, 1000), (Outcome{"none", "", "", "", {}}));
  }
}

TEST(Decide, RecordsLookupAndAcceptedDomain) {
  Ruleset rules = load_valid(example_rules());
  Address address = must_parse("zed@shared.example.com");
  Decision decision = decide(rules, address, plan(rules, address), answer(Lookup::miss), 1000);
  EXPECT_EQ(decision.lookup, Lookup::miss);
  ASSERT_TRUE(decision.accepted.has_value());
  EXPECT_EQ(rules.accepted_domains[*decision.accepted].pattern.text(), "shared.example.com");

  Address outside = must_parse("x@elsewhere.example");
  Decision unlooked = decide(rules, outside, plan(rules, outside), answer(Lookup::hit), 1000);
  EXPECT_EQ(unlooked.lookup, Lookup::none);  // no lookup was planned, the answer is ignored
  EXPECT_FALSE(unlooked.accepted.has_value());
}

TEST(DecideTrail, ExplainsEachStepForThePostmaster) {
  Ruleset rules = load_valid(example_rules());
  struct Row {
    std::string name, address;
    DirectoryAnswer given;
    std::optional<std::uint64_t> size;
    std::vector<std::string> want;
  };
  const std::vector<Row> rows = {
      {"mailbox",
       "alice+news@example.com",
       answer(Lookup::hit),
       1000,
       {"accepted domain: example.com (authoritative, \"Example HQ\")",
        "directory: hit for alice+news@example.com then alice@example.com",
        "verdict: local delivery by the MTA's own routing (no local_transport)"}},
      {"unknown user",
       "nobody@example.com",
       DirectoryAnswer{Lookup::miss, "", "cache"},
       1000,
       {"accepted domain: example.com (authoritative, \"Example HQ\")",
        "directory: miss for nobody@example.com (cache)", "verdict: reject",
        "reply: 550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"}},
      {"relay to the partner",
       "zed@shared.example.com",
       answer(Lookup::miss),
       1000,
       {"accepted domain: shared.example.com (internal_relay, \"shared.example.com\")",
        "directory: miss for zed@shared.example.com",
        "connector partner: shared.example.com cost 1 (exact) — chosen",
        "connector outbound: * cost 10 (any) — less specific",
        "verdict: relay via partner to [192.0.2.10]:25, [192.0.2.11]:25"}},
      {"partner too small",
       "zed@shared.example.com",
       answer(Lookup::miss),
       30000000,
       {"accepted domain: shared.example.com (internal_relay, \"shared.example.com\")",
        "directory: miss for zed@shared.example.com",
        "connector partner: skipped, max_message_size 20971520 < 30000000",
        "connector outbound: * cost 10 (any) — chosen",
        "verdict: relay via outbound to shared.example.com by DNS (MX)"}},
      {"contact",
       "dave@example.com",
       answer(Lookup::hit, "dave@partner.example.net"),
       1000,
       {"accepted domain: example.com (authoritative, \"Example HQ\")",
        "directory: hit for dave@example.com — contact, target dave@partner.example.net",
        "connector partner: partner.example.net cost 1 (exact) — chosen",
        "connector outbound: * cost 10 (any) — less specific",
        "verdict: relay via partner to [192.0.2.10]:25, [192.0.2.11]:25"}},
      {"directory down",
       "alice@example.com",
       DirectoryAnswer{Lookup::error, "", "ldap://ldap.example.com/: timed out"},
       1000,
       {"accepted domain: example.com (authoritative, \"Example HQ\")",
        "directory: error for alice@example.com (ldap://ldap.example.com/: timed out)",
        "verdict: tempfail", "reply: 451 4.4.3 Directory lookup failed, try again later"}},
      {"outside",
       "x@elsewhere.example",
       answer(Lookup::none),
       60 * kMiB,
       {"accepted domain: none (elsewhere.example is not one of ours)",
        "connector outbound: skipped, max_message_size 52428800 < 62914560", "verdict: reject",
        "reply: 552 5.3.4 Message too big for the route to elsewhere.example"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Trail trail;
    decide_for(rules, row.address, row.given, row.size, &trail);
    EXPECT_EQ(trail, row.want);
  }
}

TEST(DecideTrail, DoesNotChangeTheDecision) {
  Ruleset rules = load_valid(example_rules());
  const std::vector<std::pair<std::string, DirectoryAnswer>> rows = {
      {"alice@example.com", answer(Lookup::hit)},
      {"nobody@example.com", answer(Lookup::miss)},
      {"zed@shared.example.com", answer(Lookup::miss)},
      {"dave@example.com", answer(Lookup::hit, "dave@partner.example.net")},
      {"x@elsewhere.example", answer(Lookup::none)},
  };
  for (const auto& [address, given] : rows) {
    for (std::optional<std::uint64_t> size :
         {std::optional<std::uint64_t>(), std::optional(30 * kMiB), std::optional(60 * kMiB)}) {
      SCOPED_TRACE(address + " size " + std::to_string(size.value_or(0)));
      Trail trail;
      EXPECT_EQ(decide_for(rules, address, given, size, &trail),
                decide_for(rules, address, given, size));
      EXPECT_FALSE(trail.empty());
    }
  }
}

TEST(DecideTrail, SaysWhyAContactTargetIsUnusable) {
  Ruleset rules = load_valid(example_rules());
  Trail trail;
  decide_for(rules, "dave@example.com", answer(Lookup::hit, "dave at partner"), 1000, &trail);
  const std::vector<std::string> want = {
      "accepted domain: example.com (authoritative, \"Example HQ\")",
      "directory: hit for dave@example.com — contact, target dave at partner",
      "contact target \"dave at partner\" is malformed: missing '@'",
      "verdict: tempfail",
      "reply: 451 4.4.3 Directory lookup failed, try again later",
  };
  EXPECT_EQ(trail, want);
}

TEST(DecideTrail, NamesTheTieBreakThatLost) {
  Ruleset rules =
      load_valid(rules_text("[]", array({connector("beta", {"*:5"}), connector("alpha", {"*:5"}),
                                         connector("dear", {"*:9"})})));
  Trail trail;
  decide_for(rules, "x@elsewhere.example", answer(Lookup::none), std::nullopt, &trail);
  const std::vector<std::string> want = {
      "accepted domain: none (elsewhere.example is not one of ours)",
      "connector alpha: * cost 5 (any) — chosen",
      "connector beta: * cost 5 (any) — same cost, name sorts after alpha",
      "connector dear: * cost 9 (any) — higher cost",
      "verdict: relay via alpha to elsewhere.example by DNS (MX)",
  };
  EXPECT_EQ(trail, want);
}

TEST(DecideTrail, SaysWhenNoConnectorMatches) {
  Ruleset rules = load_valid(rules_without_default_route());
  Trail trail;
  decide_for(rules, "dave@example.com", answer(Lookup::hit, "dave@elsewhere.example"), 1000,
             &trail);
  const std::vector<std::string> want = {
      "accepted domain: example.com (authoritative, \"example.com\")",
      "directory: hit for dave@example.com — contact, target dave@elsewhere.example",
      "connectors: none matches elsewhere.example",
      "verdict: none — left to the MTA's own routing",
  };
  EXPECT_EQ(trail, want);
}

TEST(Nexthop, IsEmptyUnlessTheVerdictIsRelay) {
  Ruleset rules = load_valid(example_rules());
  for (Lookup result : {Lookup::hit, Lookup::miss, Lookup::error}) {
    SCOPED_TRACE(to_string(result));
    EXPECT_EQ(decide_for(rules, "alice@example.com", answer(result), 1000).nexthop,
              std::vector<std::string>{});
  }
}

TEST(Nexthop, WritesIpv6LiteralsAsPostfixExpects) {
  Ruleset rules = load_valid(rules_text(
      "[]", array({connector("v6", {"*"}, R"(, "smarthosts": ["[IPv6:2001:db8::1]:587"])")})));
  EXPECT_EQ(decide_for(rules, "x@elsewhere.example", answer(Lookup::none), 1).nexthop,
            std::vector<std::string>{"[2001:db8::1]:587"});
}

TEST(ToString, NamesVerdictsAndLookups) {
  EXPECT_STREQ(to_string(Verdict::local), "local");
  EXPECT_STREQ(to_string(Verdict::relay), "relay");
  EXPECT_STREQ(to_string(Verdict::reject), "reject");
  EXPECT_STREQ(to_string(Verdict::tempfail), "tempfail");
  EXPECT_STREQ(to_string(Verdict::none), "none");
  EXPECT_STREQ(to_string(Lookup::none), "none");
  EXPECT_STREQ(to_string(Lookup::hit), "hit");
  EXPECT_STREQ(to_string(Lookup::miss), "miss");
  EXPECT_STREQ(to_string(Lookup::error), "error");
}

}  // namespace
}  // namespace splitroute::core
