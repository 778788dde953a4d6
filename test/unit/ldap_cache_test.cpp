// ldap_cache_test.cpp - the TTL + LRU answer cache in front of a directory.
#include "directory/cache.hpp"

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::directory {
namespace {

using core::Lookup;
using std::chrono::seconds;

// FakeClock - time moves only when a test says so.
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  Clock clock() {
    return [this] { return now; };
  }
};

// FakeTable - scripted answers, counting the lookups that reach it.
class FakeTable final : public Directory {
 public:
  std::map<std::string, Answer, std::less<>> answers;  // missing key: miss
  std::atomic<int> lookups{0};

  Answer lookup(std::string_view key) override {
    ++lookups;
    const auto found = answers.find(key);
    return found == answers.end() ? Answer{Lookup::miss, {}, {}} : found->second;
  }
  std::string describe() const override { return "fake"; }
};

struct Fixture {
  std::shared_ptr<FakeTable> table = std::make_shared<FakeTable>();
  FakeClock time;
  core::LdapCacheConfig config{300, 60, 1000};

  Fixture() {
    table->answers["alice@example.com"] = {Lookup::hit, {}, {}};
    table->answers["paul@example.com"] = {Lookup::hit, "paul@paris.example.net", {}};
    table->answers["down@example.com"] = {Lookup::error, {}, "ldap://x/: Can't contact LDAP server"};
  }
  CachedDirectory cached() { return CachedDirectory(table, config, time.clock()); }
};

TEST(CachedDirectory, SecondHitComesFromTheCacheWithItsTarget) {
  Fixture f;
  auto directory = f.cached();
  const Answer first = directory.lookup("paul@example.com");
  EXPECT_EQ(first.result, Lookup::hit);
  EXPECT_NE(first.detail, kCacheDetail);
  const Answer second = directory.lookup("paul@example.com");
  EXPECT_EQ(second.result, Lookup::hit);
  EXPECT_EQ(second.target, "paul@paris.example.net");
  EXPECT_EQ(second.detail, kCacheDetail);
  EXPECT_EQ(f.table->lookups, 1);
}

struct TtlCase {
  const char* name;
  std::string key;
  int advance_s;
  int want_lookups;
};

TEST(CachedDirectory, HonoursPositiveAndNegativeTtls) {
  const std::vector<TtlCase> cases = {
      {"hit before positive ttl", "alice@example.com", 299, 1},
      {"hit at positive ttl", "alice@example.com", 300, 2},
      {"miss before negative ttl", "nobody@example.com", 59, 1},
      {"miss at negative ttl", "nobody@example.com", 60, 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    auto directory = f.cached();
    directory.lookup(c.key);
    f.time.now += seconds(c.advance_s);
    directory.lookup(c.key);
    EXPECT_EQ(f.table->lookups, c.want_lookups);
  }
}

TEST(CachedDirectory, NeverCachesErrors) {
  Fixture f;
  auto directory = f.cached();
  for (int i = 0; i < 3; ++i) {
    const Answer answer = directory.lookup("down@example.com");
    EXPECT_EQ(answer.result, Lookup::error);
    EXPECT_NE(answer.detail, kCacheDetail);
  }
  EXPECT_EQ(f.table->lookups, 3);
}

TEST(CachedDirectory, ZeroTtlDisablesOnlyThatKind) {
  Fixture f;
  f.config.positive_ttl_s = 0;
  auto directory = f.cached();
  directory.lookup("alice@example.com");
  directory.lookup("alice@example.com");
  EXPECT_EQ(f.table->lookups, 2);
  directory.lookup("nobody@example.com");
  directory.lookup("nobody@example.com");
  EXPECT_EQ(f.table->lookups, 3);
}

TEST(CachedDirectory, EvictsTheLeastRecentlyUsedEntry) {
  Fixture f;
  f.config.max_entries = 2;
  auto directory = f.cached();
  directory.lookup("a@example.com");
  directory.lookup("b@example.com");
  directory.lookup("a@example.com");  // a is now the most recently used
  directory.lookup("c@example.com");  // evicts b
  EXPECT_EQ(f.table->lookups, 3);
  directory.lookup("a@example.com");
  EXPECT_EQ(f.table->lookups, 3);
  directory.lookup("b@example.com");
  EXPECT_EQ(f.table->lookups, 4);
}

// holds - whether `cache` answers for `key`.
bool holds(AnswerCache& cache, std::string_view key) {
  Answer answer;
  return cache.get(key, answer);
}

TEST(AnswerCache, SizeNeverExceedsMaxEntries) {
  FakeClock time;
  AnswerCache cache({300, 60, 10}, time.clock());
  for (int i = 0; i < 100; ++i) {
    cache.put("user" + std::to_string(i) + "@example.com", {Lookup::miss, {}, {}});
    EXPECT_LE(cache.size(), 10u);
  }
  EXPECT_TRUE(holds(cache, "user99@example.com"));
  EXPECT_FALSE(holds(cache, "user0@example.com"));
}

TEST(AnswerCache, ExpiredEntryIsDropped) {
  FakeClock time;
  AnswerCache cache({5, 5, 10}, time.clock());
  cache.put("a@example.com", {Lookup::hit, {}, {}});
  time.now += seconds(5);
  EXPECT_FALSE(holds(cache, "a@example.com"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(WithCache, ReturnsTheTableItselfWhenCachingIsDisabled) {
  const auto table = std::make_shared<FakeTable>();
  EXPECT_EQ(with_cache(table, {300, 60, 0}), table);
  EXPECT_EQ(with_cache(table, {0, 0, 1000}), table);
  EXPECT_NE(with_cache(table, {300, 60, 1000}), table);
  EXPECT_EQ(with_cache(table, {300, 60, 1000})->describe(), "fake");
}

TEST(CachedDirectory, ConcurrentLookupsGiveTheRightAnswers) {
  Fixture f;
  f.config.max_entries = 20;
  for (int i = 0; i < 50; i += 2) f.table->answers["u" + std::to_string(i) + "@example.com"] = {Lookup::hit, {}, {}};
  auto directory = f.cached();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const int user = (i * 7 + t) % 50;
        const Answer answer = directory.lookup("u" + std::to_string(user) + "@example.com");
        if (answer.result != (user % 2 == 0 ? Lookup::hit : Lookup::miss)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(f.table->lookups, 8 * 2000);
}

// SlowTable - a table whose lookups wait until released.
class SlowTable final : public Directory {
 public:
  std::atomic<int> lookups{0};
  std::atomic<bool> released{false};

  Answer lookup(std::string_view) override {
    ++lookups;
    while (!released) std::this_thread::yield();
    return {Lookup::hit, "target@example.net", {}};
  }
  std::string describe() const override { return "slow"; }
};

TEST(CachedDirectory, ConcurrentMissesForOneKeyAskTheTableOnce) {
  auto table = std::make_shared<SlowTable>();
  // The cache reads the clock when it is asked: once every caller has, all
  // have missed, and the table is released.
  std::atomic<int> asked{0};
  CachedDirectory directory(table, core::LdapCacheConfig{300, 60, 1000}, [&] {
    ++asked;
    return std::chrono::steady_clock::time_point{};
  });
  std::vector<Answer> answers(8);
  std::vector<std::thread> threads;
  for (Answer& answer : answers) threads.emplace_back([&] { answer = directory.lookup("paul@example.com"); });
  while (asked < 8) std::this_thread::yield();
  table->released = true;
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(table->lookups, 1);
  for (const Answer& answer : answers) {
    EXPECT_EQ(answer.result, Lookup::hit);
    EXPECT_EQ(answer.target, "target@example.net");
  }
}

}  // namespace
}  // namespace splitroute::directory
