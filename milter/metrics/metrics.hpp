// metrics.hpp - splitroute-milter's Prometheus metrics (-M ADDRESS:PORT).
//
// prometheus-cpp serves the text format at http://ADDRESS:PORT/metrics.
// Every metric's name and labels are part of the interface (documented in
// splitroute-milter(8)); no label ever holds an address, so the number of
// series is bounded by the rules (connector names) and fixed lists.
// Counting stays off the request path's costs: every counter the path uses
// is resolved once (per configuration, or at start) and kept as a pointer,
// so a count is one atomic add, with no label lookup; the two counted for
// every recipient are sharded (metrics/sharded_counter.hpp), so threads on
// different cores do not pass a cache line back and forth.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/trace.hpp"
#include "metrics/events.hpp"
#include "metrics/sharded_counter.hpp"
#include "runtime/config.hpp"
#include "runtime/resolve.hpp"
#include "socketmap/handler.hpp"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace splitroute::metrics {

class RecipientCounters;

class Metrics final : public Events {
 public:
  // Metrics - listen on `address` ("127.0.0.1:9465"); throws when it cannot.
  Metrics(const std::string& address, std::string_view version);
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Events (from the library)
  void directory_lookup(core::Lookup result, Source source) override;
  void directory_round_trip(double seconds) override;
  void ldap_failover() override;

  // recipients_for - the recipient counters for `config`'s connectors
  // (made once per configuration; ask once per connection).
  std::shared_ptr<RecipientCounters> recipients_for(const runtime::ConfigPtr& config);

  void reply(std::string_view enhanced_code);  // one reply sent
  void socketmap_request(std::string_view map, socketmap::Status answer);
  void config_reload(bool ok);
  void config_loaded();  // the configuration in force was loaded now
  void loop_stopped(core::LoopKind kind);
  void connection_opened();
  void connection_closed();
  void log_queue_wait();

 private:
  prometheus::Counter* reply_counter(std::string_view enhanced_code);

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<CounterFamily> recipients_;  // per recipient: sharded
  prometheus::Family<prometheus::Counter>* replies_;
  std::shared_ptr<CounterFamily> lookups_family_;
  ShardedCounter* lookups_[3][2];  // [hit, miss, error][cache, directory]
  prometheus::Histogram* round_trips_;
  prometheus::Counter* failovers_;
  std::vector<std::vector<prometheus::Counter*>> socketmap_by_map_;  // [map][status]
  std::vector<std::string_view> map_names_;
  prometheus::Counter* reloads_[2];  // ok, failed
  prometheus::Gauge* loaded_;
  prometheus::Counter* loops_[2];  // hops, trace
  prometheus::Gauge* connections_;
  prometheus::Counter* log_waits_;

  std::mutex mutex_;  // guards what follows
  std::vector<std::pair<std::string, prometheus::Counter*>> reply_counters_;
  std::weak_ptr<const runtime::Config> counted_config_;
  std::shared_ptr<RecipientCounters> counted_;
};

// RecipientCounters - splitroute_recipients_total for one configuration:
// a counter pointer per (connector, verdict, domain type), made the first
// time that combination is counted.
class RecipientCounters {
 public:
  RecipientCounters(CounterFamily& family, runtime::ConfigPtr config);
  ~RecipientCounters();
  void count(const runtime::Resolution& resolution);

 private:
  static constexpr std::size_t kVerdicts = 5, kTypes = 4, kPerConnector = kVerdicts * kTypes;
  struct Block;
  ShardedCounter* make(std::size_t connector, std::size_t verdict, std::size_t type);

  CounterFamily& family_;
  const runtime::ConfigPtr config_;
  // One block per connector ([0]: no connector), made at its first count.
  std::unique_ptr<std::atomic<Block*>[]> blocks_;
  std::size_t block_count_;
  std::mutex mutex_;  // serialises make()
};

// installed - the daemon's Metrics, or null without -M.
Metrics* installed();
void install(Metrics* metrics);

}  // namespace splitroute::metrics
