// callbacks.cpp - libmilter's entry points.
//
// Every xxfi_* callback is a one-liner through guarded(): no exception ever
// crosses into libmilter; one that escapes is logged and answered with
// 451 4.3.0 (SMFIS_TEMPFAIL), so mail is deferred, never lost.  The
// per-connection context is owned here through smfi_setpriv: created at
// connect (or on first use), freed at close (which accepts a NULL pointer).
#include "daemon/callbacks.hpp"

#include <libmilter/mfapi.h>

#include <array>
#include <exception>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "daemon/log.hpp"
#include "daemon/milter_ctx.hpp"
#include "daemon/negotiation.hpp"
#include "daemon/session.hpp"

namespace splitroute::daemon {
namespace {

constexpr std::size_t kMaxArguments = 64;  // MAIL/RCPT argv entries looked at

// A callback stage; `replies` says whether an SMTP reply can be given there.
struct Stage {
  const char* name;
  bool replies;
};

constexpr Stage kNegotiate{"negotiate", false};
constexpr Stage kConnect{"connect", false};
constexpr Stage kEnvfrom{"envfrom", true};
constexpr Stage kEnvrcpt{"envrcpt", true};
constexpr Stage kHeader{"header", true};
constexpr Stage kEom{"eom", true};
constexpr Stage kAbort{"abort", false};
constexpr Stage kClose{"close", false};

// guarded - run `fn`; on any exception log it and tempfail (451 4.3.0).
template <typename Fn>
sfsistat guarded(SMFICTX* ctx, const Stage& stage, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    log_error("{}: internal error: {}", stage.name, e.what());
  } catch (...) {
    log_error("{}: internal error: unknown exception", stage.name);
  }
  if (!stage.replies) return SMFIS_TEMPFAIL;
  try {
    return MilterCtx(ctx).reply(core::make_reply(core::ReplyKind::internal_error));
  } catch (...) {
    return SMFIS_TEMPFAIL;
  }
}

Connection* connection_of(SMFICTX* ctx) { return static_cast<Connection*>(smfi_getpriv(ctx)); }

// attach - make `connection` the context's private data, freeing any old one.
Connection& attach(SMFICTX* ctx, std::unique_ptr<Connection> connection) {
  std::unique_ptr<Connection> previous(connection_of(ctx));
  if (smfi_setpriv(ctx, connection.get()) != MI_SUCCESS) {
    previous.release();  // still the context's; close frees it
    throw std::runtime_error("smfi_setpriv failed");
  }
  return *connection.release();
}

// detach - free the context's private data (NULL is fine).
void detach(SMFICTX* ctx) {
  std::unique_ptr<Connection> connection(connection_of(ctx));
  smfi_setpriv(ctx, nullptr);
}

// session - the context's connection, opened now if connect did not run.
Connection& session(SMFICTX* ctx) {
  if (Connection* connection = connection_of(ctx)) return *connection;
  return attach(ctx, open_connection(MilterCtx(ctx)));
}

// abort_message - drop the current transaction, if there is a connection.
void abort_message(SMFICTX* ctx) {
  if (Connection* connection = connection_of(ctx)) connection->on_abort();
}

// Arguments - the MAIL/RCPT argv (at most kMaxArguments) as views: the first
// few on the stack, since an RCPT has its address and rarely a parameter, so
// a command allocates nothing; more go to a vector.
class Arguments {
 public:
  explicit Arguments(char** argv) {
    std::size_t n = 0;
    while (argv != nullptr && argv[n] != nullptr && n < kMaxArguments) ++n;
    if (n > local_.size()) {
      spill_.assign(argv, argv + n);
      view_ = spill_;
      return;
    }
    for (std::size_t i = 0; i < n; ++i) local_[i] = argv[i];
    view_ = std::span<const std::string_view>(local_.data(), n);
  }
  Arguments(const Arguments&) = delete;
  Arguments& operator=(const Arguments&) = delete;
  std::span<const std::string_view> view() const { return view_; }

 private:
  std::array<std::string_view, 4> local_{};
  std::vector<std::string_view> spill_;
  std::span<const std::string_view> view_;
};

// negotiate - ask for our actions and macros; keep the steps libmilter
// chose from the callbacks we have, as far as the MTA offers them.
sfsistat negotiate(SMFICTX* ctx, unsigned long offered_actions, unsigned long offered_steps,
                   unsigned long* actions, unsigned long* steps, unsigned long* f2, unsigned long* f3) {
  *actions = kActions & offered_actions;
  *steps &= offered_steps;
  *f2 = 0;
  *f3 = 0;
  if ((*actions & SMFIF_SETSYMLIST) != 0) {
    for (const MacroList& list : kMacroLists) smfi_setsymlist(ctx, list.stage, const_cast<char*>(list.macros));
  }
  if ((*actions & SMFIF_ADDHDRS) == 0) log_warning("the MTA does not let milters add headers: no trace or route headers");
  if ((*actions & SMFIF_DELRCPT) == 0 || (*actions & (SMFIF_ADDRCPT | SMFIF_ADDRCPT_PAR)) == 0) {
    log_warning("the MTA does not let milters change recipients: mail for a rewrite_domain connector is deferred");
  }
  return SMFIS_CONTINUE;
}

}  // namespace

extern "C" {

sfsistat xxfi_negotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long, unsigned long,
                        unsigned long* pf0, unsigned long* pf1, unsigned long* pf2, unsigned long* pf3) {
  return guarded(ctx, kNegotiate, [&] { return negotiate(ctx, f0, f1, pf0, pf1, pf2, pf3); });
}

sfsistat xxfi_connect(SMFICTX* ctx, char*, _SOCK_ADDR*) {
  return guarded(ctx, kConnect, [&] { attach(ctx, open_connection(MilterCtx(ctx))); return SMFIS_CONTINUE; });
}

sfsistat xxfi_envfrom(SMFICTX* ctx, char** argv) {
  return guarded(ctx, kEnvfrom, [&] {
    MilterCtx m(ctx);
    Arguments args(argv);
    return session(ctx).on_envfrom(m, args.view());
  });
}

sfsistat xxfi_envrcpt(SMFICTX* ctx, char** argv) {
  return guarded(ctx, kEnvrcpt, [&] {
    MilterCtx m(ctx);
    Arguments args(argv);
    return session(ctx).on_envrcpt(m, args.view());
  });
}

sfsistat xxfi_header(SMFICTX* ctx, char* name, char* value) {
  return guarded(ctx, kHeader, [&] { MilterCtx m(ctx); return session(ctx).on_header(m, name, value); });
}

sfsistat xxfi_eom(SMFICTX* ctx) {
  return guarded(ctx, kEom, [&] { MilterCtx m(ctx); return session(ctx).on_eom(m); });
}

sfsistat xxfi_abort(SMFICTX* ctx) {
  return guarded(ctx, kAbort, [&] { abort_message(ctx); return SMFIS_CONTINUE; });
}

sfsistat xxfi_close(SMFICTX* ctx) {
  return guarded(ctx, kClose, [&] { detach(ctx); return SMFIS_CONTINUE; });
}

}  // extern "C"

void register_filter() {
  smfiDesc description{};
  description.xxfi_name = const_cast<char*>("splitroute");
  description.xxfi_version = SMFI_VERSION;
  description.xxfi_flags = kActions;
  description.xxfi_connect = xxfi_connect;
  description.xxfi_envfrom = xxfi_envfrom;
  description.xxfi_envrcpt = xxfi_envrcpt;
  description.xxfi_header = xxfi_header;
  description.xxfi_eom = xxfi_eom;
  description.xxfi_abort = xxfi_abort;
  description.xxfi_close = xxfi_close;
  description.xxfi_negotiate = xxfi_negotiate;
  if (smfi_register(description) != MI_SUCCESS) throw std::runtime_error("smfi_register failed");
}

}  // namespace splitroute::daemon
