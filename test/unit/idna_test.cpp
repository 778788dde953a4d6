// idna_test.cpp - IDN domains in either form, and Unicode local parts.
#include "core/idna.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/address.hpp"
#include "core/router.hpp"
#include "core/utf8.hpp"
#include "core_rules_fixture.hpp"

namespace splitroute::core {
namespace {

using testing::accepted;
using testing::array;
using testing::connector;
using testing::load_valid;
using testing::rules_text;

constexpr std::string_view kMuenchenA = "xn--mnchen-3ya.example";
constexpr std::string_view kBuecherA = "xn--bcher-kva.example";

TEST(CanonicalDomain, GivesTheLowerCaseALabelForEitherForm) {
  struct Row {
    std::string name, input, want;
  };
  const std::vector<Row> rows = {
      {"ASCII", "Example.COM.", "example.com"},
      {"U-label", "münchen.example", std::string(kMuenchenA)},
      {"upper-case U-label", "MÜNCHEN.example", std::string(kMuenchenA)},
      {"mixed case", "MüNchen.Example", std::string(kMuenchenA)},
      {"decomposed u + combining diaeresis", "mu\xcc\x88nchen.example", std::string(kMuenchenA)},
      {"upper-case A-label", "XN--MNCHEN-3YA.EXAMPLE", std::string(kMuenchenA)},
      {"A-label", "xn--bcher-kva.example", std::string(kBuecherA)},
      {"non-transitional sharp s", "faß.de", "xn--fa-hia.de"},
      {"trailing dot", "bücher.example.", std::string(kBuecherA)},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    std::string out;
    EXPECT_EQ(canonical_domain(row.input, out), std::nullopt);
    EXPECT_EQ(out, row.want);
  }
}

TEST(CanonicalDomain, RefusesInvalidIdnsWithLibidn2sReason) {
  struct Row {
    std::string name, input, want;  // want: part of the reason
  };
  const std::vector<Row> rows = {
      {"bad Punycode", "xn--zz.example", "invalid punycode"},
      {"disallowed code point", "a\xe2\x80\x90" "b.example", "disallowed character"},
      {"label over 63 octets once encoded", "ü" + std::string(60, 'a') + ".example", "too large"},
      {"invalid UTF-8", "m\xfc" "nchen.example", "not valid UTF-8"},
      {"A-label that decodes to nothing allowed", "xn--a.example", "domain label"},
      {"underscore in an IDN", "b\xc3\xbc_cher.example", "'_' is not allowed"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    std::string out;
    std::optional<std::string> why = canonical_domain(row.input, out);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find(row.want), std::string::npos) << *why;
  }
}

TEST(DisplayDomain, ShowsBothFormsOfAnIdnOnly) {
  EXPECT_EQ(display_domain(kBuecherA), "bücher.example (xn--bcher-kva.example)");
  EXPECT_EQ(display_domain("example.com"), "example.com");
  EXPECT_EQ(unicode_domain(kMuenchenA), "münchen.example");
}

TEST(FoldLocalPart, FoldsCaseAndNormalisesNonAsciiLocalParts) {
  struct Row {
    std::string input, want;
  };
  const std::vector<Row> rows = {
      {"Alice.Smith", "alice.smith"},
      {"ÄNNA", "änna"},
      {"A\xcc\x88nna", "änna"},  // decomposed A + combining diaeresis
      {"JÜRGEN+Tag", "jürgen+tag"},
      {"STRAßE", "strasse"},  // full case folding
      {"ΔΗΜΉΤΡΗΣ", "δημήτρησ"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    std::string out;
    fold_local_part(row.input, out);
    EXPECT_EQ(out, row.want);
  }
}

TEST(ValidUtf8, ReplacesEachBadOctetAndKeepsGoodText) {
  EXPECT_EQ(valid_utf8("münchen"), "münchen");
  EXPECT_EQ(valid_utf8("m\xfc" "nchen"), "m\xEF\xBF\xBD" "nchen");
  EXPECT_EQ(valid_utf8("a\xc3"), "a\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(valid_utf8("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80")));
}

TEST(IdnAddress, KeepsTheWrittenFormAndLooksUpBothForms) {
  struct Row {
    std::string input, text, domain, key, other_key;
  };
  const std::vector<Row> rows = {
      {"<Anna@MÜNCHEN.example>", "Anna@MÜNCHEN.example", std::string(kMuenchenA),
       "anna@münchen.example", "anna@xn--mnchen-3ya.example"},
      {"anna@XN--MNCHEN-3YA.example", "anna@xn--mnchen-3ya.example", std::string(kMuenchenA),
       "anna@xn--mnchen-3ya.example", "anna@münchen.example"},
      {"Jürgen@example.com", "Jürgen@example.com", "example.com", "jürgen@example.com", ""},
      {"ju\xcc\x88rgen@example.com", "ju\xcc\x88rgen@example.com", "example.com",
       "jürgen@example.com", ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    Address address;
    ASSERT_EQ(parse_address(row.input, address), "");
    EXPECT_EQ(address.text(), row.text);
    EXPECT_EQ(address.domain, row.domain);
    EXPECT_EQ(address.key(), row.key);
    EXPECT_EQ(address.other_key(), row.other_key);
  }
}

// Rules written with U-labels and A-labels mixed: every kind of pattern.
std::string idn_rules() {
  return rules_text(
      array({accepted("münchen.example", "authoritative"),
             accepted("xn--bcher-kva.example", "internal_relay"),
             accepted("*.straße.example", "external_relay")}),
      array({connector("buecher", {"bücher.example"}, R"(, "smarthosts": ["[192.0.2.20]"])"),
             connector("strasse", {"*.xn--strae-oqa.example"},
                       R"(, "smarthosts": ["[192.0.2.30]"])"),
             connector("outbound", {"*:10"})}),
      R"("recipient_delimiter": "+",)");
}

struct Routed {
  std::string accepted, verdict, connector;
  std::vector<std::string> keys, nexthop;
  bool operator==(const Routed&) const = default;
};

Routed route(const Ruleset& rules, std::string_view text, Lookup result) {
  Address address;
  EXPECT_EQ(parse_address(text, address), "") << text;
  Plan planned = plan(rules, address);
  Decision decision = decide(rules, address, planned, DirectoryAnswer{result, "", ""}, std::nullopt);
  return {planned.accepted ? rules.accepted_domains[*planned.accepted].pattern.text() : "",
          to_string(decision.verdict),
          decision.connector ? rules.send_connectors[*decision.connector].name : "",
          {},
          nexthop(rules, decision)};
}

TEST(IdnRouting, ULabelAndALabelRouteAlikeForEveryKindOfPattern) {
  Ruleset rules = load_valid(idn_rules());
  struct Row {
    std::string u_form, a_form;
    Lookup result;
    std::string verdict, connector;
  };
  const std::vector<Row> rows = {
      {"anna@münchen.example", "anna@xn--mnchen-3ya.example", Lookup::hit, "local", ""},
      {"nobody@MÜNCHEN.example", "nobody@xn--mnchen-3ya.example", Lookup::miss, "reject", ""},
      {"x@bücher.example", "x@xn--bcher-kva.example", Lookup::miss, "relay", "buecher"},
      {"x@shop.straße.example", "x@shop.xn--strae-oqa.example", Lookup::none, "relay", "strasse"},
      {"x@bu\xcc\x88" "cher.example", "x@XN--BCHER-KVA.example", Lookup::miss, "relay", "buecher"},
      {"x@zürich.example", "x@xn--zrich-kva.example", Lookup::none, "relay", "outbound"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.u_form);
    Routed u = route(rules, row.u_form, row.result);
    Routed a = route(rules, row.a_form, row.result);
    EXPECT_EQ(u, a);
    EXPECT_EQ(u.verdict, row.verdict);
    EXPECT_EQ(u.connector, row.connector);
  }
}

TEST(IdnRouting, AsksTheDirectoryAsWrittenThenInTheOtherForm) {
  Ruleset rules = load_valid(idn_rules());
  struct Row {
    std::string address;
    std::vector<std::string> keys;
  };
  const std::vector<Row> rows = {
      {"Anna+News@München.example",
       {"anna+news@münchen.example", "anna+news@xn--mnchen-3ya.example", "anna@münchen.example",
        "anna@xn--mnchen-3ya.example"}},
      {"anna@xn--mnchen-3ya.example", {"anna@xn--mnchen-3ya.example", "anna@münchen.example"}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.address);
    Address address;
    ASSERT_EQ(parse_address(row.address, address), "");
    EXPECT_EQ(plan(rules, address).keys.to_vector(), row.keys);
  }
}

TEST(IdnRules, ShowBothFormsAndRefuseInvalidIdnsNamingThePointer) {
  Ruleset rules = load_valid(idn_rules());
  EXPECT_EQ(rules.accepted_domains[0].pattern.display(),
            "münchen.example (xn--mnchen-3ya.example)");
  EXPECT_EQ(rules.accepted_domains[2].pattern.display(),
            "*.straße.example (*.xn--strae-oqa.example)");
  LoadResult result = load_rules(rules_text(array({accepted("xn--zz.example", "authoritative")}),
                                            array({connector("out", {"*"})})),
                                 testing::kBaseDir);
  ASSERT_FALSE(result.diagnostics.empty());
  std::string text = result.diagnostics.front().text();
  LoadResult twice = load_rules(rules_text(array({accepted("bücher.example", "authoritative"),
                                                  accepted("XN--BCHER-KVA.example", "authoritative")}),
                                           array({connector("out", {"*"})})),
                                testing::kBaseDir);
  EXPECT_FALSE(twice.ok()) << "one domain given in both forms is a duplicate";
  EXPECT_NE(text.find("/accepted_domains/0/domain"), std::string::npos) << text;
  EXPECT_NE(text.find("xn--zz.example"), std::string::npos) << text;
  EXPECT_NE(text.find("invalid punycode"), std::string::npos) << text;
}

}  // namespace
}  // namespace splitroute::core
