// idna.cpp - IDN conversion with libidn2, local-part folding with libunistring.
#include "core/idna.hpp"

#include <idn2.h>
#include <unicase.h>
#include <uninorm.h>

#include <cstdlib>
#include <memory>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/domain.hpp"
#include "core/utf8.hpp"

namespace splitroute::core {
namespace {

constexpr std::string_view kAcePrefix = "xn--";

// Owns a string malloc()ed by libidn2 or libunistring.
struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;
using CBytes = std::unique_ptr<std::uint8_t, FreeDeleter>;

const std::uint8_t* bytes(const std::string& text) {
  return reinterpret_cast<const std::uint8_t*>(text.c_str());
}

// idna_error - libidn2's conversion of the (NUL-free) UTF-8 `name`.
std::optional<std::string> idna_lookup(const std::string& name, std::string& out) {
  std::uint8_t* raw = nullptr;
  int rc = idn2_lookup_u8(bytes(name), &raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  CString result(reinterpret_cast<char*>(raw));
  if (rc != IDN2_OK) {
    return fmt::format("not a valid internationalised domain name: {}", idn2_strerror(rc));
  }
  out.assign(result.get());
  ascii::lowercase_in_place(out);
  return std::nullopt;
}

}  // namespace

bool has_ace_label(std::string_view domain) {
  // Hot path: most domains have no "xn--" anywhere (any case).
  if (domain.find("--") == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start < domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    if (ascii::starts_with_ignoring_case(domain.substr(start, end - start), kAcePrefix)) return true;
    start = end + 1;
  }
  return false;
}

std::optional<std::string> canonical_domain(std::string_view text, std::string& out) {
  normalize_domain(text, out);
  if (is_ascii(out) && !has_ace_label(out)) return domain_syntax_error(out);
  if (!is_valid_utf8(out)) return "not valid UTF-8";
  if (out.size() > 4 * kMaxDomainLength) {
    return fmt::format("longer than {} characters ({})", kMaxDomainLength, out.size());
  }
  if (out.find('\0') != std::string::npos) return "NUL character in the domain";
  std::string name = std::move(out);
  if (auto why = idna_lookup(name, out)) return why;
  if (auto why = domain_syntax_error(out)) return fmt::format("{} (as A-labels: {})", *why, out);
  return std::nullopt;
}

std::string unicode_domain(std::string_view domain) {
  if (!has_ace_label(domain)) return std::string(domain);
  std::string input(domain);
  char* raw = nullptr;
  int rc = idn2_to_unicode_8z8z(input.c_str(), &raw, 0);
  CString result(raw);
  if (rc != IDN2_OK || result == nullptr) return input;
  return std::string(result.get());
}

std::string display_domain(std::string_view domain) {
  std::string unicode = unicode_domain(domain);
  if (unicode == domain) return unicode;
  return fmt::format("{} ({})", unicode, domain);
}

void fold_local_part(std::string_view local, std::string& out) {
  if (is_ascii(local)) {
    out.assign(local);
    ascii::lowercase_in_place(out);
    return;
  }
  std::size_t length = 0;
  CBytes folded(u8_casefold(reinterpret_cast<const std::uint8_t*>(local.data()), local.size(),
                            nullptr, UNINORM_NFC, nullptr, &length));
  if (folded == nullptr) {  // out of memory or invalid input: compare as given
    out.assign(local);
    ascii::lowercase_in_place(out);
    return;
  }
  out.assign(reinterpret_cast<const char*>(folded.get()), length);
}

}  // namespace splitroute::core
