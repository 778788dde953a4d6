// allocation_test.cpp - what the per-recipient path allocates in steady
// state, counted by a replacement of the global operator new (per thread:
// other tests' threads do not disturb it).
//
// The per-recipient path allocates nothing once warm: the decision
// (runtime::resolve_into() with a Resolution kept per connection, the
// directory's answer from its cache or its file), the log queue (its slots
// keep their capacity), the recipient counters (one pointer load), the
// recipient's log line (a buffer per connection).  A refusal builds its
// reply's text, and an IDN or a non-ASCII local part is converted: those
// allocate, and are not counted here.
// (LogQueue and append_rcpt_log_line are compiled into this binary by
// daemon_log_test.cpp and daemon_message_test.cpp.)
#include <cstdlib>
#include <new>
#include <string>

#include <gtest/gtest.h>

#include "core/rules_json.hpp"
#include "daemon/log_queue.hpp"
#include "daemon/message.hpp"
#include "directory/cache.hpp"
#include "runtime/resolve.hpp"

namespace {
thread_local long t_allocations = 0;
}  // namespace

// The replacements below pair malloc with free on purpose; once gtest's
// `new TestClass` is inlined, GCC (-O1 and up) cannot see that and warns.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
// Every plain form is replaced, nothrow included, so that no block is
// allocated by one allocator and freed by another (AddressSanitizer checks).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace splitroute {
namespace {

// allocations - how many times `f` allocated on this thread.
template <typename F>
long allocations(F&& f) {
  long before = t_allocations;
  f();
  return t_allocations - before;
}

constexpr const char* kRules = R"({
  "version": 1,
  "organization": "test-org",
  "recipient_delimiter": "+",
  "directory": {"type": "file", "path": "recipients.txt"},
  "accepted_domains": [
    {"domain": "example.com", "type": "authoritative"},
    {"domain": "shared.example.com", "type": "internal_relay"}
  ],
  "send_connectors": [
    {"name": "partner", "address_spaces": [{"domain": "shared.example.com"},
                                           {"domain": "partner-organisation.example"}],
     "smarthosts": ["[192.0.2.10]:25", "[192.0.2.11]:25"]}
  ]
})";

class TableDirectory final : public directory::Directory {
 public:
  directory::Answer lookup(std::string_view key) override {
    if (key == "alice@example.com") return {core::Lookup::hit, {}, {}};
    if (key == "carol@example.com") return {core::Lookup::hit, "carol.long-name@partner-organisation.example", {}};
    return {core::Lookup::miss, {}, {}};
  }
  std::string describe() const override { return "table"; }
};

TEST(Allocations, LogQueuePushAllocatesNothingOnceWarm) {
  daemon::LogQueue queue(64, [](std::span<const daemon::LogRecord>) {});
  const std::string line(180, 'x');
  for (int i = 0; i < 2000; ++i) queue.push(0, 0, line);
  EXPECT_EQ(allocations([&] {
              for (int i = 0; i < 1000; ++i) queue.push(0, 0, line);
            }),
            0);
}

class ResolveAllocations : public ::testing::Test {
 protected:
  ResolveAllocations() {
    core::LoadResult loaded = core::load_rules(kRules, "/etc/splitroute");
    if (!loaded.ok()) ADD_FAILURE() << loaded.diagnostics.front().text();
    config_.rules = std::move(*loaded.rules);
    core::LdapCacheConfig cache;
    cache.max_entries = 100;
    cache.positive_ttl_s = 3600;
    cache.negative_ttl_s = 3600;
    config_.directory = directory::with_cache(std::make_shared<TableDirectory>(), cache);
  }
  runtime::Config config_;
};

TEST_F(ResolveAllocations, TheRecipientLogLineReusesItsBuffer) {
  runtime::Resolution r = runtime::resolve(config_, "carol2@shared.example.com", std::nullopt);
  std::string buffer;
  daemon::append_rcpt_log_line(buffer, "4F2A", "carol2@shared.example.com", config_.rules, r, std::nullopt);
  EXPECT_EQ(allocations([&] {
              for (int i = 0; i < 100; ++i) {
                buffer.clear();
                daemon::append_rcpt_log_line(buffer, "4F2A", "carol2@shared.example.com", config_.rules, r,
                                             std::nullopt);
              }
            }),
            0);
}

// A cached decision allocates nothing once the Resolution it is written
// into has grown: a mailbox, a relayed recipient (long local part and
// domain, beyond the strings' inline capacity), a contact (its target
// parsed), an address with an extension (two keys), each after the others.
TEST_F(ResolveAllocations, ACachedDecisionAllocatesNothing) {
  const char* const addresses[] = {"alice@example.com", "someone.with.a.long.name@shared.example.com",
                                   "carol@example.com", "alice+tag@example.com"};
  runtime::Resolution r;
  for (int pass = 0; pass < 2; ++pass) {  // fills the cache and the Resolution's strings
    for (const char* address : addresses) runtime::resolve_into(config_, address, std::nullopt, r);
  }
  for (const char* address : addresses) {
    SCOPED_TRACE(address);
    EXPECT_EQ(allocations([&] { runtime::resolve_into(config_, address, std::nullopt, r); }), 0);
    EXPECT_EQ(r.reply, std::nullopt);
    EXPECT_EQ(r.answer.detail, directory::kCacheDetail);
  }
  EXPECT_EQ(r.decision.verdict, core::Verdict::local);  // alice+tag: found by its second key
}

}  // namespace
}  // namespace splitroute
