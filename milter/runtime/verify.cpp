// verify.cpp - a relayed recipient checked in the other organisation's
// directory before it is accepted.
#include "runtime/verify.hpp"

namespace splitroute::runtime {

void verify_recipient(const Config& config, Resolution& r, core::Trail* trail) {
  if (!r.error.empty()) return;
  core::VerifyMethod method = core::verify_method(config.rules, r.decision);
  core::DirectoryAnswer& answer = r.verification;
  if (method == core::VerifyMethod::directory) {
    std::uint32_t connector = *r.decision.connector;
    directory::Directory* table =
        connector < config.verify_directories.size() ? config.verify_directories[connector].get() : nullptr;
    const core::LookupKeys* keys = &r.plan.keys;  // the same keys, when the plan asked the directory
    if (!r.plan.needs_lookup) {
      core::lookup_keys(config.rules, r.address, r.verification_keys);
      keys = &r.verification_keys;
    }
    if (table == nullptr) {
      directory::assign(answer, core::Lookup::error, {}, "the connector's directory is not open");
    } else {
      look_up_keys(*table, *keys, answer, nullptr, trail);
    }
  }
  core::verify(config.rules, r.address, answer, r.decision, trail);
  if (r.decision.verification == core::Lookup::none) return;
  r.reply = core::reply_for(r.decision, r.address);
}

}  // namespace splitroute::runtime
