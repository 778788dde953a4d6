// ldap_filter_test.cpp - RFC 4515 escaping and filter templates.
#include "core/ldap_filter.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

using namespace std::string_literals;

struct EscapeCase {
  const char* name;
  std::string value;
  std::string want;
};

TEST(EscapeFilterValue, EscapesMetacharactersControlsAndNonAscii) {
  const std::vector<EscapeCase> cases = {
      {"plain address", "alice@example.com", "alice@example.com"},
      {"star", "*@example.com", "\\2a@example.com"},
      {"parentheses", "a)(mail=*", "a\\29\\28mail=\\2a"},
      {"backslash", "a\\b", "a\\5cb"},
      {"NUL", "a\0b"s, "a\\00b"},
      {"control", "a\x01\x1f", "a\\01\\1f"},
      {"DEL", "\x7f", "\\7f"},
      {"UTF-8", "j\xc3\xa9r\xc3\xb4me", "j\\c3\\a9r\\c3\\b4me"},
      {"printable specials kept", "a+b=c&d|e!f~g", "a+b=c&d|e!f~g"},
      {"empty", "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(escape_filter_value(c.value), c.want);
  }
}

// random_bytes - a deterministic stream of arbitrary strings.
std::vector<std::string> random_bytes(std::size_t count) {
  std::mt19937 engine(4515);
  std::uniform_int_distribution<int> length(0, 40);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s(static_cast<std::size_t>(length(engine)), '\0');
    for (auto& c : s) c = static_cast<char>(byte(engine));
    out.push_back(s);
  }
  return out;
}

TEST(EscapeFilterValue, RoundTripsEveryByteString) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  auto inputs = random_bytes(2000);
  inputs.push_back(every_byte);
  for (const auto& input : inputs) {
    const std::string escaped = escape_filter_value(input);
    const auto back = unescape_filter_value(escaped);
    ASSERT_TRUE(back.has_value()) << "escaped: " << escaped;
    EXPECT_EQ(*back, input);
  }
}

TEST(EscapeFilterValue, OutputIsPrintableAsciiWithoutMetacharacters) {
  for (const auto& input : random_bytes(2000)) {
    const std::string escaped = escape_filter_value(input);
    EXPECT_LE(escaped.size(), 3 * input.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
      const auto c = static_cast<unsigned char>(escaped[i]);
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "byte " << int(c) << " in " << escaped;
      ASSERT_TRUE(c != '*' && c != '(' && c != ')') << escaped;
    }
  }
}

TEST(UnescapeFilterValue, RejectsMalformedEscapes) {
  for (const std::string& bad : {"\\"s, "a\\2"s, "\\zz"s, "\\g0"s, "*"s, "("s, ")"s, "a\0b"s}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(unescape_filter_value(bad).has_value());
  }
  EXPECT_EQ(unescape_filter_value("\\2A\\2a"), "**");
}

TEST(FilterTemplateError, AcceptsValidTemplates) {
  for (const char* good : {"(mail=%s)", "(|(mail=%s)(mailLocalAddress=%s)(proxyAddresses=smtp:%s))",
                           "(&(uid=%u)(associatedDomain=%d))", "(description=100%%%s)",
                           "(mail=\\2a%s)", "(&(objectClass=inetOrgPerson)(!(mail=%s)))"}) {
    SCOPED_TRACE(good);
    EXPECT_EQ(filter_template_error(good), std::nullopt);
  }
}

struct BadTemplate {
  const char* name;
  std::string filter;
  const char* want;  // part of the message
};

TEST(FilterTemplateError, ExplainsInvalidTemplates) {
  const std::vector<BadTemplate> cases = {
      {"empty", "", "is empty"},
      {"no parentheses", "mail=%s", "enclosed in parentheses"},
      {"unclosed", "(|(mail=%s)", "never closed"},
      {"extra close", "(mail=%s))", "unbalanced \")\""},
      {"two filters", "(mail=%s)(uid=%u)", "after the closing parenthesis"},
      {"trailing text", "(mail=%s)x", "after the closing parenthesis"},
      {"unknown placeholder", "(mail=%x)", "unknown placeholder \"%x\""},
      {"lone percent", "(mail=%s%", "lone \"%\""},
      {"no placeholder", "(mail=alice@example.com)", "no placeholder"},
      {"only literal percent", "(mail=%%)", "no placeholder"},
      {"control character", "(mail=%s\n)", "control character"},
      {"bad escape", "(mail=\\zz%s)", "two hex digits"},
      {"too long", "(mail=%s" + std::string(5000, 'x') + ")", "more than 4096"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto why = filter_template_error(c.filter);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find(c.want), std::string::npos) << "got: " << *why << "\nwant: " << c.want;
  }
}

struct ExpandCase {
  const char* name;
  const char* filter;
  std::string address;
  std::string want;
};

TEST(ExpandFilter, SubstitutesEscapedPlaceholders) {
  const std::vector<ExpandCase> cases = {
      {"whole address", "(mail=%s)", "alice@example.com", "(mail=alice@example.com)"},
      {"local part and domain", "(&(uid=%u)(dc=%d))", "alice@example.com", "(&(uid=alice)(dc=example.com))"},
      {"literal percent", "(x=%%%s)", "a@b", "(x=%a@b)"},
      {"star is literal", "(mail=%s)", "*@example.com", "(mail=\\2a@example.com)"},
      {"injection", "(|(mail=%s)(alt=%s))", "a)(mail=*@example.com",
       "(|(mail=a\\29\\28mail=\\2a@example.com)(alt=a\\29\\28mail=\\2a@example.com))"},
      {"split at the last @", "(&(u=%u)(d=%d))", "\"a@b\"@example.com", "(&(u=\"a@b\")(d=example.com))"},
      {"no @", "(&(u=%u)(d=%d))", "postmaster", "(&(u=postmaster)(d=))"},
      {"NUL", "(mail=%s)", "a\0@b"s, "(mail=a\\00@b)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(expand_filter(c.filter, c.address), c.want);
  }
}

TEST(ExpandFilter, ExpansionOfRandomKeysIsAValidFilterValue) {
  const std::string filter = "(|(mail=%s)(uid=%u)(dc=%d))";
  for (const auto& key : random_bytes(500)) {
    const std::string expanded = expand_filter(filter, key);
    // Structure is unchanged: the only parentheses are the template's.
    EXPECT_EQ(std::count(expanded.begin(), expanded.end(), '('), 4) << expanded;
    EXPECT_EQ(std::count(expanded.begin(), expanded.end(), ')'), 4) << expanded;
    EXPECT_EQ(std::count(expanded.begin(), expanded.end(), '*'), 0) << expanded;
  }
}

}  // namespace
}  // namespace splitroute::core
