// null-milter.cpp - a libmilter filter that does no work: the floor of the
// milter benchmark.
//
// It registers the same callbacks, flags and macro lists as
// splitroute-milter (so the MTA sends it exactly the same packets) and
// answers every one with SMFIS_CONTINUE.  The socket is opened the same
// way: smfi_setconn, smfi_register, smfi_opensocket under umask 0177, then
// smfi_main on the main thread.  What splitroute-milter costs on top of it
// is the work splitroute does.
//
//   null-milter -p unix:/path/null.sock
//
// Runs in the foreground until killed; exit status 1 when the socket cannot
// be opened, 2 on a usage error.
#include <libmilter/mfapi.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/negotiation.hpp"

namespace {

// The same actions and macro requests as splitroute-milter.
using splitroute::daemon::kActions;
using splitroute::daemon::kMacroLists;
using splitroute::daemon::MacroList;

extern "C" {

sfsistat null_negotiate(SMFICTX* ctx, unsigned long offered_actions, unsigned long offered_steps, unsigned long,
                        unsigned long, unsigned long* actions, unsigned long* steps, unsigned long* f2,
                        unsigned long* f3) {
  *actions = kActions & offered_actions;
  *steps &= offered_steps;
  *f2 = 0;
  *f3 = 0;
  if ((*actions & SMFIF_SETSYMLIST) != 0) {
    for (const MacroList& list : kMacroLists) smfi_setsymlist(ctx, list.stage, const_cast<char*>(list.macros));
  }
  return SMFIS_CONTINUE;
}

sfsistat null_connect(SMFICTX*, char*, _SOCK_ADDR*) { return SMFIS_CONTINUE; }
sfsistat null_argv(SMFICTX*, char**) { return SMFIS_CONTINUE; }
sfsistat null_header(SMFICTX*, char*, char*) { return SMFIS_CONTINUE; }
sfsistat null_stage(SMFICTX*) { return SMFIS_CONTINUE; }

}  // extern "C"

bool serve(const std::string& socket) {
  smfiDesc description{};
  description.xxfi_name = const_cast<char*>("null-milter");
  description.xxfi_version = SMFI_VERSION;
  description.xxfi_flags = kActions;
  description.xxfi_connect = null_connect;
  description.xxfi_envfrom = null_argv;
  description.xxfi_envrcpt = null_argv;
  description.xxfi_header = null_header;
  description.xxfi_eom = null_stage;
  description.xxfi_abort = null_stage;
  description.xxfi_close = null_stage;
  description.xxfi_negotiate = null_negotiate;
  if (smfi_setconn(const_cast<char*>(socket.c_str())) != MI_SUCCESS || smfi_register(description) != MI_SUCCESS) {
    std::fprintf(stderr, "null-milter: bad socket %s\n", socket.c_str());
    return false;
  }
  mode_t old_umask = ::umask(0177);
  int rc = smfi_opensocket(true);
  ::umask(old_umask);
  if (rc != MI_SUCCESS) {
    std::fprintf(stderr, "null-milter: cannot open %s\n", socket.c_str());
    return false;
  }
  return smfi_main() == MI_SUCCESS;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], "-p") != 0) {
    std::fputs("usage: null-milter -p SOCKET\n", stderr);
    return 2;
  }
  return serve(argv[2]) ? 0 : 1;
}
