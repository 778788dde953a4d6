// sharded_counter_test.cpp - counters that share slabs keep apart: each
// counts exactly its own adds, from many threads, across slab boundaries,
// and a scrape shows every series with its labels.
#include "metrics/sharded_counter.cpp"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::metrics {
namespace {

TEST(ShardedCounter, EachCounterOfASlabCountsOnlyItsOwnAddsFromManyThreads) {
  CounterFamily family("test_total", "help", {"n"});
  constexpr int kCounters = 3 * ShardedCounter::kPerSlab + 1;  // four slabs, the last one partly used
  constexpr int kThreads = 2 * ShardedCounter::kShards;        // every shard, twice over
  std::vector<ShardedCounter*> counters;
  for (int i = 0; i < kCounters; ++i) counters.push_back(&family.counter({std::to_string(i)}));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCounters; ++i) {
        for (int k = 0; k <= i; ++k) counters[i]->add();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kCounters; ++i) EXPECT_EQ(counters[i]->value(), std::uint64_t(kThreads) * (i + 1)) << i;
}

TEST(ShardedCounter, TheSameLabelsGiveTheSameCounter) {
  CounterFamily family("test_total", "help", {"a", "b"});
  ShardedCounter& first = family.counter({"x", "y"});
  EXPECT_NE(&family.counter({"x", "z"}), &first);
  EXPECT_EQ(&family.counter({"x", "y"}), &first);
}

TEST(CounterFamily, CollectShowsEverySeriesWithItsLabelsSortedByName) {
  CounterFamily family("test_total", "help", {"verdict", "connector"});
  family.counter({"relay", "partner"}).add();
  family.counter({"local", ""});
  std::vector<prometheus::MetricFamily> collected = family.Collect();
  ASSERT_EQ(collected.size(), 1u);
  EXPECT_EQ(collected[0].name, "test_total");
  ASSERT_EQ(collected[0].metric.size(), 2u);
  const prometheus::ClientMetric& local = collected[0].metric[0];  // the map's order: by label values
  ASSERT_EQ(local.label.size(), 2u);
  EXPECT_EQ(local.label[0].name, "connector");
  EXPECT_EQ(local.label[1].value, "local");
  EXPECT_EQ(local.counter.value, 0.0);
  EXPECT_EQ(collected[0].metric[1].counter.value, 1.0);
}

}  // namespace
}  // namespace splitroute::metrics
