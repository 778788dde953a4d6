// ldap_filter.cpp - libFuzzer target: RFC 4515 escaping and filter templates.
//
// Input: "TEMPLATE\nVALUE" (without a newline the whole input is the value).
// Properties of escape_filter_value(VALUE): it unescapes back to VALUE, and
// scanned left to right it holds none of '*' '(' ')' NUL unescaped and every
// '\' starts a "\xx" escape (so the value can never end or widen an
// assertion).  When TEMPLATE is a valid template, expand_filter(TEMPLATE,
// VALUE) has exactly the template's parenthesis structure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ldap_filter.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// check_escaped - no metacharacter outside a "\xx" escape.
void check_escaped(std::string_view escaped) {
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    const char c = escaped[i];
    FUZZ_CHECK(c != '*' && c != '(' && c != ')' && c != '\0');
    if (c == '\\') {
      FUZZ_CHECK(i + 2 < escaped.size() && is_hex(escaped[i + 1]) && is_hex(escaped[i + 2]));
      i += 2;
    }
  }
}

// structure - the unescaped parentheses of a filter, in order.
std::string structure(std::string_view filter) {
  std::string out;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    if (filter[i] == '\\') {
      i += 2;
    } else if (filter[i] == '(' || filter[i] == ')') {
      out += filter[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  std::string_view filter;
  std::string_view value = text;
  if (text.find('\n') != std::string_view::npos) fuzz::split_at_first(text, '\n', filter, value);

  const std::string escaped = core::escape_filter_value(value);
  check_escaped(escaped);
  auto back = core::unescape_filter_value(escaped);
  FUZZ_CHECK(back && *back == value);

  if (!filter.empty() && !core::filter_template_error(filter)) {
    const std::string expanded = core::expand_filter(filter, value);
    FUZZ_CHECK(structure(expanded) == structure(filter));
  }
  return 0;
}
