// reply_test.cpp - the SMTP reply catalogue, word for word.
#include "core/reply.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace splitroute::core {
namespace {

TEST(MakeReply, GivesTheCatalogueLineForEveryKind) {
  struct Row {
    ReplyKind kind;
    std::string want;
  };
  const std::vector<Row> rows = {
      {ReplyKind::user_unknown,
       "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"},
      {ReplyKind::directory_unavailable, "451 4.4.3 Directory lookup failed, try again later"},
      {ReplyKind::message_too_big, "552 5.3.4 Message too big for the route to partner.example"},
      {ReplyKind::hop_count_exceeded, "554 5.4.6 Hop count exceeded - possible mail loop"},
      {ReplyKind::routing_loop, "554 5.4.6 Routing loop detected"},
      {ReplyKind::different_route, "452 4.5.3 Different route, send in a separate transaction"},
      {ReplyKind::internal_error, "451 4.3.0 Internal error, try again later"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.want);
    EXPECT_EQ(make_reply(row.kind, "bob@example.com", "partner.example").line(), row.want);
  }
}

TEST(MakeReply, SplitsCodeEnhancedCodeAndText) {
  Reply reply = make_reply(ReplyKind::user_unknown, "a@b.example");
  EXPECT_EQ(reply.code, "550");
  EXPECT_EQ(reply.xcode, "5.1.1");
  EXPECT_EQ(reply.text, "<a@b.example>: Recipient address rejected: User unknown");
}

TEST(IsTemporary, TrueExactlyForFourHundredReplies) {
  for (ReplyKind kind :
       {ReplyKind::user_unknown, ReplyKind::directory_unavailable, ReplyKind::message_too_big,
        ReplyKind::hop_count_exceeded, ReplyKind::routing_loop, ReplyKind::different_route,
        ReplyKind::internal_error}) {
    Reply reply = make_reply(kind, "a@b.example", "b.example");
    SCOPED_TRACE(reply.line());
    EXPECT_EQ(is_temporary(kind), reply.code.front() == '4');
  }
}

}  // namespace
}  // namespace splitroute::core
