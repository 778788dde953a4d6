// router.hpp - the routing decision for one recipient.
//
// Pure: the caller parses the address, asks plan() whether the directory must
// be consulted (and with which keys), performs the lookups itself, and hands
// the answer to decide().  Nothing here does I/O or keeps state.
//
//   accepted domain   directory        verdict
//   authoritative     found            local
//   authoritative     not found        reject 550 5.1.1
//   internal_relay    found            local
//   internal_relay    not found        relay (best connector for the domain)
//   external_relay    (no lookup)      relay
//   any with lookup   contact(target)  relay (best connector for target's domain)
//   any with lookup   error            tempfail 451 4.4.3
//   outside all       (no lookup)      relay if a connector matches, else none
// A relay whose matching connectors are all smaller than the message size is
// rejected 552 5.3.4.
//
// A relay through a connector with verify_recipients is then verified (not
// a contact's: its target is known): the caller asks verify_method(), looks
// the recipient up in that connector's directory (method directory) and
// hands the answer to verify():
//   other side's directory   verdict
//   found                    relay (unchanged)
//   not found                reject 550 5.1.1
//   error                    tempfail 451 4.4.3
// The smtp method is Postfix's: the socketmap's "verify" map asks for
// reject_unverified_recipient, and verify() only explains it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/reply.hpp"
#include "core/rules.hpp"

namespace splitroute::core {

enum class Verdict { local, relay, reject, tempfail, none };
enum class Lookup { none, hit, miss, error };  // `none`: no lookup was needed

// Explanation lines; decide() appends to it only when it is not null.
using Trail = std::vector<std::string>;

// LookupKeys - the directory keys of one address, in the order to try them
// (stop at the first hit or error): the whole address (an IDN domain as
// written, then in its other form), then the same without its extension
// when recipient_delimiter applies; four at most.  A caller that keeps one
// from recipient to recipient fills it again without allocating: the
// strings keep their capacity.
class LookupKeys {
 public:
  static constexpr std::size_t kMax = 4;
  const std::string* begin() const { return keys_.data(); }
  const std::string* end() const { return keys_.data() + count_; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  const std::string& front() const { return keys_[0]; }
  const std::string& operator[](std::size_t i) const { return keys_[i]; }
  std::vector<std::string> to_vector() const { return {begin(), end()}; }
  void clear() { count_ = 0; }
  // next - the next key's string, emptied (its capacity kept).
  std::string& next() {
    std::string& key = keys_[count_++];
    key.clear();
    return key;
  }

 private:
  std::array<std::string, kMax> keys_;
  std::size_t count_ = 0;
};

struct Plan {
  std::optional<std::uint32_t> accepted;  // index into Ruleset::accepted_domains
  bool needs_lookup = false;
  LookupKeys keys;  // filled when needs_lookup
};

struct DirectoryAnswer {
  Lookup result = Lookup::none;
  std::string target;  // a contact's target address (hit only; empty = mailbox)
  std::string detail;  // error text or source ("cache"), for the trail and logs
  // For the trail only (set by callers that explain): the key that gave
  // this answer and the table that gave it ("file:/etc/...").
  std::string key{};
  std::string source{};
};

struct Decision {
  Verdict verdict = Verdict::none;
  ReplyKind reply = ReplyKind::none;
  Lookup lookup = Lookup::none;
  std::optional<std::uint32_t> accepted;   // accepted domain index
  std::optional<std::uint32_t> connector;  // send connector index (relay)
  std::string route_domain;  // domain the connector was chosen for (recipient's or target's)
  Lookup verification = Lookup::none;  // the other side's directory, when verify() asked it
  // A contact's target, parsed (its domain is route_domain); kept from an
  // earlier decision otherwise (decide_into reuses its strings): read it
  // only when lookup is hit and the verdict is relay.
  Address target;
};

// plan - which accepted domain applies to `address` and what to look up.
Plan plan(const Ruleset& rules, const Address& address);
// plan_into - the same into `out`, whose strings keep their capacity.
void plan_into(const Ruleset& rules, const Address& address, Plan& out);

// decide - the verdict for `address`, given the plan and directory answer.
Decision decide(const Ruleset& rules, const Address& address, const Plan& plan,
                const DirectoryAnswer& answer, std::optional<std::uint64_t> size,
                Trail* trail = nullptr);
// decide_into - the same into `out` (every field set again; its strings
// keep their capacity, so a caller that keeps `out` allocates nothing).
void decide_into(const Ruleset& rules, const Address& address, const Plan& plan,
                 const DirectoryAnswer& answer, std::optional<std::uint64_t> size, Decision& out,
                 Trail* trail = nullptr);

// lookup_keys - the directory keys of `address` (see LookupKeys) into `out`.
void lookup_keys(const Ruleset& rules, const Address& address, LookupKeys& out);

// verify_method - how the recipient of `decision` is verified before it is
// accepted: its connector's method for a relay that is not a contact's,
// VerifyMethod::none for every other decision.
VerifyMethod verify_method(const Ruleset& rules, const Decision& decision);

// verify - the decision after verification: for the directory method,
// `answer` is the other side's directory's (keys from lookup_keys); the
// smtp method changes nothing (Postfix verifies).  Appends the step to the
// trail when there is one.
void verify(const Ruleset& rules, const Address& address, const DirectoryAnswer& answer,
            Decision& decision, Trail* trail = nullptr);

// nexthop - where a relay goes: each smarthost "[h]:p" in order, or the
// route domain itself for DNS (MX) delivery; for a local recipient, the
// rules' local_transport when set; empty otherwise.
std::vector<std::string> nexthop(const Ruleset& rules, const Decision& decision);
// append_nexthop - the same appended to `out`, joined by `separator`,
// without a temporary string; false (nothing appended) when there is none.
bool append_nexthop(std::string& out, const Ruleset& rules, const Decision& decision,
                    std::string_view separator);

// reply_for - the SMTP reply the milter gives for `decision`, if any.
std::optional<Reply> reply_for(const Decision& decision, const Address& address);

const char* to_string(Verdict verdict);
const char* to_string(Lookup lookup);

}  // namespace splitroute::core
