// ldap_directory.cpp - the LDAP directory table: filter expansion, the
// connection pool and the cache, behind the Directory interface.
//
// DIAGNOSTICS: every failure is a Lookup::error whose detail names the
// server and the LDAP error ("ldap://ldap1:389/: bind as \"cn=milter,...\"
// failed: Invalid credentials"), which the caller turns into 451 4.4.3 and a
// log line.  No exception leaves lookup().
//
// SECURITY: the bind password is read once, here, from bind_password_file,
// which is refused when world-writable (anyone could swap in a password of a
// server they control); it never appears in a detail, a problem string or a
// log line.
#include "directory/ldap_directory.hpp"

#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "core/address.hpp"
#include "core/ldap_filter.hpp"
#include "directory/cache.hpp"
#include "directory/ldap_files.hpp"
#include "directory/ldap_pool.hpp"
#include "directory/unavailable_directory.hpp"
#include "util/file.hpp"
#include "metrics/events.hpp"

namespace splitroute::directory {

namespace {

constexpr std::size_t kMaxPasswordFileSize = 4096;

// describe_uris - "ldap:ldap://a/,ldap://b/", the table's name in logs.
std::string describe_uris(const core::LdapConfig& config) {
  std::string name = "ldap:";
  for (std::size_t i = 0; i < config.uris.size(); ++i) name += (i ? "," : "") + config.uris[i];
  return name;
}

// strip_newline - drop one trailing "\n" or "\r\n" (editors add one).
void strip_newline(std::string& text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
}

// read_password - the contents of `path`, or false with `problem` set.
bool read_password(const std::string& path, std::string& password, std::string& problem) {
  if (std::string why = util::read_protected_file(path, kMaxPasswordFileSize, password); !why.empty()) {
    problem = "LDAP bind password file: " + why;
    return false;
  }
  strip_newline(password);
  if (password.empty()) problem = fmt::format("the LDAP bind password file {} is empty", path);
  return problem.empty();
}

// initialize_library - libldap's global defaults, set up once while the
// process is still single-threaded.
void initialize_library() {
  static const bool done = [] {
    int version = 0;
    ldap_get_option(nullptr, LDAP_OPT_PROTOCOL_VERSION, &version);
    return true;
  }();
  (void)done;
}

class LdapDirectory final : public Directory {
 public:
  LdapDirectory(const core::LdapConfig& config, std::string password)
      : pool_(config, std::move(password)), name_(describe_uris(config)) {}

  Answer lookup(std::string_view key) override;
  std::string describe() const override { return name_; }

 private:
  Answer search(std::string_view key);

  LdapPool pool_;
  const std::string name_;
};

Answer LdapDirectory::lookup(std::string_view key) {
  const metrics::RoundTripTimer timer;
  try {
    return search(key);
  } catch (const std::exception& e) {
    return {core::Lookup::error, {}, fmt::format("{}: lookup failed: {}", name_, e.what())};
  } catch (...) {
    return {core::Lookup::error, {}, fmt::format("{}: lookup failed", name_)};
  }
}

Answer LdapDirectory::search(std::string_view key) {
  if (key.size() > core::kMaxAddressLength) {
    return {core::Lookup::error, {}, fmt::format("{}: a key of {} bytes is longer than any address", name_, key.size())};
  }
  const std::string filter = core::expand_filter(pool_.config().filter, key);
  LdapOutcome outcome = pool_.run([this, &filter](LdapConnection& connection) {
    return connection.search(pool_.config(), filter);
  });
  return {outcome.result, std::move(outcome.target), std::move(outcome.detail)};
}

}  // namespace

bool read_bind_password(const core::LdapConfig& config, std::string& password, std::string& problem) {
  return config.bind_password_file.empty() || read_password(config.bind_password_file, password, problem);
}

DirectoryPtr open_ldap_directory(const core::LdapConfig& config, std::string& problem) {
  std::string password;
  const std::vector<core::Diagnostic> files = ldap_file_problems(config);
  if (config.uris.empty()) {
    problem = "no LDAP URI is configured";
  } else if (!files.empty()) {
    problem = files.front().pointer + ": " + files.front().message;
  } else if (!config.bind_password_file.empty()) {
    read_password(config.bind_password_file, password, problem);
  }
  if (!problem.empty()) return std::make_shared<UnavailableDirectory>(describe_uris(config), problem);
  initialize_library();
  return with_cache(std::make_shared<LdapDirectory>(config, std::move(password)), config.cache);
}

}  // namespace splitroute::directory
