// json_document.hpp - parse a rule file's text into a JSON document.
//
// Malformed JSON becomes one diagnostic with its line and column; a key
// repeated within one object becomes an error at its JSON pointer.
#pragma once

#include <optional>
#include <string_view>

#include "core/json_fields.hpp"

namespace splitroute::core::json_fields {

// parse_document - the document, or nullopt after reporting why not.
std::optional<Json> parse_document(std::string_view text, Diagnostics& diagnostics);

}  // namespace splitroute::core::json_fields
