// resolve.cpp - one recipient, from address text to decision.
#include "runtime/resolve.hpp"

#include "directory/cache.hpp"
#include "metrics/events.hpp"

namespace splitroute::runtime {
namespace {

// look_up - try each key in order; stop at the first hit or error.
core::DirectoryAnswer look_up(const Config& config, const core::Plan& plan, core::Trail* trail) {
  if (!config.directory) return {core::Lookup::error, {}, "no directory is configured"};
  core::DirectoryAnswer answer;
  const std::string* answered = nullptr;
  for (const std::string& key : plan.keys) {
    answer = config.directory->lookup(key);
    answered = &key;
    if (metrics::Events* events = metrics::events()) {
      bool cached = answer.detail == directory::kCacheDetail;
      events->directory_lookup(answer.result, cached ? metrics::Source::cache : metrics::Source::directory);
    }
    if (answer.result != core::Lookup::miss) break;
  }
  if (trail != nullptr && answered != nullptr) {  // only an explanation pays for these copies
    answer.key = *answered;
    answer.source = config.directory->describe();
  }
  return answer;
}

}  // namespace

Resolution resolve(const Config& config, std::string_view address_text, std::optional<std::uint64_t> size,
                   core::Trail* trail) {
  Resolution r;
  r.error = core::parse_address(address_text, r.address);
  if (!r.error.empty()) return r;
  core::Plan plan = core::plan(config.rules, r.address);
  if (plan.needs_lookup) r.answer = look_up(config, plan, trail);
  r.decision = core::decide(config.rules, r.address, plan, r.answer, size, trail);
  r.reply = core::reply_for(r.decision, r.address);
  r.nexthop = core::nexthop(config.rules, r.decision);
  return r;
}

}  // namespace splitroute::runtime
