// protected_file_test.cpp - files that decide routing or hold a secret are
// refused when world-writable: util::read_protected_file and the rule file
// as runtime::load_config reads it.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "runtime/config.hpp"
#include "temp_dir.hpp"
#include "util/file.hpp"

namespace splitroute {
namespace {

using splitroute::testing::TempDir;

struct ModeCase {
  unsigned mode;
  bool refused;
};

TEST(ReadProtectedFile, RefusesExactlyTheWorldWritableModes) {
  const ModeCase cases[] = {{0600, false}, {0640, false}, {0644, false}, {0664, false}, {0444, false},
                            {0602, true},  {0646, true},  {0666, true},  {0777, true},  {01666, true}};
  TempDir dir;
  const std::string path = dir.write("file", "content\n");
  for (const ModeCase& c : cases) {
    SCOPED_TRACE(c.mode);
    std::filesystem::permissions(path, std::filesystem::perms(c.mode));
    std::string text;
    const std::string why = util::read_protected_file(path, 100, text);
    if (c.refused) {
      EXPECT_EQ(why.rfind("refusing " + path + ": it is world-writable (mode ", 0), 0u) << why;
      EXPECT_TRUE(text.empty());
    } else {
      EXPECT_EQ(why, "");
      EXPECT_EQ(text, "content\n");
    }
  }
}

TEST(ReadFile, StillReadsWorldWritableFiles) {
  TempDir dir;
  const std::string path = dir.write("recipients.txt", "alice@example.com\n");
  std::filesystem::permissions(path, std::filesystem::perms(0666));
  std::string text;
  EXPECT_EQ(util::read_file(path, 100, text), "");
  EXPECT_EQ(text, "alice@example.com\n");
}

TEST(LoadConfig, RefusesAWorldWritableRuleFileNamingTheFileAndItsMode) {
  TempDir dir;
  dir.write("recipients.txt", "alice@example.com\n");
  const std::string rules = dir.write("rules.json", R"({"version": 1,
    "directory": {"type": "file", "path": "recipients.txt"},
    "accepted_domains": [{"domain": "example.com", "type": "authoritative"}],
    "send_connectors": []})");
  ASSERT_NE(runtime::load_config(rules).config, nullptr);

  std::filesystem::permissions(rules, std::filesystem::perms(0646));
  const runtime::ConfigLoad load = runtime::load_config(rules);
  EXPECT_EQ(load.config, nullptr);
  ASSERT_EQ(load.diagnostics.size(), 1u);
  EXPECT_EQ(load.diagnostics[0].severity, core::Severity::error);
  EXPECT_EQ(load.report(), rules + ": error: refusing " + rules +
                               ": it is world-writable (mode 0646), so any local user could change it; "
                               "remove that permission (chmod o-w)\n");
}

}  // namespace
}  // namespace splitroute
