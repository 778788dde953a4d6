// ldap_connection.cpp - one bound connection to an LDAP server.
#include "directory/ldap_connection.hpp"

#include <sys/time.h>

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/address.hpp"
#include "core/ascii.hpp"
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

// error_text - "Invalid credentials", plus the server's diagnostic message.
std::string error_text(LDAP* ld, int rc) {
  std::string text = ldap_err2string(rc);
  char* raw = nullptr;
  if (ld != nullptr && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &raw) == LDAP_OPT_SUCCESS) {
    const LdapMemPtr<char> diagnostic(raw);
    if (diagnostic && *diagnostic != '\0') text += fmt::format(" ({})", printable(diagnostic.get()));
  }
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

// failed_step - why `step` failed; libldap connects lazily, at the first
// request, so a refused connection shows up as the StartTLS or bind failing.
Attempt failed_step(const LdapPtr& ld, int rc, const std::string& uri, const std::string& step) {
  const bool unreachable = rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR;
  return {nullptr, fmt::format("{}: {}: {}", uri, unreachable ? "cannot connect" : step, error_text(ld.get(), rc)),
          is_server_problem(rc)};
}

std::string bind_step(const core::LdapConfig& config) {
  if (config.bind_dn.empty()) return "anonymous bind failed";
  return fmt::format("bind as \"{}\" failed", printable(config.bind_dn));
}

Attempt attempt(const std::string& uri, const core::LdapConfig& config, const std::string& password) {
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, uri.c_str());
  LdapPtr ld(raw);
  if (rc != LDAP_SUCCESS) return failed_step(ld, rc, uri, "cannot use the URI");
  if ((rc = set_options(ld.get(), config)) != LDAP_OPT_SUCCESS) return failed_step(ld, rc, uri, "cannot set options");
  if (config.start_tls && (rc = ldap_start_tls_s(ld.get(), nullptr, nullptr)) != LDAP_SUCCESS) {
    return failed_step(ld, rc, uri, "StartTLS failed");
  }
  berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  const char* dn = config.bind_dn.empty() ? nullptr : config.bind_dn.c_str();
  rc = ldap_sasl_bind_s(ld.get(), dn, LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, nullptr);
  if (rc != LDAP_SUCCESS) return failed_step(ld, rc, uri, bind_step(config));
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

std::unique_ptr<LdapConnection> LdapConnection::open(const core::LdapConfig& config, const std::string& password,
                                                     std::string& error) {
  std::vector<std::string> problems;
  for (const auto& uri : config.uris) {
    Attempt result = attempt(uri, config, password);
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
  const int entries = ldap_count_entries(ld_.get(), result.get());
  if (entries < 0) return failure(LDAP_DECODING_ERROR, "search failed");
  if (entries == 0) return {core::Lookup::miss, {}, {}, false};
  if (entries > 1) return ambiguous(filter);
  return entry_outcome(config, ldap_first_entry(ld_.get(), result.get()));
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

}  // namespace splitroute::directory
