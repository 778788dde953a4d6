// metrics.cpp - the Prometheus registry, its HTTP exposer and the counters
// the daemon and the library report to.
#include "metrics/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>

namespace splitroute::metrics {
namespace {

std::atomic<Metrics*> g_metrics{nullptr};

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// Round trips to a directory: LDAP on the same host answers in well under
// a millisecond, a distant one in tens.
const prometheus::Histogram::BucketBoundaries kRoundTripBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                   0.05,   0.1,   0.25,   0.5,   1,    2.5};

// counters, gauge - a family registered in `r`.
prometheus::Family<prometheus::Counter>& counters(prometheus::Registry& r, const char* name, const char* help) {
  return BuildCounter().Name(name).Help(help).Register(r);
}

prometheus::Gauge& gauge(prometheus::Registry& r, const char* name, const char* help, prometheus::Labels labels = {}) {
  return BuildGauge().Name(name).Help(help).Register(r).Add(std::move(labels));
}

}  // namespace

Metrics::Metrics(const std::string& address, std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::Registry& r = *registry_;
  recipients_ = std::make_shared<CounterFamily>("splitroute_recipients_total",
                                                "Recipients decided, by verdict, domain type and connector",
                                                std::vector<std::string>{"verdict", "domain_type", "connector"});
  replies_ = &counters(r, "splitroute_replies_total", "Replies sent to the MTA, by enhanced status code");
  lookups_family_ = std::make_shared<CounterFamily>("splitroute_directory_lookups_total",
                                                    "Directory lookups, by result and by where the answer came from",
                                                    std::vector<std::string>{"result", "source"});
  const char* results[] = {"hit", "miss", "error"};
  for (int i = 0; i < 3; ++i) {
    lookups_[i][0] = &lookups_family_->counter({results[i], "cache"});
    lookups_[i][1] = &lookups_family_->counter({results[i], "directory"});
  }
  round_trips_ = &BuildHistogram()
                      .Name("splitroute_directory_lookup_seconds")
                      .Help("Duration of real directory round trips")
                      .Register(r)
                      .Add({}, kRoundTripBuckets);
  failovers_ = &counters(r, "splitroute_ldap_failovers_total", "Times an LDAP server failed and the next URI was tried")
                    .Add({});
  auto& socketmap = counters(r, "splitroute_socketmap_requests_total", "Socketmap requests, by map and answer");
  map_names_ = socketmap::map_names();
  map_names_.push_back("unknown");
  for (std::string_view map : map_names_) {
    auto& row = socketmap_by_map_.emplace_back();
    for (auto status : {socketmap::Status::ok, socketmap::Status::notfound, socketmap::Status::temp,
                        socketmap::Status::perm}) {
      row.push_back(&socketmap.Add({{"map", std::string(map)}, {"answer", socketmap::to_string(status)}}));
    }
  }
  auto& reloads = counters(r, "splitroute_config_reloads_total", "Configuration reloads (SIGHUP), by result");
  reloads_[0] = &reloads.Add({{"result", "ok"}});
  reloads_[1] = &reloads.Add({{"result", "failed"}});
  loaded_ = &gauge(r, "splitroute_config_loaded_timestamp_seconds",
                   "When the configuration in force was loaded (Unix time)");
  gauge(r, "splitroute_build_info", "The running version", {{"version", std::string(version)}}).Set(1);
  auto& loops = counters(r, "splitroute_loops_stopped_total", "Messages stopped as mail loops, by reason");
  loops_[0] = &loops.Add({{"reason", "hops"}});
  loops_[1] = &loops.Add({{"reason", "trace"}});
  connections_ = &gauge(r, "splitroute_milter_connections", "Open milter connections");
  log_waits_ = &counters(r, "splitroute_log_queue_waits_total", "Times a thread waited for room in the full log queue")
                    .Add({});
  exposer_ = std::make_unique<prometheus::Exposer>(address, 1);
  exposer_->RegisterCollectable(registry_);
  exposer_->RegisterCollectable(recipients_);
  exposer_->RegisterCollectable(lookups_family_);
}

Metrics::~Metrics() = default;

void Metrics::directory_lookup(core::Lookup result, Source source) {
  int row = result == core::Lookup::hit     ? 0
            : result == core::Lookup::miss  ? 1
            : result == core::Lookup::error ? 2
                                            : -1;
  if (row >= 0) lookups_[row][source == Source::cache ? 0 : 1]->add();
}

void Metrics::directory_round_trip(double seconds) { round_trips_->Observe(seconds); }

void Metrics::ldap_failover() { failovers_->Increment(); }

std::shared_ptr<RecipientCounters> Metrics::recipients_for(const runtime::ConfigPtr& config) {
  const std::lock_guard lock(mutex_);
  if (!counted_ || counted_config_.lock() != config) {
    counted_ = std::make_shared<RecipientCounters>(*recipients_, config);
    counted_config_ = config;
  }
  return counted_;
}

// reply_counter - the counter of one enhanced code; the codes come from the
// core's and the milter's own replies, a short fixed list.
prometheus::Counter* Metrics::reply_counter(std::string_view enhanced_code) {
  const std::lock_guard lock(mutex_);
  for (const auto& [code, counter] : reply_counters_) {
    if (code == enhanced_code) return counter;
  }
  prometheus::Counter* counter = &replies_->Add({{"code", std::string(enhanced_code)}});
  reply_counters_.emplace_back(std::string(enhanced_code), counter);
  return counter;
}

void Metrics::reply(std::string_view enhanced_code) { reply_counter(enhanced_code)->Increment(); }

void Metrics::socketmap_request(std::string_view map, socketmap::Status answer) {
  std::size_t row = map_names_.size() - 1;  // "unknown": a client's map name is never a label
  for (std::size_t i = 0; i + 1 < map_names_.size(); ++i) {
    if (map_names_[i] == map) row = i;
  }
  socketmap_by_map_[row][static_cast<std::size_t>(answer)]->Increment();
}

void Metrics::config_reload(bool ok) { reloads_[ok ? 0 : 1]->Increment(); }

void Metrics::config_loaded() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  loaded_->Set(std::chrono::duration<double>(now).count());
}

void Metrics::loop_stopped(core::LoopKind kind) {
  if (kind != core::LoopKind::none) loops_[kind == core::LoopKind::hop_count ? 0 : 1]->Increment();
}

void Metrics::connection_opened() { connections_->Increment(); }
void Metrics::connection_closed() { connections_->Decrement(); }
void Metrics::log_queue_wait() { log_waits_->Increment(); }

Metrics* installed() { return g_metrics.load(std::memory_order_acquire); }

void install(Metrics* metrics) {
  g_metrics.store(metrics, std::memory_order_release);
  install_events(metrics);
}

}  // namespace splitroute::metrics
