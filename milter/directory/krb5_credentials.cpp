// krb5_credentials.cpp - tickets from a keytab into a private MEMORY: cache.
#include "directory/krb5_credentials.hpp"

#include <gssapi/gssapi_krb5.h>
#include <krb5.h>

#include <atomic>
#include <ctime>
#include <map>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

namespace splitroute::directory {

namespace {

// A ticket is replaced when less than this is left of its life.
constexpr krb5_timestamp kRefreshMarginS = 300;

struct ContextFree {
  void operator()(krb5_context context) const noexcept { krb5_free_context(context); }
};
using ContextPtr = std::unique_ptr<std::remove_pointer_t<krb5_context>, ContextFree>;

// Handles that need the context to be freed, owned together with it.
struct Handles {
  krb5_context context = nullptr;
  krb5_keytab keytab = nullptr;
  krb5_principal principal = nullptr;
  krb5_get_init_creds_opt* options = nullptr;
  krb5_creds creds{};
  bool have_creds = false;
  ~Handles() {
    if (have_creds) krb5_free_cred_contents(context, &creds);
    if (options != nullptr) krb5_get_init_creds_opt_free(context, options);
    if (principal != nullptr) krb5_free_principal(context, principal);
    if (keytab != nullptr) krb5_kt_close(context, keytab);
  }
};

std::string message(krb5_context context, krb5_error_code code) {
  const char* text = krb5_get_error_message(context, code);
  std::string out = text != nullptr ? text : fmt::format("Kerberos error {}", code);
  krb5_free_error_message(context, text);
  return out;
}

// first_principal - the principal of the keytab's first entry.
krb5_error_code first_principal(krb5_context context, krb5_keytab keytab, krb5_principal* out) {
  krb5_kt_cursor cursor;
  krb5_error_code code = krb5_kt_start_seq_get(context, keytab, &cursor);
  if (code != 0) return code;
  krb5_keytab_entry entry;
  code = krb5_kt_next_entry(context, keytab, &entry, &cursor);
  if (code == 0) {
    code = krb5_copy_principal(context, entry.principal, out);
    krb5_free_keytab_entry_contents(context, &entry);
  }
  krb5_kt_end_seq_get(context, keytab, &cursor);
  return code;
}

}  // namespace

struct Krb5Credentials::State {
  ContextPtr context;
  krb5_ccache cache = nullptr;
  std::string cache_name;
  std::string principal;
  krb5_timestamp end_time = 0;
  ~State() {
    if (cache != nullptr) krb5_cc_destroy(context.get(), cache);
  }
};

std::shared_ptr<Krb5Credentials> Krb5Credentials::shared(const std::string& keytab, const std::string& principal) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, std::weak_ptr<Krb5Credentials>> instances;
  const std::lock_guard lock(mutex);
  std::weak_ptr<Krb5Credentials>& slot = instances[{keytab, principal}];
  std::shared_ptr<Krb5Credentials> instance = slot.lock();
  if (!instance) {
    instance = std::make_shared<Krb5Credentials>(keytab, principal);
    slot = instance;
  }
  return instance;
}

Krb5Credentials::Krb5Credentials(std::string keytab, std::string principal)
    : keytab_(std::move(keytab)), wanted_principal_(std::move(principal)) {}

Krb5Credentials::~Krb5Credentials() = default;

std::string Krb5Credentials::principal() {
  const std::lock_guard lock(mutex_);
  return state_ ? state_->principal : std::string();
}

bool Krb5Credentials::with_credentials(const std::function<void()>& bind, std::string& error) {
  const std::lock_guard lock(mutex_);
  if (!refresh(error)) return false;
  OM_uint32 minor = 0;
  if (gss_krb5_ccache_name(&minor, state_->cache_name.c_str(), nullptr) != GSS_S_COMPLETE) {
    error = "cannot select the private Kerberos credential cache";
    return false;
  }
  struct Restore {
    ~Restore() {
      OM_uint32 ignored = 0;
      gss_krb5_ccache_name(&ignored, nullptr, nullptr);
    }
  } restore;
  bind();
  return true;
}

// refresh - a ticket with more than kRefreshMarginS left, from the keytab.
bool Krb5Credentials::refresh(std::string& error) {
  if (state_ && state_->end_time - kRefreshMarginS > static_cast<krb5_timestamp>(std::time(nullptr))) return true;
  static std::atomic<unsigned> serial{0};
  auto state = std::make_unique<State>();
  krb5_context raw = nullptr;
  if (krb5_error_code code = krb5_init_context(&raw); code != 0) {
    error = fmt::format("Kerberos: cannot initialise (error {}); is krb5.conf readable?", code);
    return false;
  }
  state->context.reset(raw);
  Handles h;
  h.context = raw;
  const auto fail = [&](krb5_error_code code, std::string_view what) {
    error = fmt::format("Kerberos: {}: {}", what, message(raw, code));
    return false;
  };
  if (auto code = krb5_kt_resolve(raw, keytab_.c_str(), &h.keytab)) return fail(code, "keytab " + keytab_);
  krb5_error_code code = wanted_principal_.empty() ? first_principal(raw, h.keytab, &h.principal)
                                                  : krb5_parse_name(raw, wanted_principal_.c_str(), &h.principal);
  if (code != 0) return fail(code, wanted_principal_.empty() ? "no principal in keytab " + keytab_
                                                            : "principal \"" + wanted_principal_ + "\"");
  char* name = nullptr;
  if ((code = krb5_unparse_name(raw, h.principal, &name)) != 0) return fail(code, "principal name");
  state->principal = name;
  krb5_free_unparsed_name(raw, name);
  if ((code = krb5_get_init_creds_opt_alloc(raw, &h.options)) != 0) return fail(code, "options");
  code = krb5_get_init_creds_keytab(raw, &h.creds, h.principal, h.keytab, 0, nullptr, h.options);
  if (code != 0) return fail(code, fmt::format("cannot get a ticket for {} from keytab {}", state->principal, keytab_));
  h.have_creds = true;
  state->cache_name = fmt::format("MEMORY:splitroute-{}", serial++);
  if ((code = krb5_cc_resolve(raw, state->cache_name.c_str(), &state->cache)) != 0) return fail(code, "cache");
  if ((code = krb5_cc_initialize(raw, state->cache, h.principal)) != 0 ||
      (code = krb5_cc_store_cred(raw, state->cache, &h.creds)) != 0) {
    return fail(code, "cannot store the ticket");
  }
  state->end_time = h.creds.times.endtime;
  state_ = std::move(state);  // the old cache (if any) is destroyed with its state
  return true;
}

}  // namespace splitroute::directory
