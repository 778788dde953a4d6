// csv.hpp - RFC 4180 comma-separated values, as Export-Csv writes them.
//
// Fields are separated by ',' and records by CRLF or LF; a field in double
// quotes may hold ',', line breaks and "" (one quote).  A quote inside an
// unquoted field, or text after a closing quote, is an error.  Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace splitroute::exchange {

struct CsvRow {
  std::size_t line = 0;  // where the row starts, 1-based
  std::vector<std::string> cells;
};

struct CsvResult {
  std::vector<CsvRow> rows;  // empty lines are skipped
  std::string error;         // "line 3: ..." when the text is malformed
  bool ok() const { return error.empty(); }
};

CsvResult parse_csv(std::string_view text);

}  // namespace splitroute::exchange
