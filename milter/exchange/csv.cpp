// csv.cpp - RFC 4180 reader for Export-Csv files.
#include "exchange/csv.hpp"

namespace splitroute::exchange {
namespace {

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  CsvResult run() {
    CsvResult result;
    while (pos_ < text_.size() && result.ok()) {
      CsvRow row;
      row.line = line_;
      result.error = read_row(row.cells);
      bool blank = row.cells.size() == 1 && row.cells[0].empty();
      if (result.ok() && !blank) result.rows.push_back(std::move(row));
    }
    if (!result.ok()) result.rows.clear();
    return result;
  }

 private:
  // read_row - the fields up to the end of the record; "" or the error.
  std::string read_row(std::vector<std::string>& cells) {
    for (;;) {
      std::string cell;
      std::string why = at('"') ? read_quoted(cell) : read_plain(cell);
      if (!why.empty()) return why;
      cells.push_back(std::move(cell));
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (at('\r')) ++pos_;
      if (pos_ < text_.size() && !at('\n')) return where() + "expected ',' or the end of the line";
      if (at('\n')) ++pos_, ++line_;
      return {};
    }
  }

  std::string read_plain(std::string& cell) {
    while (pos_ < text_.size() && !at(',') && !at('\n') && !(at('\r'))) {
      if (at('"')) return where() + "a '\"' inside an unquoted field (quote the whole field)";
      cell += text_[pos_++];
    }
    return {};
  }

  std::string read_quoted(std::string& cell) {
    std::size_t start_line = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size()) {
        return "line " + std::to_string(start_line) + ": a quoted field is not closed";
      }
      char c = text_[pos_++];
      if (c == '"') {
        if (!at('"')) return {};
        ++pos_;
      } else if (c == '\n') {
        ++line_;
      }
      cell += c;
    }
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  std::string where() const { return "line " + std::to_string(line_) + ": "; }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

CsvResult parse_csv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // Export-Csv's UTF-8 BOM
  return CsvReader(text).run();
}

}  // namespace splitroute::exchange
