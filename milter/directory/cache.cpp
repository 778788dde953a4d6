// cache.cpp - a bounded TTL + LRU cache in front of a directory table.
#include "directory/cache.hpp"

#include <utility>

namespace splitroute::directory {

AnswerCache::AnswerCache(const core::LdapCacheConfig& config, Clock clock)
    : config_(config), clock_(std::move(clock)) {}

std::chrono::seconds AnswerCache::ttl_for(core::Lookup result) const {
  switch (result) {
    case core::Lookup::hit: return std::chrono::seconds(config_.positive_ttl_s);
    case core::Lookup::miss: return std::chrono::seconds(config_.negative_ttl_s);
    default: return std::chrono::seconds(0);  // errors (and `none`) are never cached
  }
}

bool AnswerCache::get(std::string_view key, Answer& out) {
  const auto now = clock_();
  const std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return false;
  Entry& entry = found->second;
  if (now >= entry.expires) {
    recency_.erase(entry.recency);
    entries_.erase(found);
    return false;
  }
  recency_.splice(recency_.begin(), recency_, entry.recency);
  assign(out, entry.result, entry.target, kCacheDetail);
  return true;
}

void AnswerCache::put(const std::string& key, const Answer& answer) {
  const auto ttl = ttl_for(answer.result);
  if (ttl.count() == 0 || config_.max_entries == 0) return;
  const auto expires = clock_() + ttl;
  const std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(key); found != entries_.end()) {
    recency_.erase(found->second.recency);
    entries_.erase(found);
  }
  recency_.push_front(key);
  entries_.emplace(key, Entry{answer.result, answer.target, expires, recency_.begin()});
  if (entries_.size() > config_.max_entries) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
}

std::size_t AnswerCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

CachedDirectory::CachedDirectory(DirectoryPtr table, const core::LdapCacheConfig& config, Clock clock)
    : table_(std::move(table)), cache_(config, std::move(clock)) {}

Answer CachedDirectory::lookup(std::string_view key) {
  Answer answer;
  lookup_into(key, answer);
  return answer;
}

void CachedDirectory::lookup_into(std::string_view key, Answer& out) {
  if (cache_.get(key, out)) return;
  out = ask_table(std::string(key));
}

Answer CachedDirectory::ask_table(const std::string& key) {
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    const std::lock_guard lock(flights_mutex_);
    if (flights_.find(key) == flights_.end()) {
      // A flight that landed since our miss has filled the cache (it
      // fills it before it leaves flights_): no second lookup.
      if (Answer cached; cache_.get(key, cached)) return cached;
    }
    auto [entry, inserted] = flights_.try_emplace(key);
    if (inserted) entry->second = std::make_shared<Flight>();
    flight = entry->second;
    leader = inserted;
  }
  if (leader) return lead(key, *flight);
  std::unique_lock lock(flight->mutex);
  flight->landed.wait(lock, [&] { return flight->answer.has_value(); });
  Answer answer = *flight->answer;
  if (answer.result != core::Lookup::error) answer.detail = std::string(kCacheDetail);  // not asked for this caller
  return answer;
}

// lead - the one lookup of a flight: its answer goes to the cache and to
// every caller waiting, even when the table throws.
Answer CachedDirectory::lead(const std::string& key, Flight& flight) {
  Answer answer{core::Lookup::error, {}, "directory lookup failed"};
  struct Land {
    CachedDirectory& self;
    const std::string& key;
    Flight& flight;
    const Answer& answer;
    ~Land() {
      {
        const std::lock_guard lock(self.flights_mutex_);
        self.flights_.erase(key);
      }
      {
        const std::lock_guard lock(flight.mutex);
        flight.answer = answer;
      }
      flight.landed.notify_all();
    }
  } land{*this, key, flight, answer};
  answer = table_->lookup(key);
  cache_.put(key, answer);
  return answer;
}

DirectoryPtr with_cache(DirectoryPtr table, const core::LdapCacheConfig& config) {
  const bool disabled = config.max_entries == 0 || (config.positive_ttl_s == 0 && config.negative_ttl_s == 0);
  if (disabled) return table;
  return std::make_shared<CachedDirectory>(std::move(table), config);
}

}  // namespace splitroute::directory
