// reply.cpp - the catalogue of SMTP replies (codes, enhanced codes, texts).
#include "core/reply.hpp"

#include <fmt/format.h>

namespace splitroute::core {

std::string Reply::line() const { return fmt::format("{} {} {}", code, xcode, text); }

Reply make_reply(ReplyKind kind, std::string_view address, std::string_view domain) {
  switch (kind) {
    case ReplyKind::user_unknown:
      return {"550", "5.1.1",
              fmt::format("<{}>: Recipient address rejected: User unknown", address)};
    case ReplyKind::directory_unavailable:
      return {"451", "4.4.3", "Directory lookup failed, try again later"};
    case ReplyKind::message_too_big:
      return {"552", "5.3.4", fmt::format("Message too big for the route to {}", domain)};
    case ReplyKind::hop_count_exceeded:
      return {"554", "5.4.6", "Hop count exceeded - possible mail loop"};
    case ReplyKind::routing_loop:
      return {"554", "5.4.6", "Routing loop detected"};
    case ReplyKind::different_route:
      return {"452", "4.5.3", "Different route, send in a separate transaction"};
    case ReplyKind::internal_error:
      return {"451", "4.3.0", "Internal error, try again later"};
    case ReplyKind::none:
      break;
  }
  return {};
}

bool is_temporary(ReplyKind kind) {
  return kind == ReplyKind::directory_unavailable || kind == ReplyKind::different_route ||
         kind == ReplyKind::internal_error;
}

}  // namespace splitroute::core
