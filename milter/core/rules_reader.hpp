// rules_reader.hpp - the pieces the section readers of a rule file share
// (rules_json.cpp reads the top level and the accepted domains,
// rules_json_connectors.cpp the send connectors).  Internal to the core.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "core/json_fields.hpp"
#include "core/rules.hpp"
#include "core/rules_check.hpp"
#include "core/rules_values.hpp"

namespace splitroute::core::rules_reader {

using json_fields::child_pointer;
using json_fields::Diagnostics;
using json_fields::Json;
using json_fields::JsonKind;
using json_fields::ObjectReader;
using json_fields::Presence;
using json_fields::quote;

// FirstSeen - where each key (a normalised domain, a lowercase name) was
// first seen, to report the entries that repeat it.
class FirstSeen {
 public:
  // check - records `key` at `object`'s `field`; reports a duplicate.
  void check(std::string key, ObjectReader& object, std::string_view field,
             std::string_view note = "") {
    auto [first, inserted] = pointers_.try_emplace(std::move(key), object.pointer(field));
    if (inserted) return;
    object.diagnostics().error(
        object.pointer(field),
        fmt::format("{} duplicates {}{}", quote(*object.field(field)), first->second, note));
  }

 private:
  std::unordered_map<std::string, std::string> pointers_;
};

// for_each_item - read(item, pointer) for each item of the array field `name`.
template <class Read>
void for_each_item(ObjectReader& object, std::string_view name, Presence presence, Read&& read) {
  const Json* array = object.field(name, JsonKind::array, presence);
  if (array == nullptr) return;
  std::string pointer = object.pointer(name);
  for (std::size_t i = 0; i < array->size(); ++i) read((*array)[i], child_pointer(pointer, i));
}

// require_items - an array field that is present must not be empty.
void require_items(ObjectReader& object, std::string_view name, std::string_view hint = {});

// checked_string - a string field whose syntax `error_of` checks.
template <class Check>
std::optional<std::string> checked_string(ObjectReader& object, std::string_view name,
                                          std::string_view what, Check&& error_of,
                                          Presence presence = Presence::optional) {
  std::optional<std::string> text = object.string(name, presence);
  if (!text) return std::nullopt;
  if (std::optional<std::string> why = error_of(*text)) {
    object.report_invalid(name, what, *why);
    return std::nullopt;
  }
  return text;
}

// read_name - the optional or required "name" field (name_error's syntax).
std::optional<std::string> read_name(ObjectReader& object, Presence presence);

// read_pattern - a domain pattern field ("example.com", "*.example.com", "*").
std::optional<DomainPattern> read_pattern(ObjectReader& object, std::string_view name,
                                          Presence presence);

// resolve_path - `path` relative to `base_dir` (plain string joining).
std::string resolve_path(std::string_view base_dir, std::string_view path);

// is_postfix_path - a file name Postfix can take in a table list.
bool is_postfix_path(std::string_view path);

// read_directory - the "directory" field of `object` (a file or an LDAP
// table), if present, into `directory` (rules_json.cpp).
void read_directory(ObjectReader& object, std::string_view base_dir, DirectoryConfig& directory);

// read_send_connectors - the "send_connectors" array, each connector with
// whatever parts are valid (rules_json_connectors.cpp).
void read_send_connectors(ObjectReader& top, std::string_view base_dir, Ruleset& rules,
                          RuleOrigins& origins);

}  // namespace splitroute::core::rules_reader
