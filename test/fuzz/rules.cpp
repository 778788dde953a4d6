// rules.cpp - libFuzzer target: the rule-file loader and validator
// (core::load_rules) on arbitrary text, and the router on what it accepts.
//
// Properties: no exception or sanitizer report; an accepted file has a
// route index and no error diagnostic; a refused one has at least one error,
// each naming a JSON pointer ("" or starting with "/") and a message.  For
// an accepted file, a few recipients are planned and decided (directory
// miss, 1 MB message), exercising the route index and the reply catalogue.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/address.hpp"
#include "core/router.hpp"
#include "core/rules_json.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

constexpr std::string_view kRecipients[] = {"alice@example.com", "bob+tag@sub.example.org", "x@a.b.c.d.example.net",
                                            "\"q u\"@[192.0.2.1]", "user@xn--bcher-kva.example"};

void route_samples(const core::Ruleset& rules) {
  for (std::string_view text : kRecipients) {
    core::Address address;
    FUZZ_CHECK(core::parse_address(text, address).empty());
    core::Plan plan = core::plan(rules, address);
    core::DirectoryAnswer answer;
    answer.result = plan.needs_lookup ? core::Lookup::miss : core::Lookup::none;
    core::Decision decision = core::decide(rules, address, plan, answer, std::uint64_t{1} << 20);
    core::nexthop(rules, decision);
    core::reply_for(decision, address);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  core::LoadResult result = core::load_rules(fuzz::as_text(data, size), "/etc/splitroute");
  bool has_error = false;
  for (const core::Diagnostic& d : result.diagnostics) {
    FUZZ_CHECK(d.pointer.empty() || d.pointer.front() == '/');
    FUZZ_CHECK(!d.message.empty() && !d.text().empty());
    has_error = has_error || d.severity == core::Severity::error;
  }
  FUZZ_CHECK(result.ok() != has_error);
  if (result.ok()) {
    FUZZ_CHECK(result.rules->index != nullptr);
    route_samples(*result.rules);
  }
  return 0;
}
