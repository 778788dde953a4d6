// trace.cpp - libFuzzer target: the loop guard's header parsing (core/trace.hpp).
//
// Input: header lines "Name: value" separated by '\n' (at most 2000).  Each
// goes through LoopGuard::on_header; each value through parse_trace.
// Properties: no exception or sanitizer report; a parsed trace formats back
// to a value that parses to the same trace; the guard never keeps more than
// kMaxKeptTraces hashes and counts exactly the Received: headers given.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/trace.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

constexpr std::size_t kMaxLines = 2000;

void check_trace(std::string_view value) {
  auto trace = core::parse_trace(value);
  if (!trace) return;
  FUZZ_CHECK(core::is_valid_organization(trace->organization));
  auto again = core::parse_trace(core::format_trace(trace->organization, trace->rcpt));
  FUZZ_CHECK(again && again->organization == trace->organization && again->rcpt == trace->rcpt);
  FUZZ_CHECK(core::parse_hash(core::format_hash(trace->rcpt)) == trace->rcpt);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  core::LoopGuard guard("example-org");
  std::size_t received = 0;
  for (std::size_t lines = 0; !rest.empty() && lines < kMaxLines; ++lines) {
    std::string_view line, name, value;
    fuzz::split_at_first(rest, '\n', line, rest);
    fuzz::split_at_first(line, ':', name, value);
    if (core::is_received_header(name)) ++received;
    guard.on_header(name, value);
    check_trace(value);
  }
  FUZZ_CHECK(guard.hops() == received);
  FUZZ_CHECK(guard.kept() <= core::kMaxKeptTraces);
  core::RecipientHash hash = core::recipient_hash(fuzz::as_text(data, size));
  core::check_loop(guard, 30, {&hash, 1});
  return 0;
}
