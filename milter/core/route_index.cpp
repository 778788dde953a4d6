// route_index.cpp - hash-table index of accepted domains and send connectors.
//
// A lookup probes the exact table once, then the wildcard table once per
// parent suffix of the domain (longest first), then the "*" bucket: the cost
// depends on the number of labels in the domain, never on the number of rules.
#include "core/route_index.hpp"

#include <algorithm>
#include <functional>

namespace splitroute::core {
namespace {

// for_each_parent - calls visit() with each proper parent suffix of `domain`,
// longest first ("b.example", "example" for "a.b.example"), until it returns true.
template <class Visit>
void for_each_parent(std::string_view domain, Visit&& visit) {
  for (std::size_t dot = domain.find('.'); dot != std::string_view::npos;
       dot = domain.find('.', dot + 1)) {
    if (visit(domain.substr(dot + 1))) return;
  }
}

// level_specificity - the specificity of the patterns in one bucket; only
// computed when a caller wants the explanation (it allocates).
std::size_t level_specificity(PatternKind kind, std::string_view suffix) {
  return specificity(DomainPattern{kind, std::string(suffix)});
}

// Ranking - walks buckets from the most specific to the least, keeping the
// first entry that is big enough; with `considered` it records every entry.
class Ranking {
 public:
  Ranking(std::optional<std::uint64_t> size, std::vector<Considered>* considered)
      : size_(size), considered_(considered) {}

  bool wants_explanation() const { return considered_ != nullptr; }

  // visit - rank one bucket (already sorted by cost, name); true when the
  // walk may stop because the winner is known and nobody wants the rest.
  bool visit(const std::vector<ConnectorEntry>& bucket, std::size_t specificity) {
    for (const ConnectorEntry& entry : bucket) {
      choice_.matched = true;
      bool too_small = is_too_small(entry);
      bool chosen = !too_small && !choice_.connector;
      if (chosen) choice_.connector = entry.connector;
      if (considered_) {
        considered_->push_back({entry, specificity, too_small, chosen});
      } else if (chosen) {
        return true;
      }
    }
    return false;
  }

  const ConnectorChoice& choice() const { return choice_; }

 private:
  bool is_too_small(const ConnectorEntry& entry) const {
    return size_ && entry.max_message_size && *entry.max_message_size < *size_;
  }

  std::optional<std::uint64_t> size_;
  std::vector<Considered>* considered_;
  ConnectorChoice choice_;
};

}  // namespace

std::size_t StringHash::operator()(std::string_view s) const {
  return std::hash<std::string_view>{}(s);
}

RouteIndex::RouteIndex(const Ruleset& rules) {
  for (std::uint32_t i = 0; i < rules.accepted_domains.size(); ++i) {
    const AcceptedDomain& accepted = rules.accepted_domains[i];
    auto& table =
        accepted.pattern.kind == PatternKind::wildcard ? accepted_wildcard_ : accepted_exact_;
    table.try_emplace(accepted.pattern.suffix, AcceptedMatch{i, accepted.type});
  }
  for (std::uint32_t c = 0; c < rules.send_connectors.size(); ++c) {
    const Connector& connector = rules.send_connectors[c];
    if (!connector.enabled) continue;
    for (std::uint32_t s = 0; s < connector.address_spaces.size(); ++s) {
      const AddressSpace& space = connector.address_spaces[s];
      ConnectorEntry entry{c, s, space.cost, connector.max_message_size};
      switch (space.pattern.kind) {
        case PatternKind::exact:
          connector_exact_[space.pattern.suffix].push_back(entry);
          break;
        case PatternKind::wildcard:
          connector_wildcard_[space.pattern.suffix].push_back(entry);
          break;
        case PatternKind::any:
          connector_any_.push_back(entry);
          break;
      }
    }
  }
  auto ranks_before = [&rules](const ConnectorEntry& a, const ConnectorEntry& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    return rules.send_connectors[a.connector].name < rules.send_connectors[b.connector].name;
  };
  for (auto* table : {&connector_exact_, &connector_wildcard_}) {
    for (auto& [suffix, bucket] : *table) {
      std::stable_sort(bucket.begin(), bucket.end(), ranks_before);
    }
  }
  std::stable_sort(connector_any_.begin(), connector_any_.end(), ranks_before);
}

std::optional<AcceptedMatch> RouteIndex::match_accepted(std::string_view domain) const {
  if (auto exact = accepted_exact_.find(domain); exact != accepted_exact_.end()) {
    return exact->second;
  }
  std::optional<AcceptedMatch> found;
  for_each_parent(domain, [&](std::string_view suffix) {
    if (auto wildcard = accepted_wildcard_.find(suffix); wildcard != accepted_wildcard_.end()) {
      found = wildcard->second;
    }
    return found.has_value();
  });
  return found;
}

std::optional<std::uint32_t> RouteIndex::accepted_domain(std::string_view domain) const {
  std::optional<AcceptedMatch> match = match_accepted(domain);
  if (!match) return std::nullopt;
  return match->index;
}

ConnectorChoice RouteIndex::best_connector(std::string_view domain,
                                           std::optional<std::uint64_t> size,
                                           std::vector<Considered>* considered) const {
  Ranking ranking(size, considered);
  auto visit = [&](const Bucket& bucket, PatternKind kind, std::string_view suffix) {
    std::size_t rank = ranking.wants_explanation() ? level_specificity(kind, suffix) : 0;
    return ranking.visit(bucket, rank);
  };
  if (auto exact = connector_exact_.find(domain); exact != connector_exact_.end()) {
    if (visit(exact->second, PatternKind::exact, domain)) return ranking.choice();
  }
  bool done = false;
  for_each_parent(domain, [&](std::string_view suffix) {
    if (auto wildcard = connector_wildcard_.find(suffix); wildcard != connector_wildcard_.end()) {
      done = visit(wildcard->second, PatternKind::wildcard, suffix);
    }
    return done;
  });
  if (!done) visit(connector_any_, PatternKind::any, {});
  return ranking.choice();
}

}  // namespace splitroute::core
