// server_order_test.cpp - failover with state: back-off, return, spreading.
#include "directory/server_order.hpp"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::directory {
namespace {

using std::chrono::milliseconds;
using Uris = std::vector<std::string>;

// FakeClock - time moves only when a test says so.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ServerClock clock() {
    return [this] { return now; };
  }
};

// One step of a script: let time pass, then report a failure or a success
// of `uri`, or (neither) check the order a new connection would use.
struct Step {
  int after_ms = 0;
  enum { fail, succeed, expect } what = expect;
  std::string uri;
  Uris order;  // expect: the whole order
};

struct Case {
  const char* label;
  std::vector<ServerEntry> servers;
  std::vector<Step> steps;
};

std::vector<ServerEntry> in_order(const Uris& uris) {
  std::vector<ServerEntry> servers;
  for (std::size_t i = 0; i < uris.size(); ++i) servers.push_back({uris[i], i, 1});
  return servers;
}

void play(const Case& c) {
  FakeClock time;
  ServerOrder order(c.servers, BackoffPolicy{milliseconds(1000), milliseconds(60000)}, time.clock());
  int number = 0;
  for (const Step& step : c.steps) {
    ++number;
    time.now += milliseconds(step.after_ms);
    if (step.what == Step::fail) order.failed(step.uri);
    if (step.what == Step::succeed) order.succeeded(step.uri);
    if (step.what == Step::expect) {
      EXPECT_EQ(order.order(), step.order) << c.label << ", step " << number;
    }
  }
}

const Uris kAB{"ldap://a/", "ldap://b/"};

TEST(ServerOrder, FailedServerIsTriedLastDuringItsBackoff) {
  const std::vector<Case> cases = {
      {"all healthy: the configured order", in_order(kAB), {{0, Step::expect, "", kAB}}},
      {"a failed: b first for 1 s",
       in_order(kAB),
       {{0, Step::fail, "ldap://a/", {}},
        {0, Step::expect, "", {"ldap://b/", "ldap://a/"}},
        {999, Step::expect, "", {"ldap://b/", "ldap://a/"}},
        {1, Step::expect, "", kAB}}},
      {"a fails again after its back-off: 2 s, then 4 s",
       in_order(kAB),
       {{0, Step::fail, "ldap://a/", {}},
        {1000, Step::fail, "ldap://a/", {}},
        {1999, Step::expect, "", {"ldap://b/", "ldap://a/"}},
        {1, Step::expect, "", kAB},
        {0, Step::fail, "ldap://a/", {}},
        {3999, Step::expect, "", {"ldap://b/", "ldap://a/"}},
        {1, Step::expect, "", kAB}}},
      {"failures of tries begun before the back-off do not double it",
       in_order(kAB),
       {{0, Step::fail, "ldap://a/", {}},
        {10, Step::fail, "ldap://a/", {}},
        {10, Step::fail, "ldap://a/", {}},
        {980, Step::expect, "", kAB}}},
      {"a success resets the back-off",
       in_order(kAB),
       {{0, Step::fail, "ldap://a/", {}},
        {1000, Step::fail, "ldap://a/", {}},
        {2000, Step::succeed, "ldap://a/", {}},
        {0, Step::fail, "ldap://a/", {}},
        {1000, Step::expect, "", kAB}}},
      {"every server failed: soonest retry first",
       in_order(kAB),
       {{0, Step::fail, "ldap://a/", {}},
        {500, Step::fail, "ldap://b/", {}},
        {0, Step::expect, "", {"ldap://a/", "ldap://b/"}},
        {500, Step::expect, "", {"ldap://a/", "ldap://b/"}}}},
  };
  for (const Case& c : cases) play(c);
}

TEST(ServerOrder, BackoffStopsAtItsMaximum) {
  FakeClock time;
  ServerOrder order(in_order(kAB), BackoffPolicy{milliseconds(1000), milliseconds(60000)}, time.clock());
  for (int i = 0; i < 10; ++i) {  // 1, 2, 4, ... 512 s uncapped
    order.failed("ldap://a/");
    time.now += milliseconds(60000);
  }
  EXPECT_EQ(order.order(), kAB) << "60 s after the tenth failure";
  order.failed("ldap://a/");
  time.now += milliseconds(59999);
  EXPECT_EQ(order.order(), (Uris{"ldap://b/", "ldap://a/"}));
}

TEST(ServerOrder, EqualRanksTakeTurnsByWeight) {
  struct Spread {
    const char* label;
    std::vector<ServerEntry> servers;
    std::map<std::string, int> firsts;  // of 12 orders
  };
  const std::vector<Spread> cases = {
      {"two of equal weight", {{"ldap://a/", 0, 1}, {"ldap://b/", 0, 1}}, {{"ldap://a/", 6}, {"ldap://b/", 6}}},
      {"weights 3 and 1", {{"ldap://a/", 0, 3}, {"ldap://b/", 0, 1}}, {{"ldap://a/", 9}, {"ldap://b/", 3}}},
      {"weight 0 beside weight 5: never first", {{"ldap://a/", 0, 0}, {"ldap://b/", 0, 5}}, {{"ldap://b/", 12}}},
      {"all weights 0: equal turns", {{"ldap://a/", 0, 0}, {"ldap://b/", 0, 0}}, {{"ldap://a/", 6}, {"ldap://b/", 6}}},
      {"a worse rank is never first", {{"ldap://a/", 0, 1}, {"ldap://b/", 0, 1}, {"ldap://c/", 1, 100}},
       {{"ldap://a/", 6}, {"ldap://b/", 6}}},
  };
  for (const Spread& c : cases) {
    FakeClock time;
    ServerOrder order(c.servers, {}, time.clock());
    std::map<std::string, int> firsts;
    for (int i = 0; i < 12; ++i) {
      const Uris uris = order.order();
      ASSERT_EQ(uris.size(), c.servers.size()) << c.label;
      ++firsts[uris.front()];
    }
    EXPECT_EQ(firsts, c.firsts) << c.label;
  }
}

TEST(ServerOrder, FallbackConnectionIsNotPreferredOnceTheBetterServerIsBack) {
  FakeClock time;
  ServerOrder order(in_order({"ldap://a/", "ldap://b/", "ldap://c/"}), {}, time.clock());
  EXPECT_TRUE(order.preferred("ldap://a/"));
  EXPECT_FALSE(order.preferred("ldap://b/")) << "a is healthy";
  order.failed("ldap://a/");
  EXPECT_TRUE(order.preferred("ldap://b/")) << "a in back-off";
  EXPECT_FALSE(order.preferred("ldap://c/")) << "b is healthy";
  time.now += milliseconds(1000);
  EXPECT_FALSE(order.preferred("ldap://b/")) << "a's back-off is over";
  EXPECT_FALSE(order.preferred("ldap://gone/")) << "not a known server";
}

TEST(ServerOrder, NewListKeepsTheBackoffOfServersThatRemain) {
  FakeClock time;
  ServerOrder order(in_order(kAB), {}, time.clock());
  order.failed("ldap://a/");
  order.set_servers(in_order({"ldap://c/", "ldap://a/", "ldap://d/"}));
  EXPECT_EQ(order.order(), (Uris{"ldap://c/", "ldap://d/", "ldap://a/"}));
  order.set_servers({});
  EXPECT_TRUE(order.empty());
  EXPECT_TRUE(order.order().empty());
}

}  // namespace
}  // namespace splitroute::directory
