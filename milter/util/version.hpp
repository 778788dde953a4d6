// version.hpp - splitroute's version, decided at build time by
// contrib/version (the Makefile passes it in as SPLITROUTE_VERSION).
#pragma once

#include <string_view>

namespace splitroute::util {

// version - e.g. "0.9.0" or "0.9.0+git142.caa8bdc".
std::string_view version() noexcept;

}  // namespace splitroute::util
