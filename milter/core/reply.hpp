// reply.hpp - every SMTP reply splitroute gives, in one catalogue.
//
// The milter, the socketmap server and `splitroute route` all take their
// codes and texts from here, so a postmaster sees one wording everywhere.
#pragma once

#include <string>
#include <string_view>

namespace splitroute::core {

enum class ReplyKind {
  none,
  user_unknown,           // 550 5.1.1 authoritative domain, not in the directory
  directory_unavailable,  // 451 4.4.3 directory lookup failed (never a 5xx)
  message_too_big,        // 552 5.3.4 every matching connector is too small
  hop_count_exceeded,     // 554 5.4.6 more Received: headers than loop.max_hops
  routing_loop,           // 554 5.4.6 this organisation's trace seen for a relayed recipient
  different_route,        // 452 4.5.3 header hook: one route per transaction
  internal_error,         // 451 4.3.0 anything unexpected inside splitroute
};

struct Reply {
  std::string code;   // "550"
  std::string xcode;  // "5.1.1"
  std::string text;   // "<a@b>: Recipient address rejected: User unknown"
  // line - "550 5.1.1 <a@b>: Recipient address rejected: User unknown".
  std::string line() const;
};

// make_reply - the reply of `kind`; `address` and `domain` fill the texts
// that name them (recipient address without brackets; route domain).
Reply make_reply(ReplyKind kind, std::string_view address = {}, std::string_view domain = {});

// is_temporary - a 4xx reply (the client will retry).
bool is_temporary(ReplyKind kind);

}  // namespace splitroute::core
