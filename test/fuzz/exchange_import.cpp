// exchange_import.cpp - libFuzzer target: the readers of untrusted Exchange
// input in `splitroute import-exchange` (milter/exchange): the PowerShell
// subset parser and the RFC 4180 CSV reader, then what is built on them
// (script objects, CSV records, the send-connector and accepted-domain
// mappers).
//
// Input: the first byte chooses the reader ('c' or 'C': CSV, anything else:
// script); the rest is the text.  Properties: no exception other than
// ImportError and no sanitizer report; a parse either succeeds with no
// error or fails with an error naming a line ("line N: ...") and nothing
// parsed; every command and row has a line number of at least 1.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "exchange/csv.hpp"
#include "exchange/mapper.hpp"
#include "exchange/script.hpp"
#include "lib/fuzz_input.hpp"

namespace {

using namespace splitroute;

void map_all(const std::vector<exchange::Record>& domains, const std::vector<exchange::Record>& connectors) {
  exchange::Report report;
  try {
    exchange::map_accepted_domains(domains, report);
  } catch (const exchange::ImportError&) {
  }
  try {
    exchange::map_send_connectors(connectors, report);
  } catch (const exchange::ImportError&) {
  }
}

void fuzz_script(std::string_view text) {
  exchange::ScriptParse parse = exchange::parse_script(text);
  if (!parse.ok()) {
    FUZZ_CHECK(parse.error.rfind("line ", 0) == 0);
    FUZZ_CHECK(parse.commands.empty());
    return;
  }
  for (const exchange::ScriptCommand& command : parse.commands) {
    FUZZ_CHECK(command.line >= 1 && !command.cmdlet.empty());
  }
  try {
    exchange::ScriptObjects objects = exchange::script_objects("fuzz.ps1", parse.commands);
    map_all(objects.accepted_domains, objects.send_connectors);
  } catch (const exchange::ImportError&) {
  }
}

void fuzz_csv(std::string_view text) {
  exchange::CsvResult csv = exchange::parse_csv(text);
  if (!csv.ok()) {
    FUZZ_CHECK(csv.error.rfind("line ", 0) == 0);
    FUZZ_CHECK(csv.rows.empty());
  }
  for (const exchange::CsvRow& row : csv.rows) FUZZ_CHECK(row.line >= 1 && !row.cells.empty());
  try {
    std::vector<exchange::Record> records = exchange::read_records("fuzz.csv", text);
    map_all(records, records);
  } catch (const exchange::ImportError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fuzz::as_text(data, size);
  if (input.empty()) return 0;
  std::string_view text = input.substr(1);
  if (input[0] == 'c' || input[0] == 'C') {
    fuzz_csv(text);
  } else {
    fuzz_script(text);
  }
  return 0;
}
