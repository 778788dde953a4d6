// resolve.hpp - one recipient, from address text to decision.
//
// The glue every front end shares (the CLI, the milter, the socketmap
// server): parse the address, ask the core for a plan, consult the directory
// with the plan's keys, and let the core decide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/router.hpp"
#include "runtime/config.hpp"

namespace splitroute::metrics {
class Events;
}  // namespace splitroute::metrics

namespace splitroute::runtime {

// Resolution - everything decided for one recipient.  Where it goes:
// core::nexthop(config.rules, decision).  A caller that keeps one from
// recipient to recipient (resolve_into) reuses its strings: a decision
// answered from memory (the recipients file, the LDAP answer cache) then
// allocates nothing, unless it refuses (the reply's text) or the address
// has an IDN domain or a non-ASCII local part (their conversions).
struct Resolution {
  std::string error;  // non-empty: the address is malformed (nothing decided)
  core::Address address;
  core::Plan plan;
  core::Decision decision;
  core::DirectoryAnswer answer;
  core::DirectoryAnswer verification;  // the other side's directory (runtime/verify.hpp)
  core::LookupKeys verification_keys;  // when the plan has no keys (a domain that is not ours)
  std::optional<core::Reply> reply;
};

// resolve - decide for `address_text` (with or without <>); `size` is the
// ESMTP SIZE= value when known.  `trail` collects the explanation if set.
Resolution resolve(const Config& config, std::string_view address_text,
                   std::optional<std::uint64_t> size, core::Trail* trail = nullptr);
// resolve_into - the same into `out`, every field set again.
void resolve_into(const Config& config, std::string_view address_text, std::optional<std::uint64_t> size,
                  Resolution& out, core::Trail* trail = nullptr);

// look_up_keys - ask `table` for each key in order, into `answer`; stop at
// the first hit or error.  Each answer is counted in `events` when it is
// set; with a trail, the answer names the key that gave it and the table.
void look_up_keys(directory::Directory& table, const core::LookupKeys& keys, core::DirectoryAnswer& answer,
                  metrics::Events* events, core::Trail* trail);

}  // namespace splitroute::runtime
