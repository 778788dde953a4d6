// verify.cpp - a relayed recipient checked in the other organisation's
// directory before it is accepted.
#include "runtime/verify.hpp"

namespace splitroute::runtime {
namespace {

// look_up - the connector's directory, key by key into `answer` (stop at a
// hit or error).
void look_up(directory::Directory* table, const core::LookupKeys& keys, core::DirectoryAnswer& answer,
             core::Trail* trail) {
  if (table == nullptr) {
    directory::assign(answer, core::Lookup::error, {}, "the connector's directory is not open");
    return;
  }
  const std::string* answered = nullptr;
  for (const std::string& key : keys) {
    table->lookup_into(key, answer);
    answered = &key;
    if (answer.result != core::Lookup::miss) break;
  }
  if (trail != nullptr && answered != nullptr) {
    answer.key = *answered;
    answer.source = table->describe();
  }
}

}  // namespace

void verify_recipient(const Config& config, Resolution& r, core::Trail* trail) {
  if (!r.error.empty()) return;
  core::VerifyMethod method = core::verify_method(config.rules, r.decision);
  core::DirectoryAnswer& answer = r.verification;
  if (method == core::VerifyMethod::directory) {
    std::uint32_t connector = *r.decision.connector;
    directory::Directory* table =
        connector < config.verify_directories.size() ? config.verify_directories[connector].get() : nullptr;
    core::lookup_keys(config.rules, r.address, r.verification_keys);
    look_up(table, r.verification_keys, answer, trail);
  }
  core::verify(config.rules, r.address, answer, r.decision, trail);
  if (r.decision.verification == core::Lookup::none) return;
  r.reply = core::reply_for(r.decision, r.address);
}

}  // namespace splitroute::runtime
