// address_test.cpp - parsing envelope recipient addresses, hostile input included.
#include "core/address.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

TEST(ParseAddress, AcceptsWellFormedAddresses) {
  struct Row {
    std::string input, local, domain;
  };
  const std::vector<Row> rows = {
      {"alice@example.com", "alice", "example.com"},
      {"<alice@example.com>", "alice", "example.com"},
      {"Alice.Smith@Example.COM", "Alice.Smith", "example.com"},
      {"alice@example.com.", "alice", "example.com"},
      {"alice+tag@example.com", "alice+tag", "example.com"},
      {"o'brien@example.com", "o'brien", "example.com"},
      {"!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~", "example.com"},
      {"\"a b\"@example.com", "\"a b\"", "example.com"},
      {"\"a\\\"b\"@example.com", "\"a\\\"b\"", "example.com"},
      {"\"a@b\"@example.com", "\"a@b\"", "example.com"},
      {"\"a)(mail=*\"@example.com", "\"a)(mail=*\"", "example.com"},
      {"user@xn--bcher-kva.example", "user", "xn--bcher-kva.example"},
      {"j\xc3\xbcrgen@example.com", "j\xc3\xbcrgen", "example.com"},
      {"postmaster@[192.0.2.1]", "postmaster", "[192.0.2.1]"},
      {"postmaster@[IPv6:2001:DB8::1]", "postmaster", "[ipv6:2001:db8::1]"},
      {std::string(64, 'a') + "@example.com", std::string(64, 'a'), "example.com"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    Address address;
    std::string error = parse_address(row.input, address);
    EXPECT_EQ(error, "");
    EXPECT_EQ(address.local, row.local);
    EXPECT_EQ(address.domain, row.domain);
  }
}

TEST(ParseAddress, RejectsMalformedAndHostileInputSayingWhy) {
  const std::string label63(63, 'd');
  const std::string long_domain = label63 + "." + label63 + "." + label63 + "." + label63;
  struct Row {
    std::string name, input, want;  // want: part of the error
  };
  const std::vector<Row> rows = {
      {"empty", "", "empty address"},
      {"null sender", "<>", "the null address <> is not a recipient"},
      {"NUL", std::string("alice\0@example.com", 18), "control character 0x00"},
      {"CR LF injection", "alice@example.com\r\nRCPT TO:<x@y>", "control character 0x0D"},
      {"tab", "alice\t@example.com", "control character 0x09"},
      {"DEL", "alice\x7f@example.com", "control character 0x7F"},
      {"321 bytes", std::string(64, 'a') + "@" + long_domain + "x", "longer than 320 bytes (321)"},
      {"65-octet local part", std::string(65, 'a') + "@example.com",
       "the local part is longer than 64 octets (65)"},
      {"source route", "<@a.example:u@b.example>", "source routes"},
      {"source route list", "<@a.example,@b.example:u@c.example>", "source routes"},
      {"unbalanced <", "<alice@example.com", "unbalanced '<'"},
      {"unbalanced >", "alice@example.com>", "unbalanced '>'"},
      {"bracket inside", "<a<b@example.com>", "'<' is not allowed in an unquoted local part"},
      {"unbalanced quote", "\"alice@example.com", "unbalanced quote"},
      {"quote inside", "al\"ice@example.com", "'\"' is not allowed in an unquoted local part"},
      {"text after quotes", "\"a\"b@example.com", "unexpected text after the quoted local part"},
      {"empty quoted", "\"\"@example.com", "empty local part"},
      {"missing @", "alice.example.com", "missing '@'"},
      {"empty local", "@example.com", "empty local part"},
      {"empty local, bracketed", "<@example.com>", "empty local part"},
      {"empty domain", "alice@", "empty domain"},
      {"two @", "a@b@example.com", "'@' is not allowed"},
      {"double dot", "a..b@example.com", "two dots in a row"},
      {"leading dot", ".a@example.com", "starts with a dot"},
      {"trailing dot", "a.@example.com", "ends with a dot"},
      {"LDAP metacharacters", "a)(mail=*@example.com",
       "')' is not allowed in an unquoted local part"},
      {"space", "a b@example.com", "' ' is not allowed in an unquoted local part"},
      {"comma", "a,b@example.com", "',' is not allowed"},
      {"bad UTF-8", "a\xff@example.com", "not valid UTF-8"},
      {"overlong UTF-8", "a\xc0\xaf@example.com", "not valid UTF-8"},
      {"truncated UTF-8", "a\xc3@example.com", "not valid UTF-8"},
      {"disallowed code point", "a@a\xe2\x80\x90" "b.example", "disallowed character"},
      {"bad Punycode", "a@xn--zz.example", "invalid punycode"},
      {"bad UTF-8 domain", "a@m\xfc" "nchen.example", "not valid UTF-8"},
      {"bad domain", "a@exa mple.com", "domain \"exa mple.com\" is not valid"},
      {"label too long", "a@" + std::string(64, 'x') + ".com", "longer than 63 characters"},
      {"bad literal", "a@[999.0.0.1]", "domain literal [999.0.0.1] is not valid"},
      {"unclosed literal", "a@[192.0.2.1", "unbalanced '['"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Address address;
    std::string error = parse_address(row.input, address);
    EXPECT_NE(error.find(row.want), std::string::npos)
        << "got \"" << error << "\", want \"" << row.want << "\"";
  }
}

TEST(ParseAddress, ReusesTheAddressItIsGiven) {
  Address address;
  ASSERT_EQ(parse_address("a-rather-long-local-part@a-rather-long-domain.example", address), "");
  ASSERT_EQ(parse_address("b@c.example", address), "");
  EXPECT_EQ(address.local, "b");
  EXPECT_EQ(address.domain, "c.example");
}

TEST(Address, TextKeepsCaseAndKeyLowercasesEverything) {
  Address address;
  ASSERT_EQ(parse_address("<Alice.Smith@Example.COM>", address), "");
  EXPECT_EQ(address.text(), "Alice.Smith@example.com");
  EXPECT_EQ(address.key(), "alice.smith@example.com");
}

TEST(StripExtension, CutsAtTheFirstDelimiterLikePostfix) {
  struct Row {
    std::string local, delimiters, want;
  };
  const std::vector<Row> rows = {
      {"alice+tag", "+", "alice"},  {"alice+tag+more", "+", "alice"},
      {"alice-tag", "+-", "alice"}, {"alice+tag", "-", "alice+tag"},
      {"alice", "+", "alice"},      {"alice+tag", "", "alice+tag"},
      {"+tag", "+", "+tag"},        // a leading delimiter is not split
      {"\"a+b\"", "+", "\"a+b\""},  // quoted local parts are left alone
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.local + " with " + row.delimiters);
    EXPECT_EQ(strip_extension(row.local, row.delimiters), row.want);
  }
}

}  // namespace
}  // namespace splitroute::core
