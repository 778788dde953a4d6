// trace.cpp - trace headers, recipient hashes and the loop decision.
#include "core/trace.hpp"

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::core {
namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
constexpr std::size_t kMaxTraceItems = 8;

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii::to_lower(a[i]) != ascii::to_lower(b[i])) return false;
  }
  return true;
}

bool is_white(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_white(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_white(text.back())) text.remove_suffix(1);
  return text;
}

int hex_value(char c) {
  if (ascii::is_digit(c)) return c - '0';
  char lower = ascii::to_lower(c);
  if (lower >= 'a' && lower <= 'f') return lower - 'a' + 10;
  return -1;
}

// next_item - the text up to the next ';' in `rest`, consumed.
std::string_view next_item(std::string_view& rest) {
  std::size_t end = rest.find(';');
  std::string_view item = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  return trim(item);
}

// take_item - store one "key=value" item into `out`; false if malformed.
bool take_item(std::string_view item, std::optional<std::string>& org, std::optional<RecipientHash>& rcpt) {
  std::size_t eq = item.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view key = trim(item.substr(0, eq));
  std::string_view value = trim(item.substr(eq + 1));
  if (equals_ignore_case(key, "org")) {
    if (org || !is_valid_organization(value)) return false;
    org = std::string(value);
  } else if (equals_ignore_case(key, "rcpt")) {
    if (rcpt) return false;
    rcpt = parse_hash(value);
    if (!rcpt) return false;
  }
  return true;  // unknown keys are skipped: later versions may add some
}

// fnv_append - `hash` continued over the ASCII-lowercased `text`.
std::uint64_t fnv_append(std::uint64_t hash, std::string_view text) {
  for (char c : text) {
    hash ^= static_cast<unsigned char>(ascii::to_lower(c));
    hash *= kFnvPrime;
  }
  return hash;
}

}  // namespace

RecipientHash recipient_hash(std::string_view address) { return fnv_append(kFnvOffset, address); }

RecipientHash recipient_hash(std::string_view local, std::string_view domain) {
  return fnv_append(fnv_append(fnv_append(kFnvOffset, local), "@"), domain);
}

std::string format_hash(RecipientHash hash) { return fmt::format("{:016x}", hash); }

std::optional<RecipientHash> parse_hash(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  RecipientHash hash = 0;
  for (char c : text) {
    int digit = hex_value(c);
    if (digit < 0) return std::nullopt;
    hash = (hash << 4) | static_cast<RecipientHash>(digit);
  }
  return hash;
}

bool is_valid_organization(std::string_view name) {
  if (name.empty() || name.size() > kMaxOrganizationLength || !ascii::is_alnum(name.front())) return false;
  for (char c : name) {
    if (!ascii::is_alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string choose_organization(std::string_view configured, std::string_view mta_host,
                                std::string_view host_name) {
  for (std::string_view candidate : {configured, mta_host, host_name}) {
    if (is_valid_organization(candidate)) return std::string(candidate);
  }
  return "localhost";
}

std::string format_trace(std::string_view organization, RecipientHash rcpt) {
  return fmt::format("org={}; rcpt={}", organization, format_hash(rcpt));
}

std::optional<Trace> parse_trace(std::string_view value) {
  if (value.size() > kMaxTraceValueLength) return std::nullopt;
  std::optional<std::string> org;
  std::optional<RecipientHash> rcpt;
  std::string_view rest = value;
  for (std::size_t items = 0; !rest.empty(); ++items) {
    if (items == kMaxTraceItems) return std::nullopt;
    std::string_view item = next_item(rest);
    if (item.empty()) continue;
    if (!take_item(item, org, rcpt)) return std::nullopt;
  }
  if (!org || !rcpt) return std::nullopt;
  return Trace{std::move(*org), *rcpt};
}

bool is_received_header(std::string_view name) { return equals_ignore_case(trim(name), "Received"); }

bool is_trace_header(std::string_view name) { return equals_ignore_case(trim(name), kTraceHeader); }

LoopGuard::LoopGuard(std::string organization) : organization_(std::move(organization)) {}

void LoopGuard::on_header(std::string_view name, std::string_view value) {
  if (is_received_header(name)) {
    if (hops_ < SIZE_MAX) ++hops_;
    return;
  }
  if (!is_trace_header(name) || traced_.size() >= kMaxKeptTraces) return;
  std::optional<Trace> trace = parse_trace(value);
  if (trace && equals_ignore_case(trace->organization, organization_)) traced_.insert(trace->rcpt);
}

LoopCheck check_loop(const LoopGuard& guard, int max_hops, std::span<const RecipientHash> relayed) {
  if (max_hops >= 0 && guard.hops() > static_cast<std::size_t>(max_hops)) return {LoopKind::hop_count, 0};
  for (RecipientHash rcpt : relayed) {
    if (guard.traced(rcpt)) return {LoopKind::trace, rcpt};
  }
  return {};
}

const char* to_string(LoopKind kind) {
  switch (kind) {
    case LoopKind::none: return "none";
    case LoopKind::hop_count: return "hop_count";
    case LoopKind::trace: return "trace";
  }
  return "none";
}

}  // namespace splitroute::core
