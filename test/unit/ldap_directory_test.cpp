// ldap_directory_test.cpp - the LDAP table without a server: opening
// problems and connection failures become errors that never carry the
// bind password.  (The slapd-backed behaviour is tested by test/ldap/run.)
#include "directory/ldap_directory.hpp"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace splitroute::directory {
namespace {

using core::Lookup;
using splitroute::testing::TempDir;

constexpr const char* kPassword = "n0t-in-any-log";

// closed_port - a loopback port with nothing listening (bound, then closed).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

core::LdapConfig config_for(int port) {
  core::LdapConfig config;
  config.uris = {"ldap://127.0.0.1:" + std::to_string(port) + "/"};
  config.base = "dc=example,dc=com";
  config.bind_dn = "cn=admin,dc=example,dc=com";
  config.timeout_ms = 2000;
  return config;
}

TEST(OpenLdapDirectory, MissingPasswordFileGivesASurrogateTable) {
  core::LdapConfig config = config_for(closed_port());
  config.bind_password_file = "/nonexistent/ldap.secret";
  std::string problem;
  const DirectoryPtr directory = open_ldap_directory(config, problem);
  EXPECT_NE(problem.find("/nonexistent/ldap.secret"), std::string::npos) << problem;
  EXPECT_NE(problem.find("No such file"), std::string::npos) << problem;
  const Answer answer = directory->lookup("alice@example.com");
  EXPECT_EQ(answer.result, Lookup::error);
  EXPECT_EQ(answer.detail, problem);
}

TEST(OpenLdapDirectory, EmptyPasswordFileIsAProblem) {
  TempDir dir;
  core::LdapConfig config = config_for(closed_port());
  config.bind_password_file = dir.write("secret", "\n");
  std::string problem;
  open_ldap_directory(config, problem);
  EXPECT_NE(problem.find("is empty"), std::string::npos) << problem;
}

TEST(OpenLdapDirectory, WorldWritablePasswordFileGivesASurrogateTable) {
  TempDir dir;
  core::LdapConfig config = config_for(closed_port());
  config.bind_password_file = dir.write("secret", std::string(kPassword) + "\n");
  std::filesystem::permissions(config.bind_password_file, std::filesystem::perms(0666));
  std::string problem;
  const DirectoryPtr directory = open_ldap_directory(config, problem);
  EXPECT_NE(problem.find("refusing " + config.bind_password_file + ": it is world-writable (mode 0666)"),
            std::string::npos)
      << problem;
  const Answer answer = directory->lookup("alice@example.com");
  EXPECT_EQ(answer.result, Lookup::error);
  EXPECT_EQ(answer.detail, problem);
  EXPECT_EQ(problem.find(kPassword), std::string::npos) << problem;
}

TEST(LdapDirectory, UnreachableServersGiveAnErrorNamingEachWithoutThePassword) {
  TempDir dir;
  core::LdapConfig config = config_for(closed_port());
  config.uris.push_back("ldap://127.0.0.1:" + std::to_string(closed_port()) + "/");
  config.bind_password_file = dir.write("secret", std::string(kPassword) + "\n");
  std::string problem;
  const DirectoryPtr directory = open_ldap_directory(config, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  for (int attempt = 0; attempt < 2; ++attempt) {  // errors are not cached
    const Answer answer = directory->lookup("alice@example.com");
    EXPECT_EQ(answer.result, Lookup::error);
    EXPECT_NE(answer.detail.find(config.uris[0]), std::string::npos) << answer.detail;
    EXPECT_NE(answer.detail.find(config.uris[1]), std::string::npos) << answer.detail;
    EXPECT_NE(answer.detail.find("Can't contact LDAP server"), std::string::npos) << answer.detail;
    EXPECT_EQ(answer.detail.find(kPassword), std::string::npos) << answer.detail;
  }
  EXPECT_EQ(directory->describe(), "ldap:" + config.uris[0] + "," + config.uris[1]);
}

TEST(LdapDirectory, OverlongKeyIsAnErrorNotAQuery) {
  std::string problem;
  const DirectoryPtr directory = open_ldap_directory(config_for(closed_port()), problem);
  const Answer answer = directory->lookup(std::string(1000, 'a') + "@example.com");
  EXPECT_EQ(answer.result, Lookup::error);
  EXPECT_NE(answer.detail.find("longer than any address"), std::string::npos) << answer.detail;
}

}  // namespace
}  // namespace splitroute::directory
