// ldap_files_test.cpp - which TLS and Kerberos files the ldap directory refuses.
#include "directory/ldap_files.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace splitroute::directory {
namespace {

using core::LdapConfig;

TEST(LdapFileProblems, SecretsReadableByOthersAreRefusedAtTheirField) {
  struct Case {
    const char* name;
    mode_t mode;
    const char* want;  // "" = accepted
  };
  const Case cases[] = {
      {"owner only", 0600, ""},
      {"owner read-only", 0400, ""},
      {"group-readable", 0640, "it is readable by its group (mode 0640)"},
      {"world-readable", 0604, "it is readable by every local user (mode 0604)"},
  };
  const splitroute::testing::TempDir dir;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    for (const char* field : {"tls_key_file", "krb5_keytab"}) {
      const std::string path = dir.write(field, "secret");
      ASSERT_EQ(::chmod(path.c_str(), c.mode), 0);
      LdapConfig config;
      (std::string(field) == "tls_key_file" ? config.tls_key_file : config.krb5_keytab) = path;
      const auto problems = ldap_file_problems(config);
      if (*c.want == '\0') {
        EXPECT_TRUE(problems.empty()) << problems.front().message;
        continue;
      }
      ASSERT_EQ(problems.size(), 1u);
      EXPECT_EQ(problems[0].pointer, std::string("/directory/") + field);
      EXPECT_NE(problems[0].message.find(c.want), std::string::npos) << problems[0].message;
    }
  }
}

TEST(LdapFileProblems, MissingFilesAreNamedAndPublicOnesAccepted) {
  const splitroute::testing::TempDir dir;
  LdapConfig config;
  config.tls_ca_file = dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  ASSERT_EQ(::chmod(config.tls_ca_file.c_str(), 0644), 0);  // a CA certificate is no secret
  config.tls_cert_file = (dir.path / "missing.pem").string();
  const auto problems = ldap_file_problems(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/directory/tls_cert_file");
  EXPECT_EQ(problems[0].message, "cannot read " + config.tls_cert_file + ": No such file or directory");
}

}  // namespace
}  // namespace splitroute::directory
