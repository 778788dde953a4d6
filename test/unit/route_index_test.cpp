// route_index_test.cpp - choosing the accepted domain and the send connector.
#include "core/route_index.hpp"

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

std::string accepted_text(const Ruleset& rules, std::string_view domain) {
  std::optional<std::uint32_t> index = rules.index->accepted_domain(domain);
  return index ? rules.accepted_domains[*index].pattern.text() : "none";
}

std::string chosen_name(const Ruleset& rules, const ConnectorChoice& choice) {
  return choice.connector ? rules.send_connectors[*choice.connector].name : "none";
}

TEST(RouteIndexAcceptedDomain, ExactBeatsWildcardAndLongestWildcardWins) {
  Ruleset rules = load_valid(rules_text(
      array({accepted("example.com", "authoritative"), accepted("*.example.com", "authoritative"),
             accepted("*.b.example.com", "authoritative"),
             accepted("exact.b.example.com", "authoritative")}),
      "[]"));
  struct Row {
    std::string domain, want;
  };
  const std::vector<Row> rows = {
      {"example.com", "example.com"},
      {"a.example.com", "*.example.com"},
      {"b.example.com", "*.example.com"},  // not a proper subdomain of b.example.com
      {"x.b.example.com", "*.b.example.com"},
      {"y.x.b.example.com", "*.b.example.com"},
      {"exact.b.example.com", "exact.b.example.com"},
      {"other.com", "none"},
      {"com", "none"},
      {"badexample.com", "none"},
      {"", "none"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.domain);
    EXPECT_EQ(accepted_text(rules, row.domain), row.want);
  }
}

TEST(RouteIndexAcceptedDomain, MatchCarriesTheDomainType) {
  Ruleset rules = load_valid(
      rules_text(array({accepted("example.com", "authoritative"),
                        accepted("shared.example.com", "internal_relay"),
                        accepted("*.hub.example.com", "external_relay")}),
                 array({connector("c", {"*"}, R"(, "smarthosts": ["relay.example"])")})));
  struct Row {
    std::string domain;
    std::uint32_t index;
    DomainType type;
  };
  const std::vector<Row> rows = {
      {"example.com", 0, DomainType::authoritative},
      {"shared.example.com", 1, DomainType::internal_relay},
      {"spoke.hub.example.com", 2, DomainType::external_relay},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.domain);
    std::optional<AcceptedMatch> match = rules.index->match_accepted(row.domain);
    ASSERT_TRUE(match.has_value());
    EXPECT_EQ(match->index, row.index);
    EXPECT_EQ(match->type, row.type);
    EXPECT_EQ(rules.index->accepted_domain(row.domain), row.index);
  }
  EXPECT_FALSE(rules.index->match_accepted("other.example").has_value());
}

TEST(RouteIndexBestConnector, BreaksTiesBySpecificityThenCostThenName) {
  struct Row {
    std::string name;
    std::vector<std::string> connectors;
    std::string domain, want;
  };
  const std::vector<Row> rows = {
      {"exact beats wildcard despite cost",
       {connector("wild", {"*.example.com:1"}), connector("exact", {"a.example.com:100"})},
       "a.example.com",
       "exact"},
      {"wildcard beats any",
       {connector("any", {"*:1"}), connector("wild", {"*.example.com:50"})},
       "a.example.com",
       "wild"},
      {"longer wildcard beats shorter",
       {connector("short", {"*.com:1"}), connector("long", {"*.example.com:9"})},
       "a.example.com",
       "long"},
      {"lower cost wins at equal specificity",
       {connector("dear", {"*.example.com:5"}), connector("cheap", {"*.example.com:2"})},
       "a.example.com",
       "cheap"},
      {"lower name wins at equal cost, in byte order",
       {connector("alpha", {"*:3"}), connector("Zeta", {"*:3"})},
       "a.example.com",
       "Zeta"},
      {"disabled connector is ignored",
       {connector("off", {"a.example.com"}, R"(, "enabled": false)"), connector("any", {"*"})},
       "a.example.com",
       "any"},
      {"cost compares one address space, not the connector",
       {connector("multi", {"a.example.com:9", "*:1"}), connector("single", {"a.example.com:4"})},
       "a.example.com",
       "single"},
      {"nothing matches", {connector("other", {"other.com"})}, "a.example.com", "none"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Ruleset rules = load_valid(rules_text("[]", array(row.connectors)));
    EXPECT_EQ(chosen_name(rules, rules.index->best_connector(row.domain, std::nullopt)), row.want);
  }
}

TEST(RouteIndexBestConnector, SkipsConnectorsTooSmallForTheMessage) {
  Ruleset rules = load_valid(rules_text(
      "[]", array({connector("small", {"a.example.com"}, R"(, "max_message_size": "1MB")"),
                   connector("medium", {"*.example.com"}, R"(, "max_message_size": "10MB")"),
                   connector("tiny", {"tiny.example.com"}, R"(, "max_message_size": 100)")})));
  struct Row {
    std::string name, domain;
    std::optional<std::uint64_t> size;
    std::string want;
    bool matched;
  };
  const std::vector<Row> rows = {
      {"fits the most specific", "a.example.com", kMiB / 2, "small", true},
      {"exactly the limit fits", "a.example.com", kMiB, "small", true},
      {"falls back to a less specific connector", "a.example.com", 2 * kMiB, "medium", true},
      {"unknown size is not filtered", "a.example.com", std::nullopt, "small", true},
      {"every match too small", "a.example.com", 20 * kMiB, "none", true},
      {"too small, then bigger wildcard", "tiny.example.com", 101, "medium", true},
      {"no match at all", "other.com", 1, "none", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ConnectorChoice choice = rules.index->best_connector(row.domain, row.size);
    EXPECT_EQ(chosen_name(rules, choice), row.want);
    EXPECT_EQ(choice.matched, row.matched);
  }
}

TEST(RouteIndexBestConnector, ListsEveryMatchWhenAskedWhatItConsidered) {
  Ruleset rules = load_valid(rules_text(
      "[]", array({connector("any-b", {"*:10"}), connector("any-a", {"*:10"}),
                   connector("wild", {"*.example.com:5"}),
                   connector("exact", {"a.example.com"}, R"(, "max_message_size": "1MB")"),
                   connector("unrelated", {"other.com"})})));
  std::vector<Considered> considered;
  ConnectorChoice choice = rules.index->best_connector("a.example.com", 2 * kMiB, &considered);
  EXPECT_EQ(chosen_name(rules, choice), "wild");
  struct Want {
    std::string name;
    bool too_small, chosen;
  };
  const std::vector<Want> want = {{"exact", true, false},
                                  {"wild", false, true},
                                  {"any-a", false, false},
                                  {"any-b", false, false}};
  ASSERT_EQ(considered.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(rules.send_connectors[considered[i].entry.connector].name, want[i].name);
    EXPECT_EQ(considered[i].too_small, want[i].too_small);
    EXPECT_EQ(considered[i].chosen, want[i].chosen);
    if (i > 0) {
      EXPECT_LE(considered[i].specificity, considered[i - 1].specificity);
    }
  }
}

TEST(RouteIndexBestConnector, IgnoresCaseAndTrailingDotOfPatterns) {
  Ruleset rules = load_valid(rules_text("[]", array({connector("c", {"Partner.EXAMPLE."})})));
  EXPECT_EQ(chosen_name(rules, rules.index->best_connector("partner.example", std::nullopt)), "c");
}

}  // namespace
}  // namespace splitroute::core
