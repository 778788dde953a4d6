// cache.hpp - a bounded TTL cache in front of a directory table.
//
// AnswerCache keeps hits for positive_ttl_s and misses for negative_ttl_s
// (0 disables that kind), at most max_entries of them, evicting the least
// recently used.  Errors are never cached: the next lookup asks the server
// again.  CachedDirectory puts one in front of any Directory; an answer it
// serves from the cache carries detail == kCacheDetail ("cache"), which the
// front ends report as "cached".  Concurrent misses for one key share one
// lookup of the table (the first caller asks, the others wait for its
// answer), so a recipient that many sessions name at once costs one
// search per TTL.  The clock is injectable for tests.
// Thread-safe: the mutexes are held only for map operations (never across
// a lookup of the table behind it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/ldap_config.hpp"
#include "directory/directory.hpp"

namespace splitroute::directory {

inline constexpr std::string_view kCacheDetail = "cache";

using Clock = std::function<std::chrono::steady_clock::time_point()>;

class AnswerCache {
 public:
  explicit AnswerCache(const core::LdapCacheConfig& config, Clock clock = std::chrono::steady_clock::now);

  // get - the cached, unexpired answer for `key` (detail kCacheDetail)
  // into `out`; false (and `out` untouched) when there is none.
  bool get(std::string_view key, Answer& out);
  // put - remember `answer` for `key` if its kind is cached at all.
  void put(const std::string& key, const Answer& answer);
  std::size_t size() const;

 private:
  struct Entry {
    core::Lookup result;
    std::string target;
    std::chrono::steady_clock::time_point expires;
    std::list<std::string>::iterator recency;  // position in recency_
  };

  std::chrono::seconds ttl_for(core::Lookup result) const;

  const core::LdapCacheConfig config_;
  const Clock clock_;
  mutable std::mutex mutex_;
  // Looked up by string_view (no key copy per lookup).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;  // guarded by mutex_
  std::list<std::string> recency_;  // most recently used first; guarded by mutex_
};

class CachedDirectory final : public Directory {
 public:
  CachedDirectory(DirectoryPtr table, const core::LdapCacheConfig& config,
                  Clock clock = std::chrono::steady_clock::now);
  Answer lookup(std::string_view key) override;
  void lookup_into(std::string_view key, Answer& out) override;
  std::string describe() const override { return table_->describe(); }

 private:
  // Flight - one lookup of the table in progress, and who waits for it.
  struct Flight {
    std::mutex mutex;
    std::condition_variable landed;
    std::optional<Answer> answer;  // guarded by mutex
  };

  // ask_table - look `key` up in the table, or wait for the caller that
  // already does.
  Answer ask_table(const std::string& key);
  Answer lead(const std::string& key, Flight& flight);

  DirectoryPtr table_;
  AnswerCache cache_;
  std::mutex flights_mutex_;
  std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;  // guarded by flights_mutex_
};

// with_cache - `table` behind a cache, or `table` itself when `config`
// disables caching (max_entries 0, or both TTLs 0).
DirectoryPtr with_cache(DirectoryPtr table, const core::LdapCacheConfig& config);

}  // namespace splitroute::directory
