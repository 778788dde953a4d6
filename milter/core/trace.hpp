// trace.hpp - the loop guard, pure: trace headers, recipient hashes, hop counts.
//
// Every message this organisation relays gets, per relayed recipient,
//   X-Splitroute-Trace: org=<organization>; rcpt=<16 hex digits>
// where the digits are a stable 64-bit hash (FNV-1a) of the lowercased
// recipient address, so the header never names an address.  A message that
// comes back carrying this organisation's trace for a recipient it would
// relay again has looped: it is stopped on the second pass instead of after
// `loop.max_hops` Received: headers.
//
// Everything here is pure (no I/O, no clock) and bounded: header values
// longer than kMaxTraceValueLength are not traces, and a LoopGuard keeps at
// most kMaxKeptTraces hashes however many headers a message carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

namespace splitroute::core {

inline constexpr std::string_view kTraceHeader = "X-Splitroute-Trace";
inline constexpr std::string_view kRouteHeader = "X-Splitroute-Route";
inline constexpr std::size_t kMaxTraceValueLength = 256;
inline constexpr std::size_t kMaxOrganizationLength = 64;
inline constexpr std::size_t kMaxKeptTraces = 1000;

using RecipientHash = std::uint64_t;

// recipient_hash - FNV-1a (64 bit) of the ASCII-lowercased `address`.
RecipientHash recipient_hash(std::string_view address);
// recipient_hash - the same of local "@" domain, without joining them.
RecipientHash recipient_hash(std::string_view local, std::string_view domain);

// format_hash - 16 lowercase hex digits.
std::string format_hash(RecipientHash hash);

// parse_hash - exactly 16 hex digits (either case); nullopt otherwise.
std::optional<RecipientHash> parse_hash(std::string_view text);

// is_valid_organization - ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$, as the rules.
bool is_valid_organization(std::string_view name);

// choose_organization - the first valid of the configured name, the MTA's
// host name (the `j` macro) and the local host name; "localhost" if none.
std::string choose_organization(std::string_view configured, std::string_view mta_host,
                                std::string_view host_name);

struct Trace {
  std::string organization;
  RecipientHash rcpt = 0;
};

// format_trace - the header value "org=<organization>; rcpt=<hash>".
std::string format_trace(std::string_view organization, RecipientHash rcpt);

// parse_trace - a header value back into a Trace.  Items are separated by
// ';', keys are case-insensitive, white space (also folding) is ignored,
// unknown keys are skipped; `org` and `rcpt` must each appear once and be
// valid.  nullopt for anything else, including overlong values.
std::optional<Trace> parse_trace(std::string_view value);

// is_received_header / is_trace_header - header names, case-insensitively.
bool is_received_header(std::string_view name);
bool is_trace_header(std::string_view name);

// LoopGuard - what one message's headers say about loops: how many
// Received: headers it has and which recipients `organization` traced.
class LoopGuard {
 public:
  explicit LoopGuard(std::string organization = {});

  // on_header - account for one header of the incoming message.
  void on_header(std::string_view name, std::string_view value);

  std::size_t hops() const { return hops_; }
  bool traced(RecipientHash rcpt) const { return traced_.contains(rcpt); }
  std::size_t kept() const { return traced_.size(); }
  const std::string& organization() const { return organization_; }

 private:
  std::string organization_;
  std::size_t hops_ = 0;
  std::unordered_set<RecipientHash> traced_;
};

enum class LoopKind { none, hop_count, trace };

struct LoopCheck {
  LoopKind kind = LoopKind::none;
  RecipientHash rcpt = 0;  // the looping recipient (trace only)
};

// check_loop - too many hops first (more than `max_hops` Received:), then
// the first of `relayed` that this organisation already traced.
LoopCheck check_loop(const LoopGuard& guard, int max_hops, std::span<const RecipientHash> relayed);

const char* to_string(LoopKind kind);

}  // namespace splitroute::core
