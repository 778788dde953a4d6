// trace_test.cpp - the loop guard's trace headers, hashes and decisions.
#include "core/trace.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

TEST(RecipientHash, MatchesPublishedFnv1aVectors) {
  struct Row {
    std::string input;
    std::string want;
  };
  // FNV-1a 64-bit test vectors (Fowler/Noll/Vo reference list).
  const std::vector<Row> rows = {
      {"", "cbf29ce484222325"},
      {"a", "af63dc4c8601ec8c"},
      {"foobar", "85944171f73967e8"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    EXPECT_EQ(format_hash(recipient_hash(row.input)), row.want);
  }
}

TEST(RecipientHash, IgnoresAsciiCase) {
  EXPECT_EQ(recipient_hash("Alice@Example.COM"), recipient_hash("alice@example.com"));
  EXPECT_NE(recipient_hash("alice@example.com"), recipient_hash("alice@example.org"));
}

TEST(RecipientHash, IsStableAcrossReleases) {
  // Traces written by one version must be recognised by the next.
  EXPECT_EQ(format_hash(recipient_hash("carol2@shared.example.com")), "98f5b412f508af6a");
}

TEST(RecipientHash, OfLocalPartAndDomainIsThatOfTheJoinedAddress) {
  EXPECT_EQ(recipient_hash("carol2", "shared.example.com"), recipient_hash("carol2@shared.example.com"));
  EXPECT_EQ(recipient_hash("Carol2", "SHARED.example.com"), recipient_hash("carol2@shared.example.com"));
  EXPECT_EQ(recipient_hash("", ""), recipient_hash("@"));
}

TEST(ParseHash, AcceptsExactlySixteenHexDigits) {
  struct Row {
    std::string input;
    std::optional<RecipientHash> want;
  };
  const std::vector<Row> rows = {
      {"0123456789abcdef", 0x0123456789abcdefULL},
      {"0123456789ABCDEF", 0x0123456789abcdefULL},
      {"ffffffffffffffff", 0xffffffffffffffffULL},
      {"", std::nullopt},
      {"0123456789abcde", std::nullopt},
      {"0123456789abcdef0", std::nullopt},
      {"0123456789abcdeg", std::nullopt},
      {" 123456789abcdef", std::nullopt},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    EXPECT_EQ(parse_hash(row.input), row.want);
  }
}

TEST(FormatHash, RoundTripsThroughParseHash) {
  const std::vector<RecipientHash> hashes = {0, 1, 0x8000000000000000ULL, ~0ULL, recipient_hash("bob@example.com")};
  for (RecipientHash hash : hashes) {
    std::string text = format_hash(hash);
    EXPECT_EQ(text.size(), 16u);
    EXPECT_EQ(parse_hash(text), hash);
  }
}

TEST(FormatTrace, NamesOrganisationAndHashOnly) {
  EXPECT_EQ(format_trace("example-org", 0x98f5b412f508af6aULL), "org=example-org; rcpt=98f5b412f508af6a");
}

TEST(ParseTrace, AcceptsWhatFormatTraceWritesAndTolerantVariants) {
  struct Row {
    std::string input;
    std::string org;
  };
  const std::vector<Row> rows = {
      {"org=example-org; rcpt=98f5b412f508af6a", "example-org"},
      {"org=example-org;rcpt=98f5b412f508af6a", "example-org"},
      {"  ORG = example-org ;  RCPT = 98F5B412F508AF6A  ", "example-org"},
      {"rcpt=98f5b412f508af6a; org=example-org", "example-org"},
      {"org=example-org;\r\n\trcpt=98f5b412f508af6a", "example-org"},
      {"org=example-org; rcpt=98f5b412f508af6a; v=2", "example-org"},
      {"org=example-org; rcpt=98f5b412f508af6a;", "example-org"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.input);
    std::optional<Trace> trace = parse_trace(row.input);
    ASSERT_TRUE(trace.has_value());
    EXPECT_EQ(trace->organization, row.org);
    EXPECT_EQ(trace->rcpt, 0x98f5b412f508af6aULL);
  }
}

TEST(ParseTrace, RefusesMalformedValues) {
  const std::vector<std::string> rows = {
      "",
      ";",
      "org=example-org",
      "rcpt=98f5b412f508af6a",
      "org=; rcpt=98f5b412f508af6a",
      "org=-bad; rcpt=98f5b412f508af6a",
      "org=has space; rcpt=98f5b412f508af6a",
      "org=a; org=b; rcpt=98f5b412f508af6a",
      "org=a; rcpt=98f5b412f508af6a; rcpt=98f5b412f508af6a",
      "org=a; rcpt=98f5b412f508af6",
      "org=a; rcpt=not-hex-not-hex-x",
      "org=a; rcpt",
      "org=a; x=1; x=2; x=3; x=4; x=5; x=6; x=7; rcpt=98f5b412f508af6a",
      std::string("org=a\0b; rcpt=98f5b412f508af6a", 30),
      "org=a; rcpt=98f5b412f508af6a; pad=" + std::string(kMaxTraceValueLength, 'x'),
  };
  for (const std::string& input : rows) {
    SCOPED_TRACE(input);
    EXPECT_FALSE(parse_trace(input).has_value());
  }
}

TEST(IsReceivedHeader, MatchesNameCaseInsensitively) {
  EXPECT_TRUE(is_received_header("Received"));
  EXPECT_TRUE(is_received_header("RECEIVED"));
  EXPECT_TRUE(is_received_header("received "));
  EXPECT_FALSE(is_received_header("Received-SPF"));
  EXPECT_FALSE(is_received_header("X-Received"));
  EXPECT_FALSE(is_received_header(""));
}

TEST(IsTraceHeader, MatchesNameCaseInsensitively) {
  EXPECT_TRUE(is_trace_header("X-Splitroute-Trace"));
  EXPECT_TRUE(is_trace_header("x-splitroute-trace"));
  EXPECT_FALSE(is_trace_header("X-Splitroute-Route"));
}

TEST(IsValidOrganization, FollowsTheRuleFileSyntax) {
  EXPECT_TRUE(is_valid_organization("example-org"));
  EXPECT_TRUE(is_valid_organization("mx1.example.com"));
  EXPECT_TRUE(is_valid_organization("A_b.c-9"));
  EXPECT_TRUE(is_valid_organization(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_organization(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_organization(""));
  EXPECT_FALSE(is_valid_organization(".example"));
  EXPECT_FALSE(is_valid_organization("exa mple"));
  EXPECT_FALSE(is_valid_organization("exa;mple"));
}

TEST(ChooseOrganization, PrefersRulesThenMtaHostThenHostName) {
  struct Row {
    std::string configured, mta, host, want;
  };
  const std::vector<Row> rows = {
      {"org", "mx.example", "host", "org"},
      {"", "mx.example", "host", "mx.example"},
      {"", "", "host", "host"},
      {"", "bad name", "host", "host"},
      {"", "", "", "localhost"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.want);
    EXPECT_EQ(choose_organization(row.configured, row.mta, row.host), row.want);
  }
}

TEST(LoopGuard, CountsReceivedHeadersAndKeepsOnlyOwnTraces) {
  LoopGuard guard("Example-Org");
  guard.on_header("Received", "from a by b");
  guard.on_header("received", "from c by d");
  guard.on_header("Subject", "hello");
  guard.on_header("X-Splitroute-Trace", format_trace("example-org", 1));  // organisation: any case
  guard.on_header("X-Splitroute-Trace", format_trace("other-org", 2));
  guard.on_header("X-Splitroute-Trace", "garbage");
  EXPECT_EQ(guard.hops(), 2u);
  EXPECT_TRUE(guard.traced(1));
  EXPECT_FALSE(guard.traced(2));
  EXPECT_EQ(guard.kept(), 1u);
}

TEST(LoopGuard, KeepsAtMostMaxKeptTraces) {
  LoopGuard guard("org");
  for (RecipientHash i = 0; i < kMaxKeptTraces + 50; ++i) guard.on_header("X-Splitroute-Trace", format_trace("org", i));
  EXPECT_EQ(guard.kept(), kMaxKeptTraces);
  EXPECT_TRUE(guard.traced(0));
  EXPECT_FALSE(guard.traced(kMaxKeptTraces + 49));
}

TEST(CheckLoop, DecidesByHopCountThenTrace) {
  struct Row {
    std::string name;
    int received;
    std::vector<RecipientHash> traced;
    std::vector<RecipientHash> relayed;
    LoopKind want;
  };
  const std::vector<Row> rows = {
      {"clean message", 3, {}, {7}, LoopKind::none},
      {"exactly max_hops", 30, {}, {7}, LoopKind::none},
      {"one over max_hops", 31, {}, {7}, LoopKind::hop_count},
      {"own trace for a relayed recipient", 1, {7}, {7}, LoopKind::trace},
      {"own trace for another recipient", 1, {8}, {7}, LoopKind::none},
      {"own trace, recipient not relayed", 1, {7}, {}, LoopKind::none},
      {"hop count wins over trace", 31, {7}, {7}, LoopKind::hop_count},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    LoopGuard guard("org");
    for (int i = 0; i < row.received; ++i) guard.on_header("Received", "x");
    for (RecipientHash h : row.traced) guard.on_header("X-Splitroute-Trace", format_trace("org", h));
    LoopCheck check = check_loop(guard, 30, row.relayed);
    EXPECT_EQ(check.kind, row.want);
    if (row.want == LoopKind::trace) {
      EXPECT_EQ(check.rcpt, 7u);
    }
  }
}

}  // namespace
}  // namespace splitroute::core
