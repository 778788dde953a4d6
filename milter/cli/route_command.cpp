// route_command.cpp - `splitroute route`: explain the decision for addresses.
//
// For each address: the trail (accepted domain, directory answer, the
// connectors considered and why one won), the verdict, the verification
// with the other side (verify_recipients), the next hop and the SMTP reply
// the milter would give.  --json prints one object per line.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "core/utf8.hpp"
#include "runtime/resolve.hpp"
#include "runtime/verify.hpp"

namespace splitroute::cli {
namespace {

using json = nlohmann::ordered_json;

// dump - one line of JSON; bytes a client sent that are not UTF-8 become
// U+FFFD instead of stopping the command.
std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

json nullable(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

json to_json(const runtime::Config& config, const runtime::Resolution& r, const core::Trail& trail) {
  const core::Ruleset& rules = config.rules;
  const core::Decision& d = r.decision;
  json out;
  out["address"] = r.address.text();
  out["verdict"] = core::to_string(d.verdict);
  out["accepted_domain"] = d.accepted ? json(rules.accepted_domains[*d.accepted].pattern.text()) : json(nullptr);
  out["domain_type"] = d.accepted ? json(core::to_string(rules.accepted_domains[*d.accepted].type)) : json(nullptr);
  out["lookup"] = core::to_string(d.lookup);
  out["cached"] = r.answer.detail == "cache";
  out["target"] = nullable(r.answer.target);
  out["connector"] = d.connector ? json(rules.send_connectors[*d.connector].name) : json(nullptr);
  out["nexthop"] = core::nexthop(rules, d);
  out["reply"] = r.reply ? json(r.reply->line()) : json(nullptr);
  core::VerifyMethod method = d.connector ? rules.send_connectors[*d.connector].verify.method : core::VerifyMethod::none;
  if (method != core::VerifyMethod::none) {  // "result": "none" when nothing was asked (smtp, a contact)
    out["verify"] = {{"method", core::to_string(method)}, {"result", core::to_string(d.verification)}};
  }
  out["trail"] = trail;
  return out;
}

void print_text(const runtime::Resolution& r, const core::Trail& trail) {
  std::printf("%s: %s%s%s\n", core::valid_utf8(r.address.text()).c_str(), core::to_string(r.decision.verdict),
              r.reply ? " " : "", r.reply ? r.reply->line().c_str() : "");
  for (const std::string& line : trail) std::printf("  %s\n", core::valid_utf8(line).c_str());
}

// route_one - decide and print one address; false when it is malformed.
bool route_one(const runtime::Config& config, const Options& options, const std::string& address) {
  core::Trail trail;
  runtime::Resolution r = runtime::resolve(config, address, options.size, &trail);
  runtime::verify_recipient(config, r, &trail);
  if (!r.error.empty()) {
    if (options.json) {
      std::printf("%s\n", dump(json{{"address", address}, {"error", r.error}}).c_str());
    } else {
      std::fprintf(stderr, "splitroute: %s: %s\n", core::valid_utf8(address).c_str(), r.error.c_str());
    }
    return false;
  }
  if (options.json) {
    std::printf("%s\n", dump(to_json(config, r, trail)).c_str());
  } else {
    print_text(r, trail);
  }
  return true;
}

}  // namespace

int run_route(const Args& args) {
  Options options;
  if (std::string why = parse_options(args, "c,size,json", options); !why.empty()) return usage_error(why);
  if (options.operands.empty()) return usage_error("route needs at least one address");

  runtime::ConfigLoad load = runtime::load_config(options.rules);
  std::fputs(load.report().c_str(), stderr);
  if (!load.config) return kExitFailure;

  bool all_decided = true;
  for (const std::string& address : options.operands) {
    all_decided = route_one(*load.config, options, address) && all_decided;
  }
  std::fflush(stdout);
  return all_decided ? kExitOk : kExitFailure;
}

}  // namespace splitroute::cli
