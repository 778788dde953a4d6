// negotiation.hpp - what splitroute-milter asks of the MTA at negotiation:
// the actions it may take and the macros it wants at each stage.  Shared
// with the benchmark's null filter, so both are sent the same packets.
#pragma once

#include <libmilter/mfapi.h>

namespace splitroute::daemon {

// Add headers (trace, route), quarantine (loop.action "quarantine"), change
// recipients (rewrite_domain), and choose the macros it is sent.
inline constexpr unsigned long kActions = SMFIF_ADDHDRS | SMFIF_QUARANTINE | SMFIF_SETSYMLIST | SMFIF_ADDRCPT |
                                          SMFIF_ADDRCPT_PAR | SMFIF_DELRCPT;

struct MacroList {
  int stage;
  const char* macros;
};

inline constexpr MacroList kMacroLists[] = {
    {SMFIM_CONNECT, "j {daemon_name}"},
    {SMFIM_ENVFROM, "i {mail_addr} {auth_authen}"},
    {SMFIM_ENVRCPT, "i {rcpt_addr}"},
    {SMFIM_EOM, "i"},
};

}  // namespace splitroute::daemon
