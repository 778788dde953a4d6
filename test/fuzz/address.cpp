// address.cpp - libFuzzer target: core::parse_address and strip_extension.
//
// Input: "DELIMITERS\nADDRESS" (without a newline the whole input is the
// address and the delimiters are "+-").  Properties: no exception or
// sanitizer report; a parsed address respects the documented limits, has a
// lowercase ASCII (A-label) domain, parses again to the same key from its
// own text(), an IDN's other form names the same domain, keys are valid
// UTF-8, and its extension-stripped local part is a non-empty prefix of the
// local part; a refusal reason stays proportional to the input and is
// valid UTF-8 once repaired by valid_utf8().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/address.hpp"
#include "core/ascii.hpp"
#include "core/utf8.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

void check_parsed(const core::Address& address, std::string_view delimiters) {
  FUZZ_CHECK(!address.local.empty() && address.local.size() <= core::kMaxLocalPartLength);
  FUZZ_CHECK(!address.domain.empty());
  FUZZ_CHECK(address.text().size() <= core::kMaxAddressLength);
  FUZZ_CHECK(address.domain == core::ascii::lowercase(address.domain));
  FUZZ_CHECK(address.domain.starts_with('[') || core::is_ascii(address.domain));
  FUZZ_CHECK(core::is_valid_utf8(address.key()));
  if (core::is_ascii(address.text())) FUZZ_CHECK(address.key() == core::ascii::lowercase(address.text()));

  core::Address again;
  FUZZ_CHECK(core::parse_address(address.text(), again).empty());
  FUZZ_CHECK(again.key() == address.key());
  FUZZ_CHECK(again.domain == address.domain);

  core::Address canonical;  // the A-label form: the same domain, the other key first
  FUZZ_CHECK(core::parse_address(address.canonical_text(), canonical).empty());
  FUZZ_CHECK(canonical.domain == address.domain);
  if (!address.unicode_domain.empty()) {
    FUZZ_CHECK(canonical.unicode_domain == address.unicode_domain);
    FUZZ_CHECK(address.written_unicode ? canonical.key() == address.other_key()
                                       : canonical.key() == address.key());
  }

  std::string_view base = core::strip_extension(address.local, delimiters);
  FUZZ_CHECK(!base.empty() && std::string_view(address.local).starts_with(base));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::string_view delimiters = "+-";
  if (text.find('\n') != std::string_view::npos) fuzz::split_at_first(text, '\n', delimiters, text);

  core::Address address;
  std::string why = core::parse_address(text, address);
  if (why.empty()) {
    check_parsed(address, delimiters);
  } else {
    FUZZ_CHECK(why.size() <= 200 + 3 * text.size());  // may quote the input and a part of it
    FUZZ_CHECK(core::is_valid_utf8(core::valid_utf8(why)));
  }
  std::string_view raw_base = core::strip_extension(text, delimiters);
  FUZZ_CHECK(text.starts_with(raw_base));
  return 0;
}
