// krb5_credentials.hpp - the daemon's own Kerberos credentials, from a keytab.
//
// For "sasl_mechanism": "GSSAPI" splitroute needs no kinit, no cron job and
// no KRB5CCNAME: Krb5Credentials gets a ticket-granting ticket from the
// keytab (krb5_get_init_creds_keytab) into a MEMORY: credential cache of
// this process, gets a new one before the old expires, and points the GSS-API
// of the binding thread at that cache (gss_krb5_ccache_name, which is per
// thread) for the duration of one bind only.  Nothing is put in the
// environment, so no other process (and no other library in this one) sees
// the credentials.
//
// One instance per (keytab, principal) per process, shared by every
// connection; binds through it are serialised (a bind is rare: once per
// pooled connection), so a cache is never refreshed under a running bind.
//
// SECURITY: the keytab's keys are read by the Kerberos library only; no key
// or ticket appears in an error text.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace splitroute::directory {

class Krb5Credentials {
 public:
  // shared - the instance for `keytab` and `principal` ("" = the keytab's first).
  static std::shared_ptr<Krb5Credentials> shared(const std::string& keytab, const std::string& principal);

  Krb5Credentials(std::string keytab, std::string principal);
  ~Krb5Credentials();
  Krb5Credentials(const Krb5Credentials&) = delete;
  Krb5Credentials& operator=(const Krb5Credentials&) = delete;

  // with_credentials - run `bind` on this thread with fresh credentials as
  // the GSS-API's credential cache; false with `error` set (`bind` not run)
  // when no ticket could be had from the keytab.
  bool with_credentials(const std::function<void()>& bind, std::string& error);

  // principal - the client principal in use ("" before the first ticket).
  std::string principal();

 private:
  struct State;
  bool refresh(std::string& error);  // with mutex_ held

  const std::string keytab_;
  const std::string wanted_principal_;
  std::mutex mutex_;
  std::unique_ptr<State> state_;  // guarded by mutex_
};

}  // namespace splitroute::directory
