// resolve.cpp - one recipient, from address text to decision.
#include "runtime/resolve.hpp"

#include "directory/cache.hpp"
#include "metrics/events.hpp"

namespace splitroute::runtime {

void look_up_keys(directory::Directory& table, const core::LookupKeys& keys, core::DirectoryAnswer& answer,
                  metrics::Events* events, core::Trail* trail) {
  const std::string* answered = nullptr;
  for (const std::string& key : keys) {
    table.lookup_into(key, answer);
    answered = &key;
    if (events != nullptr) {
      bool cached = answer.detail == directory::kCacheDetail;
      events->directory_lookup(answer.result, cached ? metrics::Source::cache : metrics::Source::directory);
    }
    if (answer.result != core::Lookup::miss) break;
  }
  if (trail != nullptr && answered != nullptr) {  // only an explanation pays for these copies
    answer.key = *answered;
    answer.source = table.describe();
  }
}

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
  if (r.plan.needs_lookup) {
    if (config.directory) {
      look_up_keys(*config.directory, r.plan.keys, r.answer, metrics::events(), trail);
    } else {
      directory::assign(r.answer, core::Lookup::error, {}, "no directory is configured");
    }
  }
  core::decide_into(config.rules, r.address, r.plan, r.answer, size, r.decision, trail);
  r.reply = core::reply_for(r.decision, r.address);
}

}  // namespace splitroute::runtime
