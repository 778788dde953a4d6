// domain_test.cpp - domain syntax, address literals and address-space patterns.
#include "core/domain.hpp"

#include "core/ascii.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

DomainPattern must_parse(std::string_view text) {
  std::string why;
  std::optional<DomainPattern> pattern = parse_pattern(text, why);
  EXPECT_TRUE(pattern.has_value()) << "parse_pattern(\"" << text << "\"): " << why;
  return pattern.value_or(DomainPattern{});
}

// lowercase_in_place works eight octets at a time: every octet value, at
// every position of a string longer than two words, must come out as
// to_lower() says (only 'A'..'Z' change; non-ASCII octets stay).
TEST(AsciiLowercase, ChangesOnlyUppercaseLettersAtEveryPosition) {
  for (std::size_t position = 0; position < 17; ++position) {
    for (int octet = 0; octet < 256; ++octet) {
      std::string text = "MiXeD.Case-Domain";
      text[position] = static_cast<char>(octet);
      std::string lowered = text;
      ascii::lowercase_in_place(lowered);
      for (std::size_t i = 0; i < text.size(); ++i) {
        ASSERT_EQ(lowered[i], ascii::to_lower(text[i])) << "octet " << octet << " at " << position;
      }
    }
  }
}

TEST(NormalizeDomain, LowercasesAndDropsOneTrailingDot) {
  struct Row {
    std::string input, want;
  };
  const std::vector<Row> rows = {
      {"Example.COM", "example.com"},
      {"example.com.", "example.com"},
      {"example.com..", "example.com."},
      {"", ""},
      {"XN--BCHER-KVA.example", "xn--bcher-kva.example"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    EXPECT_EQ(normalize_domain(row.input), row.want);
    std::string out = "previous contents";
    normalize_domain(row.input, out);
    EXPECT_EQ(out, row.want);
  }
}

TEST(DomainSyntaxError, AcceptsHostNames) {
  const std::string label63(63, 'a');
  const std::string total253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(total253.size(), 253u);
  for (const std::string& domain :
       {std::string("example.com"), std::string("a"), std::string("xn--bcher-kva.example"),
        std::string("a-b.c-d.e"), std::string("1.2.3.4"), label63 + ".example", total253}) {
    SCOPED_TRACE(domain);
    std::optional<std::string> why = domain_syntax_error(domain);
    EXPECT_FALSE(why.has_value()) << "got error \"" << why.value_or("") << "\", want none";
  }
}

TEST(DomainSyntaxError, RejectsBadNamesSayingWhy) {
  const std::string label63(63, 'a');
  struct Row {
    std::string domain, want;  // want: part of the message
  };
  const std::vector<Row> rows = {
      {"", "empty domain"},
      {std::string(64, 'a') + ".example", "is longer than 63 characters"},
      {label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b'),
       "longer than 253 characters (254)"},
      {"a..example", "empty label"},
      {".example", "empty label"},
      {"-a.example", "label \"-a\" starts with a hyphen"},
      {"a-.example", "label \"a-\" ends with a hyphen"},
      {"exa mple.com", "' ' is not allowed"},
      {"a_b.example", "'_' is not allowed"},
      {"b\xc3\xbc"
       "cher.example",
       "A-labels"},
      {"a\rb.example", "0x0D is not allowed"},
      {"*.example", "'*' is allowed only as the whole leftmost label"},
      // the same faults in the middle and the last label
      {"example.", "empty label"},
      {"a.-b.example", "label \"-b\" starts with a hyphen"},
      {"a.example-", "label \"example-\" ends with a hyphen"},
      {"example." + std::string(64, 'a'), "is longer than 63 characters"},
      {"a.b_c", "'_' is not allowed"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.domain);
    std::string why = domain_syntax_error(row.domain).value_or("(no error)");
    EXPECT_NE(why.find(row.want), std::string::npos)
        << "got \"" << why << "\", want \"" << row.want << "\"";
  }
}

TEST(AddressLiteralError, AcceptsIpv4AndTaggedIpv6Only) {
  struct Row {
    std::string literal;
    bool valid;
  };
  const std::vector<Row> rows = {
      {"192.0.2.1", true},        {"IPv6:2001:db8::1", true},
      {"ipv6:2001:DB8::1", true}, {"IPv6:::ffff:192.0.2.1", true},
      {"256.0.0.1", false},       {"192.0.2", false},
      {"192.0.2.1.5", false},     {"1.2.3.a", false},
      {"2001:db8::1", false},     {"IPv6:2001:db8:::1", false},
      {"IPv6:", false},           {"", false},
      {"example.com", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.literal);
    std::optional<std::string> why = address_literal_error(row.literal);
    EXPECT_EQ(!why.has_value(), row.valid) << "error: " << why.value_or("none");
  }
}

TEST(ParsePattern, ReadsKindAndNormalisedSuffix) {
  struct Row {
    std::string text;
    PatternKind kind;
    std::string suffix, text_back;
  };
  const std::vector<Row> rows = {
      {"example.com", PatternKind::exact, "example.com", "example.com"},
      {"Example.COM.", PatternKind::exact, "example.com", "example.com"},
      {"*.Example.com", PatternKind::wildcard, "example.com", "*.example.com"},
      {"*.com", PatternKind::wildcard, "com", "*.com"},
      {"*", PatternKind::any, "", "*"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    DomainPattern pattern = must_parse(row.text);
    EXPECT_EQ(pattern.kind, row.kind);
    EXPECT_EQ(pattern.suffix, row.suffix);
    EXPECT_EQ(pattern.text(), row.text_back);
  }
}

TEST(ParsePattern, RejectsBadSyntaxSayingWhy) {
  struct Row {
    std::string text, want;
  };
  const std::vector<Row> rows = {
      {"", "empty domain"},
      {"a.*.example.com", "'*' is allowed only as the whole leftmost label"},
      {"*foo.com", "'*' is allowed only as the whole leftmost label"},
      {"**.example.com", "'*' is allowed only as the whole leftmost label"},
      {"example.*", "'*' is allowed only as the whole leftmost label"},
      {"*.-example.com", "starts with a hyphen"},
      {"*." + std::string(64, 'x') + ".com", "longer than 63 characters"},
      {"exa mple.com", "' ' is not allowed"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    std::string why;
    std::optional<DomainPattern> pattern = parse_pattern(row.text, why);
    EXPECT_FALSE(pattern.has_value())
        << "got pattern \"" << pattern.value_or(DomainPattern{}).text() << "\"";
    EXPECT_NE(why.find(row.want), std::string::npos)
        << "got \"" << why << "\", want \"" << row.want << "\"";
  }
}

TEST(ParsePattern, AnyIsAloneOrWithOneTrailingDot) {
  EXPECT_EQ(must_parse("*.").kind, PatternKind::any);
  std::string why;
  EXPECT_FALSE(parse_pattern("*..", why).has_value());
}

TEST(PatternMatches, FollowsExactWildcardAndAnyRules) {
  struct Row {
    std::string pattern, domain;
    bool want;
  };
  const std::vector<Row> rows = {
      {"example.com", "example.com", true},
      {"Example.COM.", "example.com", true},  // the pattern is normalised
      {"example.com", "a.example.com", false},
      {"example.com", "example.co", false},
      {"*.example.com", "a.example.com", true},
      {"*.example.com", "a.b.example.com", true},
      {"*.example.com", "example.com", false},  // proper subdomains only
      {"*.example.com", "badexample.com", false},
      {"*.example.com", ".example.com", false},
      {"*", "example.com", true},
      {"*", "localhost", true},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.pattern + " vs " + row.domain);
    EXPECT_EQ(pattern_matches(must_parse(row.pattern), row.domain), row.want);
  }
}

TEST(PatternCovers, TrueOnlyWhenEveryMatchOfInnerMatchesOuter) {
  struct Row {
    std::string outer, inner;
    bool want;
  };
  const std::vector<Row> rows = {
      {"*", "*", true},
      {"*", "*.example.com", true},
      {"*", "example.com", true},
      {"*.example.com", "*", false},
      {"*.example.com", "*.example.com", true},
      {"*.example.com", "*.a.example.com", true},
      {"*.a.example.com", "*.example.com", false},
      {"*.example.com", "a.example.com", true},
      {"*.example.com", "example.com", false},
      {"example.com", "example.com", true},
      {"example.com", "*.example.com", false},
      {"example.com", "other.com", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.outer + " covers " + row.inner);
    EXPECT_EQ(pattern_covers(must_parse(row.outer), must_parse(row.inner)), row.want);
  }
}

TEST(Specificity, RanksExactThenLongerWildcardThenShorterThenAny) {
  const std::vector<std::string> most_to_least = {"a.b.example.com", "*.b.example.com",
                                                  "*.example.com", "*.com", "*"};
  for (std::size_t i = 1; i < most_to_least.size(); ++i) {
    SCOPED_TRACE(most_to_least[i - 1] + " > " + most_to_least[i]);
    EXPECT_GT(specificity(must_parse(most_to_least[i - 1])),
              specificity(must_parse(most_to_least[i])));
  }
  // An exact short name still beats a long wildcard.
  EXPECT_GT(specificity(must_parse("a.io")),
            specificity(must_parse("*." + std::string(60, 'x') + ".io")));
}

}  // namespace
}  // namespace splitroute::core
