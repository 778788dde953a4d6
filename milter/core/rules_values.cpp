// rules_values.cpp - syntax of sizes, smarthosts, names and other rule-file values.
#include "core/rules_values.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/domain.hpp"
#include "core/idna.hpp"
#include "core/rules_json.hpp"

namespace splitroute::core {
namespace {

constexpr std::size_t kMaxDelimiters = 8;
constexpr unsigned kMaxSocketMode = 0777;
constexpr std::size_t kMaxTransportLength = 32;

// The services of Postfix's stock master.cf (3.x), sorted.
constexpr std::string_view kStockServices[] = {
    "anvil", "bounce", "bsmtp", "cleanup", "defer", "discard", "error", "flush",
    "ifmail", "lmtp", "local", "maildrop", "mailman", "pickup", "postlog", "proxymap",
    "proxywrite", "qmgr", "relay", "retry", "rewrite", "scache", "scalemail-backend", "showq",
    "smtp", "smtps", "submission", "tlsmgr", "trace", "uucp", "verify", "virtual"};
static_assert(std::is_sorted(std::begin(kStockServices), std::end(kStockServices)));

struct SizeUnit {
  std::string_view name;
  std::uint64_t factor;
};
constexpr SizeUnit kSizeUnits[] = {
    {"", 1}, {"b", 1}, {"kb", 1ull << 10}, {"mb", 1ull << 20}, {"gb", 1ull << 30}};

// take_digits - the leading decimal number of `text` (removed from it), or
// nullopt when there is none or it overflows.
std::optional<std::uint64_t> take_digits(std::string_view& text) {
  std::size_t count = 0;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  while (count < text.size() && ascii::is_digit(text[count])) {
    auto digit = static_cast<std::uint64_t>(text[count] - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++count;
  }
  if (count == 0) return std::nullopt;
  text.remove_prefix(count);
  return value;
}

std::optional<std::uint64_t> unit_factor(std::string_view unit) {
  std::string lower = ascii::lowercase(unit);
  for (const SizeUnit& known : kSizeUnits) {
    if (known.name == lower) return known.factor;
  }
  return std::nullopt;
}

// parse_port - ":2525" after a host; empty means the default port 25.
std::optional<std::uint16_t> parse_port(std::string_view text, std::string& why) {
  constexpr std::uint16_t kDefaultPort = 25;
  constexpr std::uint64_t kMaxPort = 65535;
  if (text.empty()) return kDefaultPort;
  if (text.front() != ':') {
    why = fmt::format("unexpected \"{}\" after the host (want \":port\")", text);
    return std::nullopt;
  }
  std::string_view digits = text.substr(1);
  std::optional<std::uint64_t> port = take_digits(digits);
  if (!port || !digits.empty()) {
    why = fmt::format("port \"{}\" is not a number", text.substr(1));
    return std::nullopt;
  }
  if (*port < 1 || *port > kMaxPort) {
    why = fmt::format("port {} is outside 1..{}", text.substr(1), kMaxPort);
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(*port);
}

// canonical_literal - the literal with its IPv6 tag spelt "IPv6:", as
// Smarthost::nexthop() expects.
std::string canonical_literal(std::string_view literal) {
  if (!ascii::starts_with_ignoring_case(literal, kIpv6LiteralTag)) return std::string(literal);
  return std::string(kIpv6LiteralTag).append(literal.substr(kIpv6LiteralTag.size()));
}

// split_host - "[literal]rest" or "host:port" into host text and the rest.
bool split_host(std::string_view text, Smarthost& out, std::string_view& rest, std::string& why) {
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      why = "missing ']' after the address literal";
      return false;
    }
    std::string_view literal = text.substr(1, close - 1);
    if (auto error = address_literal_error(literal)) {
      why = *error;
      return false;
    }
    out.literal = true;
    out.host = canonical_literal(literal);
    rest = text.substr(close + 1);
    return true;
  }
  std::size_t colon = text.rfind(':');
  std::string_view host = text.substr(0, colon);
  rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  if (auto error = canonical_domain(host, out.host)) {
    why = fmt::format("host: {}", *error);
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::optional<std::uint64_t> number = take_digits(text);
  if (!number) return std::nullopt;
  if (text.starts_with(' ')) {
    text.remove_prefix(1);
    if (text.empty()) return std::nullopt;  // "5 " has no unit after the space
  }
  std::optional<std::uint64_t> factor = unit_factor(text);
  if (!factor || *number > std::numeric_limits<std::uint64_t>::max() / *factor) return std::nullopt;
  return *number * *factor;
}

std::optional<Smarthost> parse_smarthost(std::string_view text, std::string& why) {
  Smarthost smarthost;
  std::string_view rest;
  if (!split_host(text, smarthost, rest, why)) return std::nullopt;
  std::optional<std::uint16_t> port = parse_port(rest, why);
  if (!port) return std::nullopt;
  smarthost.port = *port;
  return smarthost;
}

std::optional<std::string> name_error(std::string_view name) {
  std::size_t characters = 0;
  for (char c : name) {
    if (ascii::is_control(c)) {
      return fmt::format("contains the control character {}", ascii::describe_char(c));
    }
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++characters;  // not a UTF-8 continuation
  }
  if (characters < 1 || characters > kMaxNameLength) {
    return fmt::format("must be 1..{} characters long", kMaxNameLength);
  }
  return std::nullopt;
}

std::optional<std::string> organization_error(std::string_view organization) {
  auto allowed = [](char c) { return ascii::is_alnum(c) || c == '.' || c == '_' || c == '-'; };
  bool valid = !organization.empty() && organization.size() <= kMaxNameLength &&
               ascii::is_alnum(organization.front());
  for (char c : organization) valid = valid && allowed(c);
  if (valid) return std::nullopt;
  return fmt::format(
      "must be 1..{} letters, digits, '.', '_' or '-', starting with a letter or digit",
      kMaxNameLength);
}

std::optional<std::string> recipient_delimiter_error(std::string_view delimiters) {
  if (delimiters.size() > kMaxDelimiters) {
    return fmt::format("longer than {} characters", kMaxDelimiters);
  }
  for (char c : delimiters) {
    bool punctuation = c > ' ' && c < 0x7f && !ascii::is_alnum(c);
    if (!punctuation || c == '@' || c == '"') {
      return fmt::format("{} cannot be a delimiter (use ASCII punctuation other than '@' and '\"')",
                         ascii::describe_char(c));
    }
  }
  return std::nullopt;
}

std::optional<unsigned> parse_socket_mode(std::string_view text, std::string& why) {
  auto is_octal = [](char c) { return c >= '0' && c <= '7'; };
  if (text.size() < 3 || text.size() > 4 || !std::all_of(text.begin(), text.end(), is_octal)) {
    why = "must be 3 or 4 octal digits, e.g. \"0660\"";
    return std::nullopt;
  }
  unsigned mode = 0;
  for (char c : text) mode = mode * 8 + static_cast<unsigned>(c - '0');
  if (mode > kMaxSocketMode) {
    why = "must be at most 0777 (permission bits only)";
    return std::nullopt;
  }
  return mode;
}

std::optional<std::string> transport_error(std::string_view name) {
  auto allowed = [](char c) {
    return ascii::is_digit(c) || (c >= 'a' && c <= 'z') || c == '_' || c == '-';
  };
  bool valid = !name.empty() && name.size() <= kMaxTransportLength && name.front() >= 'a' &&
               name.front() <= 'z' && std::all_of(name.begin(), name.end(), allowed);
  if (valid) return std::nullopt;
  return fmt::format(
      "must be 1..{} lower-case letters, digits, '_' or '-', starting with a letter",
      kMaxTransportLength);
}

std::optional<std::string> local_transport_error(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return "must be transport:nexthop in Postfix syntax, e.g. \"lmtp:unix:private/dovecot-lmtp\" "
           "or \"local:\"";
  }
  if (auto why = transport_error(text.substr(0, colon))) return fmt::format("transport {}", *why);
  if (text.size() > kMaxLocalTransportLength) {
    return fmt::format("longer than {} characters", kMaxLocalTransportLength);
  }
  for (char c : text.substr(colon + 1)) {
    if (c <= ' ' || c >= 0x7f) {
      return fmt::format("the next hop contains {}", ascii::describe_char(c));
    }
  }
  return std::nullopt;
}

bool is_stock_service(std::string_view name) {
  return std::binary_search(std::begin(kStockServices), std::end(kStockServices), name);
}

}  // namespace splitroute::core
