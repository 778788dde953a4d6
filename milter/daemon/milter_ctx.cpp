// milter_ctx.cpp - libmilter context calls: macros, replies, modifications.
#include "daemon/milter_ctx.hpp"

#include "daemon/log.hpp"
#include "daemon/message.hpp"

namespace splitroute::daemon {

std::optional<std::string> MilterCtx::macro(const char* name) const {
  const char* value = smfi_getsymval(ctx_, const_cast<char*>(name));
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

sfsistat MilterCtx::reply(const core::Reply& reply) {
  std::string text = escape_reply_text(reply.text);
  if (smfi_setreply(ctx_, const_cast<char*>(reply.code.c_str()), const_cast<char*>(reply.xcode.c_str()),
                    text.data()) != MI_SUCCESS) {
    log_warning("cannot set reply \"{}\"; the MTA uses its default text", reply.line());
  }
  return reply.code.starts_with('4') ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

bool MilterCtx::add_header(const std::string& name, const std::string& value) {
  return smfi_addheader(ctx_, const_cast<char*>(name.c_str()), const_cast<char*>(value.c_str())) == MI_SUCCESS;
}

bool MilterCtx::quarantine(const std::string& reason) {
  return smfi_quarantine(ctx_, const_cast<char*>(reason.c_str())) == MI_SUCCESS;
}

bool MilterCtx::add_recipient(const std::string& address, const std::string& args) {
  char* rcpt = const_cast<char*>(address.c_str());
  if (smfi_addrcpt_par(ctx_, rcpt, const_cast<char*>(args.c_str())) == MI_SUCCESS) return true;
  return smfi_addrcpt(ctx_, rcpt) == MI_SUCCESS;  // the MTA did not negotiate ESMTP arguments
}

bool MilterCtx::delete_recipient(const std::string& address) {
  return smfi_delrcpt(ctx_, const_cast<char*>(address.c_str())) == MI_SUCCESS;
}

}  // namespace splitroute::daemon
