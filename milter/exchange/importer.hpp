// importer.hpp - `splitroute import-exchange`: Exchange exports and scripts
// in, a rule file and a recipients file out, validated by the core's own
// loader (core::load_rules, runtime::open_directory: what `splitroute
// check` runs), never by a copy of its checks.
#pragma once

#include <string>
#include <vector>

#include "core/rules_json.hpp"
#include "exchange/mapper.hpp"

namespace splitroute::exchange {

struct ImportInputs {
  std::string accepted_domains;  // Get-AcceptedDomain export (JSON or CSV); "" = none
  std::string send_connectors;   // Get-SendConnector export
  std::string recipients;        // Get-Recipient export
  std::string script;            // New-/Set-AcceptedDomain, New-/Set-SendConnector commands
  std::string organization;      // the rule file's "organization"; "" = left out
  std::string rules_out;         // the rule file's path; "" = standard output
  std::string recipients_out;    // the recipients file's path; "" = see import_exchange()
};

struct ImportResult {
  std::string rules_text;          // the rule file
  std::string recipients_text;     // the recipients file ("" = none to write)
  std::string recipients_path;     // where to write it
  Report report;
  std::vector<core::Diagnostic> diagnostics;  // the core's, as `check` prints them
  bool valid = false;              // no error diagnostic
};

// build_rules - read every input and build the texts (no validation, no
// writing).  When a domain needs a directory and no recipients file is
// named, it is the rule file's name with "-recipients.txt", or
// "recipients.txt" with the rules on standard output.  ImportError for an
// input that cannot be read.
ImportResult build_rules(const ImportInputs& inputs);

// validate - the core's validation of result.rules_text, read from the
// folder of `inputs.rules_out` (or the current folder), plus the opening of
// its recipients file when `recipients_written`.
void validate(const ImportInputs& inputs, bool recipients_written, ImportResult& result);

}  // namespace splitroute::exchange
