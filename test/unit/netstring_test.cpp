// netstring_test.cpp - the socketmap framing: encoding, incremental reading,
// pipelined requests and every way a netstring can be malformed.
#include "core/netstring.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

constexpr std::size_t kLimit = 10000;

// ReadOutcome - what a reader gave for a stream fed in chunks.
struct ReadOutcome {
  std::vector<std::string> messages;
  std::string error;
  std::size_t buffered = 0;
};

// read_in_chunks - feed `chunks` one after the other, taking every complete
// message after each.
ReadOutcome read_in_chunks(const std::vector<std::string>& chunks, std::size_t limit = kLimit) {
  NetstringReader reader(limit);
  ReadOutcome out;
  for (const std::string& chunk : chunks) {
    reader.feed(chunk);
    while (std::optional<std::string> message = reader.next()) out.messages.push_back(*message);
  }
  out.error = reader.error();
  out.buffered = reader.buffered();
  return out;
}

TEST(Netstring, EncodesLengthColonPayloadComma) {
  struct Row {
    std::string payload, want;
  };
  const std::vector<Row> rows = {
      {"", "0:,"},
      {"transport alice@example.com", "27:transport alice@example.com,"},
      {"OK smtp:[192.0.2.10]:25", "23:OK smtp:[192.0.2.10]:25,"},
      {std::string("a\0b", 3), std::string("3:a\0b,", 6)},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.want);
    EXPECT_EQ(netstring(row.payload), row.want);
  }
}

TEST(NetstringReader, ReadsWholeSplitAndPipelinedMessages) {
  struct Row {
    std::string name;
    std::vector<std::string> chunks;
    std::vector<std::string> want;
    std::size_t buffered;
  };
  const std::vector<Row> rows = {
      {"one message", {"8:name key,"}, {"name key"}, 0},
      {"empty payload", {"0:,"}, {""}, 0},
      {"byte by byte", {"5", ":", "h", "e", "l", "l", "o", ","}, {"hello"}, 0},
      {"split in the length", {"1", "1:transport *,"}, {"transport *"}, 0},
      {"split before the comma", {"3:abc", ","}, {"abc"}, 0},
      {"two pipelined in one chunk", {"3:abc,3:def,"}, {"abc", "def"}, 0},
      {"pipelined across chunks", {"3:abc,3:d", "ef,1:"}, {"abc", "def"}, 2},
      {"payload with a comma and a colon", {"5:a,b:c,"}, {"a,b:c"}, 0},
      {"nothing yet", {""}, {}, 0},
      {"incomplete payload", {"10:short"}, {}, 8},
      {"length only", {"123"}, {}, 3},
      {"exactly the limit", {"10000:" + std::string(10000, 'x') + ","}, {std::string(10000, 'x')}, 0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ReadOutcome out = read_in_chunks(row.chunks);
    EXPECT_EQ(out.error, "");
    EXPECT_EQ(out.messages, row.want);
    EXPECT_EQ(out.buffered, row.buffered);
  }
}

TEST(NetstringReader, FailsOnMalformedInputAndStaysFailed) {
  struct Row {
    std::string name;
    std::vector<std::string> chunks;
    std::string want_error;
    std::vector<std::string> want_before;  // messages read before the fault
  };
  const std::vector<Row> rows = {
      {"leading zero", {"01:a,"}, "netstring length has a leading zero", {}},
      {"leading zeros", {"007:abcdefg,"}, "netstring length has a leading zero", {}},
      {"zero then digit in the next chunk", {"0", "5:hello,"}, "netstring length has a leading zero", {}},
      {"over the limit", {"10001:"}, "netstring longer than the limit of 10000 bytes", {}},
      {"over the limit before the colon arrives", {"99999"},
       "netstring longer than the limit of 10000 bytes", {}},
      {"ten digits", {"1000000000:"}, "netstring longer than the limit of 10000 bytes", {}},
      {"missing comma", {"3:abcX"}, "netstring does not end with ','", {}},
      {"missing comma after a good message", {"1:a,1:bc"}, "netstring does not end with ','",
       {"a"}},
      {"no length", {":abc,"}, "netstring does not start with a length and ':'", {}},
      {"letters", {"GET / HTTP/1.0\r\n"}, "netstring does not start with a length and ':'", {}},
      {"space before the colon", {"3 :abc,"}, "netstring does not start with a length and ':'", {}},
      {"negative length", {"-1:,"}, "netstring does not start with a length and ':'", {}},
      {"garbage after a good message", {"1:a,x"}, "netstring does not start with a length and ':'",
       {"a"}},
      {"more input after the fault", {"x", "3:abc,"}, "netstring does not start with a length and ':'",
       {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    ReadOutcome out = read_in_chunks(row.chunks);
    EXPECT_EQ(out.error, row.want_error);
    EXPECT_EQ(out.messages, row.want_before);
    EXPECT_EQ(out.buffered, 0u) << "a failed reader keeps nothing";
  }
}

TEST(NetstringReader, LimitIsTheReadersOwn) {
  ReadOutcome small = read_in_chunks({"4:abcd,"}, 3);
  EXPECT_EQ(small.error, "netstring longer than the limit of 3 bytes");
  ReadOutcome zero = read_in_chunks({"0:,0:,"}, 0);
  EXPECT_EQ(zero.error, "");
  EXPECT_EQ(zero.messages, (std::vector<std::string>{"", ""}));
}

TEST(NetstringReader, ReadsBackWhatNetstringWrote) {
  const std::vector<std::string> payloads = {"", "x", "transport alice+tag@example.com",
                                             std::string(9999, 'y'), std::string("\0,:", 3)};
  std::string stream;
  for (const std::string& payload : payloads) stream += netstring(payload);
  ReadOutcome out = read_in_chunks({stream});
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.messages, payloads);
}

}  // namespace
}  // namespace splitroute::core
