// milter_ctx.hpp - a thin typed face over one libmilter context (SMFICTX).
//
// The only place that calls smfi_getsymval, smfi_setreply, smfi_addheader,
// smfi_quarantine, smfi_addrcpt(_par) and smfi_delrcpt.  reply() is the one function that sets an SMTP reply,
// and it returns the verdict that uses it, so a reply is never set without
// being sent (libmilter would keep an unused reply for a later verdict).
#pragma once

#include <libmilter/mfapi.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/reply.hpp"

namespace splitroute::daemon {

class MilterCtx {
 public:
  explicit MilterCtx(SMFICTX* ctx) : ctx_(ctx) {}

  // macro - the value of macro `name` ("i", "{rcpt_addr}"); nullopt when
  // the MTA did not send it or sent it empty.
  std::optional<std::string> macro(const char* name) const;

  // reply - set `reply` and return SMFIS_TEMPFAIL (4xx) or SMFIS_REJECT.
  sfsistat reply(const core::Reply& reply);

  // add_header - append a header at end of message; false on failure.
  bool add_header(const std::string& name, const std::string& value);

  // quarantine - hold the message (Postfix hold queue); false on failure.
  bool quarantine(const std::string& reason);

  // add_recipient - add `address` at end of message with ESMTP `args`
  // (smfi_addrcpt_par), or without them when the MTA does not offer that
  // (smfi_addrcpt); false on failure.
  bool add_recipient(const std::string& address, const std::string& args);

  // delete_recipient - remove `address`, as the client gave it; false on failure.
  bool delete_recipient(const std::string& address);

  SMFICTX* get() const { return ctx_; }

 private:
  SMFICTX* ctx_;
};

}  // namespace splitroute::daemon
