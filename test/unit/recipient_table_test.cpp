// recipient_table_test.cpp - the compact recipients table behaves as a map.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "directory/recipient_table.hpp"

namespace splitroute::directory {
namespace {

TEST(RecipientTable, FindsWhatWasInsertedAndNothingElse) {
  RecipientTable table;
  EXPECT_FALSE(table.find("alice@example.com"));  // empty: no slots yet
  table.insert_or_assign("alice@example.com", "");
  table.insert_or_assign("dave@example.com", "dave@partner.example.net");
  EXPECT_EQ(table.find("alice@example.com"), "");
  EXPECT_EQ(table.find("dave@example.com"), "dave@partner.example.net");
  EXPECT_FALSE(table.find("alice@example.co"));
  EXPECT_FALSE(table.find("alice@example.comm"));
  EXPECT_EQ(table.count("dave@example.com"), 1u);
  EXPECT_EQ(table.count("bob@example.com"), 0u);
  EXPECT_THROW(table.at("bob@example.com"), std::out_of_range);
  EXPECT_EQ(table.size(), 2u);
}

TEST(RecipientTable, ALaterEntryForTheSameKeyReplacesTheTarget) {
  RecipientTable table;
  table.insert_or_assign("dave@example.com", "dave@old.example.net");
  table.insert_or_assign("dave@example.com", "");
  EXPECT_EQ(table.at("dave@example.com"), "");
  EXPECT_EQ(table.size(), 1u);
}

TEST(RecipientTable, KeepsEveryEntryWhileGrowingWithOrWithoutReserve) {
  for (std::size_t reserved : {0u, 50000u}) {
    SCOPED_TRACE(reserved);
    RecipientTable table;
    table.reserve(reserved, reserved * 24);
    for (int i = 0; i < 50000; ++i) {
      table.insert_or_assign("user" + std::to_string(i) + "@example.com", i % 3 == 0 ? "x" + std::to_string(i) : "");
    }
    EXPECT_EQ(table.size(), 50000u);
    for (int i = 0; i < 50000; ++i) {
      std::string key = "user" + std::to_string(i) + "@example.com";
      ASSERT_EQ(table.find(key), i % 3 == 0 ? "x" + std::to_string(i) : "") << key;
      ASSERT_FALSE(table.find("nobody" + std::to_string(i) + "@example.com"));
    }
  }
}

}  // namespace
}  // namespace splitroute::directory
