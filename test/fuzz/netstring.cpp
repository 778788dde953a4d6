// netstring.cpp - libFuzzer target: core::NetstringReader fed in chunks.
//
// Input: the first byte seeds the chunk sizes (1..16 bytes, or the whole
// rest at once), the rest is the byte stream.  The same stream is read twice
// (chunked, and in one piece): both readers must return the same messages
// and agree on failure, every message must be within the limit, and the
// messages re-encoded with core::netstring() must be exactly the bytes
// consumed.  Finally netstring(x) must read back as x.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/netstring.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

constexpr std::size_t kLimit = 1000;

struct Outcome {
  std::vector<std::string> messages;
  bool failed = false;
  std::size_t left = 0;
};

void drain(core::NetstringReader& reader, Outcome& out) {
  while (auto message = reader.next()) {
    FUZZ_CHECK(message->size() <= kLimit);
    out.messages.push_back(std::move(*message));
  }
}

Outcome read_chunked(std::string_view stream, std::uint8_t seed) {
  core::NetstringReader reader(kLimit);
  Outcome out;
  std::size_t step = seed % 17;  // 0: all at once
  for (std::size_t at = 0; at < stream.size() && reader.error().empty();) {
    std::size_t n = step == 0 ? stream.size() : 1 + (at * 7 + seed) % step;
    reader.feed(stream.substr(at, n));
    at += n;
    drain(reader, out);
  }
  out.failed = !reader.error().empty();
  out.left = reader.buffered();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view stream = fuzz::as_text(data + 1, size - 1);
  Outcome chunked = read_chunked(stream, data[0]);
  Outcome whole = read_chunked(stream, 0);
  FUZZ_CHECK(chunked.messages == whole.messages);
  FUZZ_CHECK(chunked.failed == whole.failed);

  std::string consumed;
  for (const std::string& m : whole.messages) consumed += core::netstring(m);
  FUZZ_CHECK(stream.starts_with(consumed));
  if (!whole.failed) FUZZ_CHECK(consumed.size() + whole.left == stream.size());

  core::NetstringReader echo(stream.size());
  echo.feed(core::netstring(stream));
  auto back = echo.next();
  FUZZ_CHECK(back && *back == stream && echo.buffered() == 0);
  return 0;
}
