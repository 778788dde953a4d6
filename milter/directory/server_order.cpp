// server_order.cpp - which LDAP server to try first: failover with state.
#include "directory/server_order.hpp"

#include <algorithm>
#include <utility>

namespace splitroute::directory {

namespace {

bool by_rank(const ServerEntry& a, const ServerEntry& b) { return a.rank < b.rank; }

}  // namespace

ServerOrder::ServerOrder(std::vector<ServerEntry> servers, BackoffPolicy policy, ServerClock clock)
    : policy_(policy), clock_(std::move(clock)) {
  set_servers(std::move(servers));
}

void ServerOrder::set_servers(std::vector<ServerEntry> servers) {
  std::stable_sort(servers.begin(), servers.end(), by_rank);
  std::vector<State> next;
  next.reserve(servers.size());
  for (auto& entry : servers) {
    State state;
    if (const State* known = find(entry.uri)) state = *known;
    state.entry = std::move(entry);
    next.push_back(std::move(state));
  }
  servers_ = std::move(next);
}

bool ServerOrder::healthy(const State& state, std::chrono::steady_clock::time_point now) const {
  return state.retry_at <= now;
}

ServerOrder::State* ServerOrder::find(const std::string& uri) {
  const auto it = std::find_if(servers_.begin(), servers_.end(), [&uri](const State& s) { return s.entry.uri == uri; });
  return it == servers_.end() ? nullptr : &*it;
}

// rotate - put the next server of `group` (equal rank) first: smooth
// weighted round robin; a weight of 0 counts only when every weight is 0.
void ServerOrder::rotate(std::vector<State*>& group) {
  const bool all_zero = std::all_of(group.begin(), group.end(), [](const State* s) { return s->entry.weight == 0; });
  std::int64_t total = 0;
  State* best = nullptr;
  for (State* state : group) {
    const std::int64_t weight = all_zero ? 1 : state->entry.weight;
    state->current += weight;
    total += weight;
    if (best == nullptr || state->current > best->current) best = state;
  }
  best->current -= total;
  std::stable_sort(group.begin(), group.end(), [best](const State* a, const State* b) {
    if ((a == best) != (b == best)) return a == best;
    return a->entry.weight > b->entry.weight;
  });
}

std::vector<std::string> ServerOrder::order() {
  const auto now = clock_();
  std::vector<State*> ready;
  std::vector<State*> waiting;
  for (State& state : servers_) (healthy(state, now) ? ready : waiting).push_back(&state);
  std::vector<std::string> uris;
  uris.reserve(servers_.size());
  for (std::size_t begin = 0; begin < ready.size();) {
    std::size_t end = begin;
    while (end < ready.size() && ready[end]->entry.rank == ready[begin]->entry.rank) ++end;
    std::vector<State*> group(ready.begin() + begin, ready.begin() + end);
    if (begin == 0 && group.size() > 1) rotate(group);
    for (const State* state : group) uris.push_back(state->entry.uri);
    begin = end;
  }
  std::stable_sort(waiting.begin(), waiting.end(), [](const State* a, const State* b) { return a->retry_at < b->retry_at; });
  for (const State* state : waiting) uris.push_back(state->entry.uri);
  return uris;
}

// failed - a failure while the server was not in back-off (a try after it
// ended, or a healthy server going down) starts or doubles the back-off;
// failures of tries that began before it (other threads) change nothing.
void ServerOrder::failed(const std::string& uri) {
  State* state = find(uri);
  const auto now = clock_();
  if (state == nullptr || !healthy(*state, now)) return;
  state->backoff = state->backoff.count() == 0 ? policy_.first : std::min(state->backoff * 2, policy_.max);
  state->retry_at = now + state->backoff;
}

void ServerOrder::succeeded(const std::string& uri) {
  if (State* state = find(uri)) {
    state->backoff = std::chrono::milliseconds(0);
    state->retry_at = {};
  }
}

bool ServerOrder::preferred(const std::string& uri) const {
  const auto now = clock_();
  const auto it = std::find_if(servers_.begin(), servers_.end(), [&uri](const State& s) { return s.entry.uri == uri; });
  if (it == servers_.end()) return false;
  return std::none_of(servers_.begin(), it, [&](const State& s) { return s.entry.rank < it->entry.rank && healthy(s, now); });
}

}  // namespace splitroute::directory
