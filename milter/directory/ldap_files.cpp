// ldap_files.cpp - check the TLS and Kerberos files of the "ldap" directory.
#include "directory/ldap_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "util/file.hpp"

namespace splitroute::directory {

namespace {

// file_problem - why `path` cannot be used ("" when it can); `secret`: it
// must not be readable by the group or the world.
std::string file_problem(const std::string& path, bool secret) {
  const util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) return fmt::format("cannot read {}: {}", path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fmt::format("{} is not a regular file", path);
  if (secret && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    return fmt::format("refusing {}: it is readable by {} (mode {:04o}); it holds a secret: chmod 600 it", path,
                       (st.st_mode & S_IROTH) != 0 ? "every local user" : "its group", st.st_mode & 07777);
  }
  return {};
}

}  // namespace

std::vector<core::Diagnostic> ldap_file_problems(const core::LdapConfig& config) {
  struct Named {
    std::string_view field;
    const std::string& path;
    bool secret;
  };
  const Named files[] = {{"tls_ca_file", config.tls_ca_file, false},
                         {"tls_cert_file", config.tls_cert_file, false},
                         {"tls_key_file", config.tls_key_file, true},
                         {"krb5_keytab", config.krb5_keytab, true}};
  std::vector<core::Diagnostic> problems;
  for (const Named& file : files) {
    if (file.path.empty()) continue;
    if (std::string why = file_problem(file.path, file.secret); !why.empty()) {
      problems.push_back({core::Severity::error, fmt::format("/directory/{}", file.field), std::move(why)});
    }
  }
  return problems;
}

}  // namespace splitroute::directory
