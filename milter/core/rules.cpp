// rules.cpp - names of the rule-set enums and the Postfix form of a smarthost.
#include "core/rules.hpp"

#include <charconv>

namespace splitroute::core {
namespace {

// nexthop_host - Postfix writes an IPv6 nexthop without RFC 5321's "IPv6:" tag.
std::string_view nexthop_host(const Smarthost& smarthost) {
  std::string_view host = smarthost.host;
  if (smarthost.literal && host.starts_with(kIpv6LiteralTag)) {
    host.remove_prefix(kIpv6LiteralTag.size());
  }
  return host;
}

}  // namespace

std::string Smarthost::nexthop() const {
  std::string out;
  append_nexthop(out);
  return out;
}

// append_nexthop - built by hand: it runs for every relayed recipient.
void Smarthost::append_nexthop(std::string& out) const {
  std::string_view host = nexthop_host(*this);
  char digits[8];
  char* digits_end = std::to_chars(digits, digits + sizeof digits, port).ptr;
  out.append(1, '[').append(host).append("]:").append(digits, digits_end);
}

const char* to_string(DomainType type) {
  switch (type) {
    case DomainType::authoritative:
      return "authoritative";
    case DomainType::internal_relay:
      return "internal_relay";
    case DomainType::external_relay:
      return "external_relay";
  }
  return "?";
}

const char* to_string(Mode mode) {
  switch (mode) {
    case Mode::enforce:
      return "enforce";
    case Mode::observe:
      return "observe";
  }
  return "?";
}

const char* to_string(VerifyMethod method) {
  switch (method) {
    case VerifyMethod::smtp:
      return "smtp";
    case VerifyMethod::directory:
      return "directory";
    case VerifyMethod::none:
      break;
  }
  return "none";
}

}  // namespace splitroute::core
