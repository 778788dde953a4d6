// sharded_counter.cpp - per-shard counters and their Prometheus family.
#include "metrics/sharded_counter.hpp"

#include <algorithm>
#include <utility>

namespace splitroute::metrics {

std::size_t ShardedCounter::shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kShards;
  return mine;
}

std::uint64_t ShardedCounter::value() const {
  std::uint64_t sum = 0;
  for (const Slab::Line& line : slab_.lines) sum += line.value[index_].load(std::memory_order_relaxed);
  return sum;
}

CounterFamily::CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

ShardedCounter& CounterFamily::counter(const std::vector<std::string>& label_values) {
  const std::lock_guard lock(mutex_);
  if (auto found = counters_.find(label_values); found != counters_.end()) return found->second;
  std::size_t index = counters_.size() % ShardedCounter::kPerSlab;
  if (index == 0) slabs_.push_back(std::make_unique<ShardedCounter::Slab>());
  return counters_.try_emplace(label_values, *slabs_.back(), index).first->second;
}

std::vector<prometheus::MetricFamily> CounterFamily::Collect() const {
  prometheus::MetricFamily family;
  family.name = name_;
  family.help = help_;
  family.type = prometheus::MetricType::Counter;
  const std::lock_guard lock(mutex_);
  for (const auto& [values, counter] : counters_) {
    prometheus::ClientMetric metric;
    for (std::size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
      metric.label.push_back({label_names_[i], values[i]});
    }
    std::sort(metric.label.begin(), metric.label.end());  // by name, as prometheus-cpp's own families
    metric.counter.value = static_cast<double>(counter.value());
    family.metric.push_back(std::move(metric));
  }
  return {std::move(family)};
}

}  // namespace splitroute::metrics
