// rules.cpp - names of the rule-set enums and the Postfix form of a smarthost.
#include "core/rules.hpp"

#include <fmt/format.h>

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

std::string Smarthost::nexthop() const { return fmt::format("[{}]:{}", nexthop_host(*this), port); }

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

}  // namespace splitroute::core
