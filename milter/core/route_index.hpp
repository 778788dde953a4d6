// route_index.hpp - constant-time matching of accepted domains and connectors.
//
// Patterns are kept in hash tables keyed by their domain part, so a lookup
// costs one probe per label of the recipient domain, whatever the number of
// rules: the exact name, then each parent suffix for "*.suffix" patterns
// (longest first), then "*".  Entries refer to the Ruleset by index, so a
// copied Ruleset stays valid.  Only enabled connectors are indexed; each
// bucket is sorted by (cost, connector name) once, at build time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/rules.hpp"

namespace splitroute::core {

// StringHash - hashes std::string and std::string_view alike, so lookups
// take a string_view without building a string.  Deliberately not noexcept:
// libstdc++ then keeps each key's hash in its node, so a probe compares
// hashes before strings and never rehashes a neighbouring key.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const;
};

// One address space of one enabled connector, as ranked in a bucket.
struct ConnectorEntry {
  std::uint32_t connector = 0;  // index into Ruleset::send_connectors
  std::uint32_t space = 0;      // index into that connector's address_spaces
  int cost = 1;
  std::optional<std::uint64_t> max_message_size;
};

// An accepted domain found for a recipient domain, with its type (kept in
// the index so the hot path need not touch the Ruleset).
struct AcceptedMatch {
  std::uint32_t index = 0;  // into Ruleset::accepted_domains
  DomainType type = DomainType::authoritative;
};

// What best_connector() looked at, for explaining a decision.
struct Considered {
  ConnectorEntry entry;
  std::size_t specificity = 0;
  bool too_small = false;
  bool chosen = false;
};

struct ConnectorChoice {
  std::optional<std::uint32_t> connector;  // the winner, if any
  bool matched = false;  // some enabled connector's address space matched
};

class RouteIndex {
 public:
  explicit RouteIndex(const Ruleset& rules);

  // accepted_domain - index of the accepted domain for normalised `domain`:
  // an exact match first, else the longest matching wildcard.
  std::optional<std::uint32_t> accepted_domain(std::string_view domain) const;
  // match_accepted - the same, with the accepted domain's type.
  std::optional<AcceptedMatch> match_accepted(std::string_view domain) const;

  // best_connector - the most specific match, then lowest cost, then lowest
  // name, skipping connectors whose max_message_size is below `size`.
  // When `considered` is not null, every matching entry is appended to it.
  ConnectorChoice best_connector(std::string_view domain, std::optional<std::uint64_t> size,
                                 std::vector<Considered>* considered = nullptr) const;

 private:
  template <class T>
  using Table = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;
  using Bucket = std::vector<ConnectorEntry>;

  Table<AcceptedMatch> accepted_exact_;
  Table<AcceptedMatch> accepted_wildcard_;  // keyed by suffix
  Table<Bucket> connector_exact_;
  Table<Bucket> connector_wildcard_;  // keyed by suffix
  Bucket connector_any_;
};

}  // namespace splitroute::core
