// handler.hpp - one socketmap request to its reply, without any socket.
//
// The socketmap protocol (Sendmail 8.13, Postfix socketmap_table(5)): a
// request is "NAME KEY", a reply "OK DATA", "NOTFOUND ", "TEMP REASON" or
// "PERM REASON".  Each map name has one lookup function in a table; the
// "transport" map answers Postfix's transport_maps from the same rules,
// directory and cache as the milter:
//
//   verdict                    reply
//   relay, smarthosts          OK TRANSPORT:[h1]:25, [h2]:25   (in order)
//   relay, DNS delivery        OK TRANSPORT:   (the route domain when it is
//                                              a contact's target domain)
//   local                      OK LOCAL_TRANSPORT, else NOTFOUND
//   reject                     OK error:5.1.1 User unknown
//   tempfail                   TEMP Directory lookup failed
//   none, "*", malformed key   NOTFOUND
//   unknown map name           PERM unknown map NAME
//
// Sendmail's maps answer in mailertable syntax (core/sendmail_syntax.hpp):
//   ldapmh ADDRESS       relay: OK relay:[h1]:[h2] (splitroute_PORT: for
//                        another port), OK esmtp:DOMAIN for DNS delivery;
//                        tempfail: TEMP ...; local, reject, none: NOTFOUND
//                        (the milter refuses; Sendmail asks for senders too)
//   ldapmra ADDRESS      NOTFOUND (recipient rewrites are the milter's)
//   mailertable DOMAIN   relay: as ldapmh, for domains routed as a whole;
//                        NOTFOUND for the rest
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "runtime/config.hpp"

namespace splitroute::socketmap {

enum class Status { ok, notfound, temp, perm };

struct Reply {
  std::string map;  // the request's map name
  std::string key;
  Status status = Status::notfound;
  std::string value;   // OK: the data; TEMP, PERM: the reason; NOTFOUND: empty
  std::string detail;  // for the log only: why a lookup failed
  // payload - the reply as sent, without the netstring framing.
  std::string payload() const;
};

// answer - the reply to `request` ("NAME KEY") with `config`, which is null
// while no configuration is loaded (TEMP).  Never throws: an unexpected
// failure is a TEMP reply, so the MTA defers and nothing is lost.
Reply answer(const runtime::Config* config, std::string_view request);

const char* to_string(Status status);

// map_names - the map names this server answers ("transport", ...);
// is_map - whether `name` is one of them.
std::vector<std::string_view> map_names();
bool is_map(std::string_view name);

// log_text - "map=transport key=<a@b> reply=OK smtp:[192.0.2.10]:25", plus
// " (detail)" when there is one; the key cut to kMaxLoggedKey bytes.
inline constexpr std::size_t kMaxLoggedKey = 400;
std::string log_text(const Reply& reply);

}  // namespace splitroute::socketmap
