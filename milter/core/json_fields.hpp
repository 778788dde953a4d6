// json_fields.hpp - typed, pointer-aware reading of a JSON rule file.
//
// Every value read through here that has the wrong type or an unknown name
// becomes a Diagnostic naming its JSON pointer and quoting the value, so the
// section readers in rules_json.cpp only state what they expect.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/rules_json.hpp"

namespace splitroute::core::json_fields {

using Json = nlohmann::ordered_json;

// child_pointer - "/a" + "b" -> "/a/b" (escaping '~' and '/'); "/a" + 0 -> "/a/0".
std::string child_pointer(std::string_view parent, std::string_view key);
std::string child_pointer(std::string_view parent, std::size_t index);

// quote - `value` as it would appear in the file; long arrays and objects shortened.
std::string quote(const Json& value);
std::string quote_text(std::string_view text);

// invalid_value - "\"x y\" is not a valid domain: <why>".
std::string invalid_value(const Json& value, std::string_view what, std::string_view why);

// Diagnostics - the list load_rules() returns, with shorthands to add to it.
class Diagnostics {
 public:
  explicit Diagnostics(std::vector<Diagnostic>& list) : list_(list) {}
  void error(std::string pointer, std::string message);
  void warning(std::string pointer, std::string message);
  bool has_errors() const;
  std::size_t error_count() const;
  std::vector<Diagnostic>& list() { return list_; }

 private:
  std::vector<Diagnostic>& list_;
};

enum class JsonKind { string, integer, boolean, object, array };
enum class Presence { optional, required };

// expect - is `value` of `kind`?  Reports "expected a string, got 30" if not.
bool expect(const Json& value, JsonKind kind, const std::string& pointer, Diagnostics& diagnostics);

// as_integer - an integer value (saturated to the int64 range), or nullopt
// after reporting the wrong type.
std::optional<std::int64_t> as_integer(const Json& value, const std::string& pointer,
                                       Diagnostics& diagnostics);

template <class T>
using Choices = std::initializer_list<std::pair<std::string_view, T>>;

// ObjectReader - one JSON object.  Construction checks that the value is an
// object and that every field is one of `fields` (or "comment", allowed
// everywhere); the accessors report a missing required field or a wrong type.
class ObjectReader {
 public:
  ObjectReader(const Json& value, std::string pointer, Diagnostics& diagnostics,
               std::initializer_list<std::string_view> fields);
  // Without a field list the names are not checked: for an object whose
  // allowed fields depend on one of its values ("directory" and its "type").
  ObjectReader(const Json& value, std::string pointer, Diagnostics& diagnostics);

  bool is_object() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer(std::string_view field) const { return child_pointer(pointer_, field); }
  Diagnostics& diagnostics() { return diagnostics_; }

  // field - the raw value, or null when absent (or when this is no object).
  const Json* field(std::string_view name, Presence presence = Presence::optional);
  const Json* field(std::string_view name, JsonKind kind, Presence presence = Presence::optional);
  std::optional<std::string> string(std::string_view name, Presence presence = Presence::optional);
  std::optional<bool> boolean(std::string_view name);
  // integer - an integer within lo..hi ("101 is outside 1..100" otherwise).
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t lo, std::int64_t hi,
                                      Presence presence = Presence::optional);
  // report_invalid - `name` is present but its value is wrong because `why`.
  void report_invalid(std::string_view name, std::string_view what, std::string_view why);
  // choice - a string that must be one of the names in `choices`.
  template <class T>
  std::optional<T> choice(std::string_view name, Choices<T> choices,
                          Presence presence = Presence::optional);

 private:
  void report_bad_choice(std::string_view name, const std::string& value,
                         const std::vector<std::string_view>& names);

  const Json* object_ = nullptr;
  std::string pointer_;
  Diagnostics& diagnostics_;
};

template <class T>
std::optional<T> ObjectReader::choice(std::string_view name, Choices<T> choices,
                                      Presence presence) {
  std::optional<std::string> text = string(name, presence);
  if (!text) return std::nullopt;
  std::vector<std::string_view> names;
  for (const auto& [choice_name, value] : choices) {
    if (choice_name == *text) return value;
    names.push_back(choice_name);
  }
  report_bad_choice(name, *text, names);
  return std::nullopt;
}

}  // namespace splitroute::core::json_fields
