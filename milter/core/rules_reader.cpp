// rules_reader.cpp - field readers shared by the rule file's sections.
#include "core/rules_reader.hpp"

#include <algorithm>

namespace splitroute::core::rules_reader {

// require_items - an array field that is present must not be empty.
void require_items(ObjectReader& object, std::string_view name, std::string_view hint) {
  const Json* array = object.field(name);
  if (array == nullptr || !array->is_array() || !array->empty()) return;
  object.diagnostics().error(object.pointer(name),
                             fmt::format("[] must have at least one item{}", hint));
}

std::optional<std::string> read_name(ObjectReader& object, Presence presence) {
  return checked_string(object, "name", "name", name_error, presence);
}

std::optional<DomainPattern> read_pattern(ObjectReader& object, std::string_view name,
                                          Presence presence) {
  std::optional<std::string> text = object.string(name, presence);
  if (!text) return std::nullopt;
  std::string why;
  std::optional<DomainPattern> pattern = parse_pattern(*text, why);
  if (!pattern) object.report_invalid(name, "domain", why);
  return pattern;
}

// resolve_path - `path` relative to `base_dir` (plain string joining).
std::string resolve_path(std::string_view base_dir, std::string_view path) {
  if (path.starts_with('/') || base_dir.empty()) return std::string(path);
  std::string resolved(base_dir);
  if (!resolved.ends_with('/')) resolved += '/';
  return resolved.append(path);
}

// is_postfix_path - a file name Postfix can take in a table list.
bool is_postfix_path(std::string_view path) {
  return !path.empty() && std::none_of(path.begin(), path.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == ',';
  });
}


}  // namespace splitroute::core::rules_reader
