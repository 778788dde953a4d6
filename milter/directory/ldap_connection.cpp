// ldap_connection.cpp - one bound connection to an LDAP server.
#include "directory/ldap_connection.hpp"

#include <sys/time.h>

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/address.hpp"
#include "core/ascii.hpp"
#include "directory/ldap_sasl.hpp"
#include "directory/ldap_tls.hpp"
#include "metrics/events.hpp"

namespace splitroute::directory {

namespace {

// Two entries are enough to tell "one" from "ambiguous".
constexpr int kSizeLimit = 2;
constexpr std::size_t kMaxShown = 200;

timeval to_timeval(unsigned ms) {
  return {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
}

int to_ldap_scope(core::LdapScope scope) {
  switch (scope) {
    case core::LdapScope::base: return LDAP_SCOPE_BASE;
    case core::LdapScope::one: return LDAP_SCOPE_ONELEVEL;
    case core::LdapScope::sub: return LDAP_SCOPE_SUBTREE;
  }
  return LDAP_SCOPE_SUBTREE;
}

// printable - `text` safe for a log line: control and non-ASCII octets
// become '?', and it is cut at kMaxShown bytes.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxShown)) {
    out += (core::ascii::is_control(c) || core::ascii::is_non_ascii(c)) ? '?' : c;
  }
  if (text.size() > kMaxShown) out += "...";
  return out;
}

// diagnostic - libldap's diagnostic message for the last failure ("" if none).
std::string diagnostic(LDAP* ld) {
  char* raw = nullptr;
  if (ld == nullptr || ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) != LDAP_OPT_SUCCESS) return {};
  const LdapMemPtr<char> text(raw);
  return text ? std::string(text.get()) : std::string();
}

// error_text - "Invalid credentials", plus the server's diagnostic message.
std::string error_text(LDAP* ld, int rc) {
  std::string text = ldap_err2string(rc);
  // libldap's TLS layer leaves "(unknown error code)": no news, left out.
  const std::string server = diagnostic(ld);
  if (!server.empty() && server != "(unknown error code)") text += fmt::format(" ({})", printable(server));
  return text;
}

// set_options - version 3, timeouts, no referral chasing, restart on EINTR.
int set_options(LDAP* ld, const core::LdapConfig& config) {
  const int version = LDAP_VERSION3;
  const timeval timeout = to_timeval(config.timeout_ms);
  int rc = ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  if (rc == LDAP_OPT_SUCCESS) rc = ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  if (rc == LDAP_OPT_SUCCESS) rc = ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout);
  if (rc == LDAP_OPT_SUCCESS) rc = ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  if (rc == LDAP_OPT_SUCCESS) rc = ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_ON);
  return rc;
}

// One URI tried by LdapConnection::open().
struct Attempt {
  LdapPtr ld;          // set when bound
  std::string error;   // else why not
  bool try_next = true;  // a server problem: the next URI may do better
};

// start_tls - StartTLS, or the ldaps:// handshake (ldap_connect), when the URI uses TLS.
int start_tls(LDAP* ld, const core::LdapConfig& config, const std::string& uri) {
  if (config.start_tls) return ldap_start_tls_s(ld, nullptr, nullptr);
  return core::uses_tls(config, uri) ? ldap_connect(ld) : LDAP_SUCCESS;
}

std::string host_of(const std::string& uri) {
  LDAPURLDesc* raw = nullptr;
  if (ldap_url_parse(uri.c_str(), &raw) != LDAP_URL_SUCCESS) return {};
  const std::unique_ptr<LDAPURLDesc, void (*)(LDAPURLDesc*)> url(raw, ldap_free_urldesc);
  return url->lud_host != nullptr ? url->lud_host : "";
}

// tls_failure - why TLS to `uri` failed: the server's certificate, taken
// on a second connection with checking relaxed (no bind, no request), is
// checked here; "" when that connection fails too (no TLS server there).
std::string tls_failure(const std::string& uri, const core::LdapConfig& config) {
  LDAP* raw = nullptr;
  if (ldap_initialize(&raw, uri.c_str()) != LDAP_SUCCESS) return {};
  const LdapPtr ld(raw);
  std::string ignored;
  if (set_options(ld.get(), config) != LDAP_OPT_SUCCESS ||
      set_tls_options(ld.get(), config, ignored, true) != LDAP_OPT_SUCCESS ||
      start_tls(ld.get(), config, uri) != LDAP_SUCCESS) {
    return {};
  }
  std::string why = certificate_problem(peer_certificate(ld.get()), config.tls_ca_file, host_of(uri));
  return why.empty() ? std::string("the TLS handshake failed") : why;
}

// failed_step - why `step` failed; libldap connects lazily, at the first
// request, so a refused connection shows up as the TLS setup or the bind
// failing.  A TLS failure says so, whatever code libldap chose for it.
Attempt failed_step(const LdapPtr& ld, int rc, const std::string& uri, const std::string& step,
                    const std::string& hint = {}, const std::string& tls = {}) {
  const bool unreachable = rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR;
  std::string text = fmt::format("{}: {}: ", uri, !tls.empty() ? "TLS failed" : unreachable ? "cannot connect" : step);
  if (!tls.empty()) text += tls + ": ";
  text += error_text(ld.get(), rc);
  if (!hint.empty()) text += fmt::format(" (hint: {})", hint);
  return {nullptr, std::move(text), is_server_problem(rc) || !tls.empty()};
}

std::string bind_step(const core::LdapConfig& config, const BindResult& bound) {
  if (config.sasl_mechanism != core::LdapSasl::none) {
    return fmt::format("{} bind{} failed", core::to_string(config.sasl_mechanism),
                       bound.identity.empty() ? "" : " as \"" + printable(bound.identity) + "\"");
  }
  if (config.bind_dn.empty()) return "anonymous bind failed";
  return fmt::format("simple bind as \"{}\" failed", printable(config.bind_dn));
}

// who_am_i - the server's name for the bound identity (RFC 4532), "" when
// it does not say.
std::string who_am_i(LDAP* ld) {
  berval* raw = nullptr;
  if (ldap_whoami_s(ld, &raw, nullptr, nullptr) != LDAP_SUCCESS || raw == nullptr) return {};
  const std::unique_ptr<berval, void (*)(berval*)> authzid(raw, ber_bvfree);
  return std::string(authzid->bv_val != nullptr ? authzid->bv_val : "", authzid->bv_len);
}

// report - tell `steps` (if any) how `step` went; `text` without "URI: ".
void report(const StepSink* steps, const char* step, bool ok, const std::string& uri, const std::string& text) {
  if (steps == nullptr) return;
  const bool prefixed = text.compare(0, uri.size() + 2, uri + ": ") == 0;
  (*steps)({step, ok, prefixed ? text.substr(uri.size() + 2) : text});
}

Attempt attempt(const std::string& uri, const core::LdapConfig& config, const std::string& password,
                const StepSink* steps) {
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, uri.c_str());
  LdapPtr ld(raw);
  if (rc != LDAP_SUCCESS) return failed_step(ld, rc, uri, "cannot use the URI");
  std::string option;
  if ((rc = set_options(ld.get(), config)) != LDAP_OPT_SUCCESS) return failed_step(ld, rc, uri, "cannot set options");
  if ((rc = set_tls_options(ld.get(), config, option)) != LDAP_OPT_SUCCESS) {
    return failed_step(ld, rc, uri, "cannot set up TLS (" + option + ")");
  }
  if ((rc = start_tls(ld.get(), config, uri)) != LDAP_SUCCESS) {
    // libldap leaves a diagnostic message only when the TLS layer failed;
    // a refused or timed-out connection (an outage) gets no second try.
    const bool refused = (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR) && !diagnostic(ld.get()).empty();
    Attempt failed = failed_step(ld, rc, uri, config.start_tls ? "StartTLS failed" : "TLS failed", {},
                                 refused ? tls_failure(uri, config) : std::string());
    report(steps, "tls", false, uri, failed.error);
    return failed;
  }
  if (steps != nullptr && core::uses_tls(config, uri)) {
    const std::string subject = printable(peer_subject(ld.get()));
    report(steps, "tls", true, uri, fmt::format("verified; server certificate subject \"{}\"", subject));
  }
  const BindResult bound = bind(ld.get(), config, uri, password);
  if (bound.rc != LDAP_SUCCESS) {
    const std::string step = bind_step(config, bound);
    Attempt failed = bound.error.empty()
                         ? failed_step(ld, bound.rc, uri, step, bind_hint(config, uri, bound.rc, diagnostic(ld.get())))
                         : Attempt{nullptr, fmt::format("{}: {}: {}", uri, step, bound.error), true};
    report(steps, "bind", false, uri, failed.error);
    return failed;
  }
  if (steps != nullptr) {
    const char* mechanism = core::to_string(config.sasl_mechanism);
    const std::string server_view = who_am_i(ld.get());
    report(steps, "bind", true, uri,
           fmt::format("{} as \"{}\"{}", mechanism, printable(bound.identity),
                       server_view.empty() ? "" : fmt::format(" (the server says: {})", printable(server_view))));
  }
  return {std::move(ld), {}, true};
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// strip_smtp_prefix - "SMTP:a@b" / "smtp:a@b" (Exchange proxy address form) -> "a@b".
std::string_view strip_smtp_prefix(std::string_view value) {
  constexpr std::string_view kPrefix = "smtp:";
  return core::ascii::starts_with_ignoring_case(value, kPrefix) ? value.substr(kPrefix.size()) : value;
}

LdapOutcome error_outcome(std::string detail, bool lost = false) {
  return {core::Lookup::error, {}, std::move(detail), lost};
}

}  // namespace

bool is_server_problem(int rc) {
  // Negative codes are client-side: the connection's state is unknown.
  return rc < 0 || rc == LDAP_BUSY || rc == LDAP_UNAVAILABLE;
}

std::unique_ptr<LdapConnection> LdapConnection::open_uri(const core::LdapConfig& config, const std::string& uri,
                                                         const std::string& password, const StepSink& steps,
                                                         std::string& error) {
  Attempt result = attempt(uri, config, password, &steps);
  if (!result.ld) error = std::move(result.error);
  return result.ld ? std::unique_ptr<LdapConnection>(new LdapConnection(std::move(result.ld), uri)) : nullptr;
}

std::unique_ptr<LdapConnection> LdapConnection::open(const core::LdapConfig& config, const std::string& password,
                                                     std::string& error) {
  std::vector<std::string> problems;
  for (const auto& uri : config.uris) {
    Attempt result = attempt(uri, config, password, nullptr);
    if (result.ld) return std::unique_ptr<LdapConnection>(new LdapConnection(std::move(result.ld), uri));
    problems.push_back(std::move(result.error));
    if (!result.try_next) break;
    if (&uri != &config.uris.back()) {
      if (metrics::Events* events = metrics::events()) events->ldap_failover();
    }
  }
  error = problems.empty() ? std::string("no LDAP URI is configured") : join(problems, "; ");
  return nullptr;
}

LdapOutcome LdapConnection::failure(int rc, const char* what) const {
  return error_outcome(fmt::format("{}: {}: {}", uri_, what, error_text(ld_.get(), rc)), is_server_problem(rc));
}

LdapOutcome LdapConnection::search(const core::LdapConfig& config, const std::string& filter) {
  std::string attribute = config.target_attribute.empty() ? std::string("1.1") : config.target_attribute;
  char* attributes[] = {attribute.data(), nullptr};
  timeval timeout = to_timeval(config.timeout_ms);
  LDAPMessage* raw = nullptr;
  const int rc = ldap_search_ext_s(ld_.get(), config.base.c_str(), to_ldap_scope(config.scope), filter.c_str(),
                                   attributes, 0, nullptr, nullptr, &timeout, kSizeLimit, &raw);
  const LdapMessagePtr result(raw);
  if (rc == LDAP_SIZELIMIT_EXCEEDED) return ambiguous(filter);
  if (rc != LDAP_SUCCESS) return failure(rc, "search failed");
  // Only entries count: search continuation references (AD returns them
  // for subtree searches from a domain root) are skipped, never chased.
  const int entries = ldap_count_entries(ld_.get(), result.get());
  if (entries < 0) return failure(LDAP_DECODING_ERROR, "search failed");
  if (entries == 0) return {core::Lookup::miss, {}, {}, false};
  if (entries > 1) return ambiguous(filter);
  return entry_outcome(config, ldap_first_entry(ld_.get(), result.get()));
}

LdapOutcome LdapConnection::probe_base(const core::LdapConfig& config) {
  char none[] = "1.1";
  char* attributes[] = {none, nullptr};
  timeval timeout = to_timeval(config.timeout_ms);
  LDAPMessage* raw = nullptr;
  const int rc = ldap_search_ext_s(ld_.get(), config.base.c_str(), LDAP_SCOPE_BASE, "(objectClass=*)", attributes, 0,
                                   nullptr, nullptr, &timeout, 1, &raw);
  const LdapMessagePtr result(raw);
  if (rc != LDAP_SUCCESS) return failure(rc, "search failed");
  return {core::Lookup::hit, {}, {}, false};
}

// ambiguous - more than one entry for one address: which one is meant is
// unknowable, so the lookup fails (temporarily) until the directory is fixed.
LdapOutcome LdapConnection::ambiguous(const std::string& filter) const {
  return error_outcome(fmt::format("{}: more than one entry matches {}", uri_, printable(filter)));
}

// entry_outcome - a hit; a contact when the entry has the target attribute.
LdapOutcome LdapConnection::entry_outcome(const core::LdapConfig& config, LDAPMessage* entry) const {
  const std::string& attribute = config.target_attribute;
  if (attribute.empty()) return {core::Lookup::hit, {}, {}, false};
  const BerValuesPtr values(ldap_get_values_len(ld_.get(), entry, attribute.c_str()));
  const int count = values ? ldap_count_values_len(values.get()) : 0;
  if (count == 0) return {core::Lookup::hit, {}, {}, false};
  const LdapMemPtr<char> dn(ldap_get_dn(ld_.get(), entry));
  const std::string where = fmt::format("{}: entry \"{}\"", uri_, printable(dn ? dn.get() : "?"));
  if (count > 1) return error_outcome(fmt::format("{} has {} values of {}", where, count, attribute));
  const std::string_view value(values.get()[0]->bv_val, values.get()[0]->bv_len);
  core::Address target;
  if (const std::string why = core::parse_address(strip_smtp_prefix(value), target); !why.empty()) {
    return error_outcome(fmt::format("{}: {} \"{}\" is not an address: {}", where, attribute, printable(value), why));
  }
  return {core::Lookup::hit, target.text(), {}, false};
}

std::unique_ptr<LdapConnection> LdapConnection::open_server(const std::string& uri, const core::LdapConfig& config,
                                                            const std::string& password, std::string& error,
                                                            bool& server_problem) {
  Attempt result = attempt(uri, config, password, nullptr);
  if (result.ld) return std::unique_ptr<LdapConnection>(new LdapConnection(std::move(result.ld), uri));
  error = std::move(result.error);
  server_problem = result.try_next;
  return nullptr;
}

}  // namespace splitroute::directory
