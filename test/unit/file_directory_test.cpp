// file_directory_test.cpp - the recipients file: parsing, lookups, changes.
#include "directory/file_directory.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace splitroute::directory {
namespace {

struct ParseCase {
  const char* name;
  const char* text;
  const char* want_error;  // substring; "" = parses
};

TEST(RecipientsFile, ParsesOrNamesTheBadLine) {
  const ParseCase cases[] = {
      {"empty", "", ""},
      {"comments and blanks", "# header\n\n   \n# more\n", ""},
      {"mailbox", "alice@example.com\n", ""},
      {"contact", "dave@example.com dave@partner.example.net\n", ""},
      {"trailing comment", "alice@example.com   # Alice\n", ""},
      {"hash inside address", "a#b@example.com\n", ""},
      {"crlf", "alice@example.com\r\n", ""},
      {"three fields", "a@example.com b@example.com c@example.com\n", "x:1: more than two fields"},
      {"bad address on line 3", "a@example.com\n\nnot-an-address\n", "x:3: bad address \"not-an-address\""},
      {"bad target", "a@example.com b@@x\n", "x:1: bad target \"b@@x\""},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.name);
    RecipientTable table;
    std::string got = parse_recipients(c.text, "x", table);
    if (*c.want_error == '\0') {
      EXPECT_EQ(got, "");
    } else {
      EXPECT_NE(got.find(c.want_error), std::string::npos) << "got: " << got;
    }
  }
}

TEST(RecipientsFile, KeysAreCaseInsensitiveAndContactsKeepTheirTarget) {
  RecipientTable table;
  ASSERT_EQ(parse_recipients("Alice@Example.COM\nDave@example.com dave@Partner.example.net\n", "x", table), "");
  EXPECT_EQ(table.count("alice@example.com"), 1u);
  EXPECT_EQ(table.at("alice@example.com"), "");
  EXPECT_EQ(table.at("dave@example.com"), "dave@partner.example.net");
}

class FileDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/splitroute-unit.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/recipients.txt";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  void write(const std::string& text) { std::ofstream(path_) << text; }

  std::string dir_;
  std::string path_;
};

TEST_F(FileDirectoryTest, AnswersHitMissAndContact) {
  write("alice@example.com\ndave@example.com dave@partner.example.net\n");
  FileDirectory table(path_);
  EXPECT_EQ(table.lookup("alice@example.com").result, core::Lookup::hit);
  EXPECT_EQ(table.lookup("nobody@example.com").result, core::Lookup::miss);
  core::DirectoryAnswer contact = table.lookup("dave@example.com");
  EXPECT_EQ(contact.result, core::Lookup::hit);
  EXPECT_EQ(contact.target, "dave@partner.example.net");
  EXPECT_EQ(table.describe(), "file:" + path_);
}

TEST_F(FileDirectoryTest, MissingFileAnswersErrorNeverMiss) {
  FileDirectory table(path_);
  core::DirectoryAnswer answer = table.lookup("alice@example.com");
  EXPECT_EQ(answer.result, core::Lookup::error);
  EXPECT_NE(answer.detail.find("No such file"), std::string::npos) << answer.detail;
  EXPECT_NE(table.problem(), "");
}

TEST_F(FileDirectoryTest, MalformedFirstVersionMakesEveryLookupAnError) {
  write("alice@example.com\nbroken line here\n");
  FileDirectory table(path_);
  core::DirectoryAnswer answer = table.lookup("alice@example.com");
  EXPECT_EQ(answer.result, core::Lookup::error);
  EXPECT_NE(answer.detail.find(":2: more than two fields"), std::string::npos) << answer.detail;
}

// Notices - what a FileDirectory reported, for the tests below.
struct Notices {
  std::mutex mutex;
  std::vector<std::pair<bool, std::string>> seen;
  FileDirectory::Notice hook() {
    return [this](bool failed, const std::string& message) {
      std::lock_guard lock(mutex);
      seen.emplace_back(failed, message);
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return seen.size();
  }
};

// lookup_until - look `key` up until `notices` has `count` entries (the
// table re-reads its file at most once a second); false after 5 s.
bool lookup_until(FileDirectory& table, const std::string& key, Notices& notices, std::size_t count) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (notices.count() < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    table.lookup(key);
    std::this_thread::yield();
  }
  return true;
}

TEST_F(FileDirectoryTest, BadReReadKeepsTheLastGoodVersionAndSaysSoOnce) {
  write("alice@example.com\n");
  Notices notices;
  FileDirectory table(path_, notices.hook());
  ASSERT_EQ(table.lookup("alice@example.com").result, core::Lookup::hit);

  write("alice@example.com\nbob@example.com\nbroken line here\n");
  ASSERT_TRUE(lookup_until(table, "alice@example.com", notices, 1));
  EXPECT_EQ(table.lookup("alice@example.com").result, core::Lookup::hit);
  EXPECT_EQ(table.lookup("bob@example.com").result, core::Lookup::miss);  // the old version
  EXPECT_TRUE(notices.seen[0].first);
  EXPECT_NE(notices.seen[0].second.find(path_ + ":3: more than two fields"), std::string::npos)
      << notices.seen[0].second;
  EXPECT_NE(notices.seen[0].second.find("keeping the previous version"), std::string::npos);
  EXPECT_NE(table.problem(), "");

  write("alice@example.com\nbob@example.com\n");
  ASSERT_TRUE(lookup_until(table, "alice@example.com", notices, 2));
  EXPECT_FALSE(notices.seen[1].first);
  EXPECT_EQ(notices.seen[1].second, path_ + ": read again: 2 entries");
  EXPECT_EQ(table.lookup("bob@example.com").result, core::Lookup::hit);
  EXPECT_EQ(table.problem(), "");
  EXPECT_EQ(notices.count(), 2u);  // each change said once
}

TEST_F(FileDirectoryTest, RemovedFileKeepsTheLastGoodVersion) {
  write("alice@example.com\n");
  Notices notices;
  FileDirectory table(path_, notices.hook());
  std::remove(path_.c_str());
  ASSERT_TRUE(lookup_until(table, "alice@example.com", notices, 1));
  EXPECT_EQ(table.lookup("alice@example.com").result, core::Lookup::hit);
  EXPECT_NE(notices.seen[0].second.find("No such file"), std::string::npos) << notices.seen[0].second;
}

}  // namespace
}  // namespace splitroute::directory
