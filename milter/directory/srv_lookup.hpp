// srv_lookup.hpp - DNS SRV records through libresolv (RFC 2782).
//
// lookup_srv() asks the resolvers of /etc/resolv.conf (read again on every
// call: res_ninit on a private resolver state, so it is thread-safe and a
// changed resolv.conf is seen) for the SRV records of one name, and parses
// the answer with ns_initparse()/ns_parserr(); the target names are
// uncompressed by dn_expand().  Nothing about DNS is written by hand.
//
//   records found          targets (any order; the caller sorts), ttl_s the
//                          smallest TTL among them
//   the target "."         RFC 2782: the service is decidedly not available:
//                          no targets, no error
//   no such name, no SRV   error ("_ldap._tcp.example.com: no SRV record")
//   resolver failure       error naming the name and what happened
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace splitroute::directory {

struct SrvTarget {
  std::string host;  // no trailing dot
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

struct SrvAnswer {
  std::vector<SrvTarget> targets;
  std::uint32_t ttl_s = 0;
  std::string error;  // empty: the answer is good (possibly without targets)
};

SrvAnswer lookup_srv(const std::string& name);

}  // namespace splitroute::directory
