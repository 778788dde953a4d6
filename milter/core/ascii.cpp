// ascii.cpp - describe_char(), the one way the core quotes a single octet.
#include "core/ascii.hpp"

#include <fmt/format.h>

namespace splitroute::core::ascii {

std::string describe_char(char c) {
  if (is_control(c) || is_non_ascii(c)) {
    return fmt::format("0x{:02X}", static_cast<unsigned char>(c));
  }
  return fmt::format("'{}'", c);
}

}  // namespace splitroute::core::ascii
