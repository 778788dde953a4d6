// utf8.hpp - UTF-8 well-formedness, shared by address parsing and every
// output path that repeats text a client sent.
//
// A client may send any octets; what splitroute writes back (SMTP replies,
// logs, JSON, the explanation trail) must still be valid UTF-8, so invalid
// sequences are replaced with U+FFFD there.  Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace splitroute::core {

// utf8_sequence_length - octets in the well-formed UTF-8 sequence starting
// at text[0], or 0 when it is not well formed (overlong, surrogate,
// > U+10FFFF, truncated).  `text` must not be empty.
std::size_t utf8_sequence_length(std::string_view text);

// is_valid_utf8 - every octet belongs to a well-formed sequence.
bool is_valid_utf8(std::string_view text);

// is_ascii - no octet >= 0x80.
bool is_ascii(std::string_view text);

// valid_utf8 - `text` with each ill-formed octet replaced by U+FFFD; the
// text itself (no copy beyond the result) when it is already valid.
std::string valid_utf8(std::string_view text);

}  // namespace splitroute::core
