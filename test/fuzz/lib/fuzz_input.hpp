// fuzz_input.hpp - what the libFuzzer targets in test/fuzz/ share.
//
// FUZZ_CHECK is the property check: unlike assert() it stays on in every
// build (-DNDEBUG or not), and a failure aborts, which libFuzzer reports as
// a crash and the corpus replay as a failed input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition)                                                              \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)

namespace splitroute::fuzz {

// as_text - the fuzzer's bytes as a string_view.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// split_at_first - the text before the first `separator` and the rest
// (everything is `head` when there is none).
inline void split_at_first(std::string_view text, char separator, std::string_view& head, std::string_view& rest) {
  std::size_t at = text.find(separator);
  head = text.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
}

}  // namespace splitroute::fuzz
