// sharded_counter.hpp - counters the request threads add to without
// sharing a cache line, exposed to Prometheus as counter families.
//
// prometheus-cpp's Counter is one atomic<double> updated by compare and
// swap: with many threads on several cores, every count moves its cache
// line between them.  A ShardedCounter has one slot per shard; a thread
// always adds to the same shard (chosen once per thread), with a relaxed
// add; a scrape sums the shards.  The slots of eight counters share a Slab
// of eight cache lines, one line per shard: a thread writes only its
// shard's line, and a counter costs 64 bytes, not eight whole lines (the
// recipient counters have a series per connector and outcome, and 10 000
// connectors must stay cheap).  CounterFamily owns such counters by label
// values and is a prometheus::Collectable the Exposer serves.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace splitroute::metrics {

class ShardedCounter {
 public:
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kPerSlab = 8;
  struct Slab {
    struct alignas(64) Line {
      std::atomic<std::uint64_t> value[kPerSlab] = {};
    };
    Line lines[kShards];
  };

  ShardedCounter(Slab& slab, std::size_t index) : slab_(slab), index_(index) {}
  void add() { slab_.lines[shard()].value[index_].fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t value() const;

 private:
  static std::size_t shard();
  Slab& slab_;
  const std::size_t index_;  // the counter's slot in each line
};

class CounterFamily final : public prometheus::Collectable {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  // counter - the counter with these label values (in label_names' order),
  // made on first use; its address never changes.  Takes a lock: resolve
  // counters in advance, never per event.
  ShardedCounter& counter(const std::vector<std::string>& label_values);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, ShardedCounter> counters_;  // guarded by mutex_ (nodes never move)
  std::vector<std::unique_ptr<ShardedCounter::Slab>> slabs_;      // guarded by mutex_; the last one fills up
};

}  // namespace splitroute::metrics
