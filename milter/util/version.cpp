// version.cpp - the one definition of version(); only this file is rebuilt
// when the version changes.
#include "util/version.hpp"

#ifndef SPLITROUTE_VERSION
#error "SPLITROUTE_VERSION must be defined (the Makefile passes contrib/version's output)"
#endif

namespace splitroute::util {

std::string_view version() noexcept { return SPLITROUTE_VERSION; }

}  // namespace splitroute::util
