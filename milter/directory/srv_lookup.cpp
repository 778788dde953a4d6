// srv_lookup.cpp - DNS SRV records through libresolv (RFC 2782).
#include "directory/srv_lookup.hpp"

#include <arpa/nameser.h>
#include <netdb.h>  // HOST_NOT_FOUND, hstrerror
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

namespace splitroute::directory {

namespace {

constexpr std::size_t kMaxAnswer = 65535;
constexpr std::size_t kSrvFixed = 6;  // priority, weight, port

// Resolver - a private res_state, closed when it goes.
class Resolver {
 public:
  Resolver() : state_(std::make_unique<struct __res_state>()) { ok_ = res_ninit(state_.get()) == 0; }
  ~Resolver() {
    if (ok_) res_nclose(state_.get());
  }
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  bool ok() const { return ok_; }
  res_state get() { return state_.get(); }

 private:
  std::unique_ptr<struct __res_state> state_;
  bool ok_ = false;
};

std::string query_error(const std::string& name, int h_error) {
  switch (h_error) {
    case HOST_NOT_FOUND: return fmt::format("{}: no such name", name);
    case NO_DATA: return fmt::format("{}: no SRV record", name);
    case TRY_AGAIN: return fmt::format("{}: no answer from the DNS servers (try again)", name);
    default: return fmt::format("{}: DNS lookup failed ({})", name, hstrerror(h_error));
  }
}

// parse_srv - one SRV record's rdata; false when it is malformed.
bool parse_srv(const ns_msg& message, const ns_rr& rr, SrvTarget& target) {
  const unsigned char* rdata = ns_rr_rdata(rr);
  if (ns_rr_rdlen(rr) < kSrvFixed) return false;
  target.priority = ns_get16(rdata);
  target.weight = ns_get16(rdata + 2);
  target.port = ns_get16(rdata + 4);
  std::array<char, NS_MAXDNAME> host{};
  if (dn_expand(ns_msg_base(message), ns_msg_end(message), rdata + kSrvFixed, host.data(),
                static_cast<int>(host.size())) < 0) {
    return false;
  }
  target.host = host.data();
  if (!target.host.empty() && target.host.back() == '.') target.host.pop_back();
  return true;
}

}  // namespace

SrvAnswer lookup_srv(const std::string& name) {
  SrvAnswer out;
  Resolver resolver;
  if (!resolver.ok()) return {{}, 0, fmt::format("{}: the resolver cannot be set up (resolv.conf)", name)};
  std::vector<unsigned char> answer(kMaxAnswer);
  const int length = res_nquery(resolver.get(), name.c_str(), ns_c_in, ns_t_srv, answer.data(),
                                static_cast<int>(answer.size()));
  if (length < 0) return {{}, 0, query_error(name, resolver.get()->res_h_errno)};
  ns_msg message;
  if (ns_initparse(answer.data(), length, &message) < 0) return {{}, 0, fmt::format("{}: malformed DNS answer", name)};
  bool first = true;
  for (int i = 0; i < ns_msg_count(message, ns_s_an); ++i) {
    ns_rr rr;
    if (ns_parserr(&message, ns_s_an, i, &rr) < 0) return {{}, 0, fmt::format("{}: malformed DNS answer", name)};
    if (ns_rr_type(rr) != ns_t_srv) continue;  // a CNAME on the way
    SrvTarget target;
    if (!parse_srv(message, rr, target)) return {{}, 0, fmt::format("{}: malformed SRV record", name)};
    out.ttl_s = first ? ns_rr_ttl(rr) : std::min<std::uint32_t>(out.ttl_s, ns_rr_ttl(rr));
    first = false;
    if (target.host.empty()) continue;  // "." : not available here
    out.targets.push_back(std::move(target));
  }
  if (first) out.error = fmt::format("{}: no SRV record", name);
  return out;
}

}  // namespace splitroute::directory
