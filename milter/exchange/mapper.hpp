// mapper.hpp - Exchange accepted domains and send connectors as rule-file
// entries (splitroute.json(5)), with a report of what could not be said.
//
// Each entry carries a "comment" naming its Exchange origin.  What the rule
// file cannot express (X400 address spaces, certificate validation,
// Exchange server authentication, ...) is left out and reported with the
// reason; what has no meaning for splitroute (scoped connectors, source
// servers) goes into the comment.  Entries are built as JSON so that the
// core's own loader validates them exactly as `splitroute check` does.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/records.hpp"

namespace splitroute::exchange {

// Report - one line per event, "FILE: object 2 (Name 'X'): text".
struct Report {
  std::vector<std::string> lines;
  std::size_t warnings = 0;
  void note(const Record& record, std::string_view text);
  void warning(const Record& record, std::string_view text);
  // not_expressible - "not expressible: PROPERTY 'value': why".
  void not_expressible(const Record& record, std::string_view property, std::string_view why);
};

// report_leftovers - every property of `record` that is set and is neither
// in `handled` nor export metadata (Identity, Guid, WhenCreated, ...):
// reported as having no equivalent in the rule file.
void report_leftovers(const Record& record, const std::set<std::string>& handled, Report& report);

// valid_name - `name`, made a valid rule-file name (1..64 characters, no
// control characters) with a warning when it was not.
std::string valid_name(const Record& record, std::string name, Report& report);

// map_accepted_domains - the "accepted_domains" array.
Json map_accepted_domains(const std::vector<Record>& records, Report& report);

// map_send_connectors - the "send_connectors" array.
Json map_send_connectors(const std::vector<Record>& records, Report& report);

}  // namespace splitroute::exchange
