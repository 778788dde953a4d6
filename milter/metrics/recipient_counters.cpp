// recipient_counters.cpp - splitroute_recipients_total, resolved per
// configuration so that counting a recipient is one atomic add.
#include "metrics/metrics.hpp"

namespace splitroute::metrics {

struct RecipientCounters::Block {
  std::atomic<ShardedCounter*> counters[kPerConnector] = {};
};

namespace {

constexpr const char* kOutside = "outside";

}  // namespace

RecipientCounters::RecipientCounters(CounterFamily& family, runtime::ConfigPtr config)
    : family_(family),
      config_(std::move(config)),
      blocks_(new std::atomic<Block*>[config_->rules.send_connectors.size() + 1]()),
      block_count_(config_->rules.send_connectors.size() + 1) {}

RecipientCounters::~RecipientCounters() {
  for (std::size_t i = 0; i < block_count_; ++i) delete blocks_[i].load();
}

// count - the labels are the log line's: verdict (reject for a malformed
// address), the accepted domain's type or "outside", the connector or "".
void RecipientCounters::count(const runtime::Resolution& r) {
  const core::Ruleset& rules = config_->rules;
  const core::Decision& d = r.decision;
  bool parsed = r.error.empty();
  auto verdict = static_cast<std::size_t>(parsed ? d.verdict : core::Verdict::reject);
  std::size_t type = kTypes - 1;  // outside
  if (parsed && d.accepted && *d.accepted < rules.accepted_domains.size()) {
    type = static_cast<std::size_t>(rules.accepted_domains[*d.accepted].type);
  }
  std::size_t connector = parsed && d.connector && *d.connector < rules.send_connectors.size() ? *d.connector + 1 : 0;
  if (verdict >= kVerdicts || type >= kTypes) return;
  Block* block = blocks_[connector].load(std::memory_order_acquire);
  ShardedCounter* counter =
      block != nullptr ? block->counters[verdict * kTypes + type].load(std::memory_order_acquire) : nullptr;
  if (counter == nullptr) counter = make(connector, verdict, type);
  counter->add();
}

ShardedCounter* RecipientCounters::make(std::size_t connector, std::size_t verdict, std::size_t type) {
  const std::lock_guard lock(mutex_);
  Block* block = blocks_[connector].load(std::memory_order_acquire);
  if (block == nullptr) {
    block = new Block;
    blocks_[connector].store(block, std::memory_order_release);
  }
  std::atomic<ShardedCounter*>& slot = block->counters[verdict * kTypes + type];
  if (ShardedCounter* known = slot.load(std::memory_order_acquire)) return known;
  const core::Ruleset& rules = config_->rules;
  std::string type_name = type == kTypes - 1 ? kOutside : core::to_string(static_cast<core::DomainType>(type));
  std::string connector_name = connector == 0 ? "" : rules.send_connectors[connector - 1].name;
  ShardedCounter* counter =
      &family_.counter({core::to_string(static_cast<core::Verdict>(verdict)), type_name, connector_name});
  slot.store(counter, std::memory_order_release);
  return counter;
}

}  // namespace splitroute::metrics
