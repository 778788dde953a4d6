// resolve.cpp - one recipient, from address text to decision.
#include "runtime/resolve.hpp"

#include "directory/cache.hpp"
#include "metrics/events.hpp"

namespace splitroute::runtime {
namespace {

// look_up - try each key in order into `answer`; stop at the first hit or
// error.
void look_up(const Config& config, const core::LookupKeys& keys, core::DirectoryAnswer& answer,
             core::Trail* trail) {
  if (!config.directory) {
    directory::assign(answer, core::Lookup::error, {}, "no directory is configured");
    return;
  }
  const std::string* answered = nullptr;
  for (const std::string& key : keys) {
    config.directory->lookup_into(key, answer);
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
}

}  // namespace

Resolution resolve(const Config& config, std::string_view address_text, std::optional<std::uint64_t> size,
                   core::Trail* trail) {
  Resolution r;
  resolve_into(config, address_text, size, r, trail);
  return r;
}

void resolve_into(const Config& config, std::string_view address_text, std::optional<std::uint64_t> size,
                  Resolution& r, core::Trail* trail) {
  directory::assign(r.answer, core::Lookup::none, {}, {});
  directory::assign(r.verification, core::Lookup::none, {}, {});
  r.verification_keys.clear();
  r.reply.reset();
  r.error = core::parse_address(address_text, r.address);
  if (!r.error.empty()) {  // nothing decided
    r.plan = core::Plan{};
    r.decision = core::Decision{};
    return;
  }
  core::plan_into(config.rules, r.address, r.plan);
  if (r.plan.needs_lookup) look_up(config, r.plan.keys, r.answer, trail);
  core::decide_into(config.rules, r.address, r.plan, r.answer, size, r.decision, trail);
  r.reply = core::reply_for(r.decision, r.address);
}

}  // namespace splitroute::runtime
