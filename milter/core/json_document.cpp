// json_document.cpp - a rule file's text to a JSON document, with line and
// column for syntax errors and a diagnostic for each key repeated in one
// object (the DOM parser would silently keep the last value).
#include "core/json_document.hpp"

#include <algorithm>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "core/ascii.hpp"

namespace splitroute::core::json_fields {
namespace {

// DuplicateKeyFinder - SAX handler that follows the JSON pointer of the
// value being read and reports a key seen twice in one object (the DOM
// parser would silently keep the last value).  A separate pass, because
// the DOM parser's callback mode is quadratic in the length of an array.
class DuplicateKeyFinder : public nlohmann::json_sax<Json> {
 public:
  explicit DuplicateKeyFinder(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override { return enter(false); }
  bool start_array(std::size_t) override { return enter(true); }
  bool end_object() override { return leave(); }
  bool end_array() override { return leave(); }
  bool key(string_t& key) override;
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;  // reported by the DOM parser
  }

 private:
  struct Container {
    bool is_array = false;
    std::string pointer;
    std::size_t next_index = 0;            // arrays
    std::string key;                       // objects: the key being read
    std::unordered_set<std::string> keys;  // objects: keys seen so far
  };

  // next_pointer - the pointer of the value that starts now.
  std::string next_pointer() {
    if (stack_.empty()) return {};
    Container& top = stack_.back();
    return top.is_array ? child_pointer(top.pointer, top.next_index++)
                        : child_pointer(top.pointer, top.key);
  }

  // scalar - in an array, the next value has the next index.
  bool scalar() {
    if (!stack_.empty() && stack_.back().is_array) ++stack_.back().next_index;
    return true;
  }

  bool enter(bool is_array) {
    Container container;
    container.is_array = is_array;
    container.pointer = next_pointer();
    stack_.push_back(std::move(container));
    return true;
  }

  bool leave() {
    stack_.pop_back();
    return true;
  }

  Diagnostics& diagnostics_;
  std::vector<Container> stack_;
};

bool DuplicateKeyFinder::key(string_t& key) {
  Container& top = stack_.back();
  if (!top.keys.insert(key).second) {
    diagnostics_.error(child_pointer(top.pointer, key),
                       fmt::format("duplicate key {} in one object", quote_text(key)));
  }
  top.key = key;
  return true;
}

// syntax_error - "line 3, column 14: <parser message>"; `byte` counts the
// octets read, the last one being where the parser gave up.
std::string syntax_error(std::string_view text, const Json::parse_error& error) {
  std::size_t offset = std::min<std::size_t>(error.byte == 0 ? 0 : error.byte - 1, text.size());
  std::string_view before = text.substr(0, offset);
  std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  std::size_t line_start = before.rfind('\n');
  std::size_t column = offset - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  std::string_view message = error.what();
  if (std::size_t colon = message.find(": "); colon != std::string_view::npos) {
    message.remove_prefix(colon + 2);  // drop "[json.exception...] parse error at ...: "
  }
  // The parser quotes what it read, which may be invalid UTF-8: keep ASCII only.
  std::string printable(message);
  std::replace_if(printable.begin(), printable.end(), ascii::is_non_ascii, '?');
  return fmt::format("line {}, column {}: {}", line, column, printable);
}

// exception_message - the library's message without its "[json.exception.x]" tag.
std::string_view exception_message(const Json::exception& error) {
  std::string_view message = error.what();
  if (std::size_t tag_end = message.find("] "); tag_end != std::string_view::npos) {
    message.remove_prefix(tag_end + 2);
  }
  return message;
}

}  // namespace

std::optional<Json> parse_document(std::string_view text, Diagnostics& diagnostics) {
  try {
    Json document = Json::parse(text.begin(), text.end());
    DuplicateKeyFinder finder(diagnostics);
    Json::sax_parse(text.begin(), text.end(), &finder);
    return document;
  } catch (const Json::parse_error& error) {
    diagnostics.error("", syntax_error(text, error));
  } catch (const Json::exception& error) {
    diagnostics.error("", std::string(exception_message(error)));
  }
  return std::nullopt;
}

}  // namespace splitroute::core::json_fields
