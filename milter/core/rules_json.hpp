// rules_json.hpp - parse and validate a rule file (format version 1).
//
// load_rules() takes the file's text, never its path on disk: reading files
// is the caller's business.  Every problem is a Diagnostic naming the JSON
// pointer and the offending value, e.g.
//   error: /send_connectors/1/address_spaces/0/cost: 101 is outside 1..100
// Malformed JSON gives the line and column.  Unknown fields are errors, so a
// typo never silently changes routing.  Warnings never stop loading.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/rules.hpp"

namespace splitroute::core {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string pointer;  // JSON pointer ("" for the document, "/accepted_domains/0/domain")
  std::string message;  // what is wrong, quoting the value
  // text - "error: /pointer: message" (or "warning: ...").
  std::string text() const;
};

struct LoadResult {
  std::optional<Ruleset> rules;  // set when there is no error
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return rules.has_value(); }
};

// load_rules - parse `text`; a relative directory path is resolved against
// `base_dir` (the rule file's folder; may be empty).
LoadResult load_rules(std::string_view text, std::string_view base_dir);

// load_rules_freeing_text - the same, releasing `text` once it is parsed:
// with a large rule file, the text, its DOM and the rules being built are
// the daemon's peak memory.
LoadResult load_rules_freeing_text(std::string&& text, std::string_view base_dir);

// parse_size - "20MB", "512 KB", "1GB", "1048576" (units are powers of 1024,
// as Exchange's MaxMessageSize).  nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace splitroute::core
