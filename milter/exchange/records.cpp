// records.cpp - read Exchange exports (ConvertTo-Json, Export-Csv) into
// Records and read their property values in every exported form.
#include "exchange/records.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "exchange/csv.hpp"
#include "util/file.hpp"

namespace splitroute::exchange {
namespace {

constexpr std::string_view kLostValues = "Microsoft.Exchange.Data.MultiValuedProperty";
constexpr std::string_view kLostArray = "System.Object[]";

bool iequals(std::string_view a, std::string_view b) {
  return core::ascii::lowercase(a) == core::ascii::lowercase(b);
}

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_number()) return value.dump();
  return {};
}

std::vector<Record> json_records(const std::string& file, std::string_view text) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw ImportError(fmt::format("{}: not JSON (the output of ConvertTo-Json): {}", file, e.what()));
  }
  if (document.is_object()) document = Json::array({std::move(document)});  // one result
  std::vector<Record> records;
  for (std::size_t i = 0; i < document.size(); ++i) {
    std::string where = fmt::format("object {}", i + 1);
    if (!document[i].is_object()) {
      throw ImportError(fmt::format("{}: {}: expected an object, got {}", file, where, document[i].dump()));
    }
    records.push_back({file, std::move(where), std::move(document[i])});
  }
  return records;
}

std::vector<Record> csv_records(const std::string& file, std::string_view text) {
  CsvResult csv = parse_csv(text);
  if (!csv.ok()) throw ImportError(fmt::format("{}: not CSV (the output of Export-Csv): {}", file, csv.error));
  std::size_t header = 0;
  // Export-Csv without -NoTypeInformation starts with "#TYPE ...".
  if (!csv.rows.empty() && csv.rows[0].cells[0].rfind("#TYPE", 0) == 0) header = 1;
  if (csv.rows.size() <= header) return {};
  const std::vector<std::string>& names = csv.rows[header].cells;
  std::vector<Record> records;
  for (std::size_t r = header + 1; r < csv.rows.size(); ++r) {
    Record record{file, fmt::format("line {}", csv.rows[r].line), Json::object()};
    const std::vector<std::string>& cells = csv.rows[r].cells;
    if (cells.size() != names.size()) {
      record.fail("", fmt::format("{} fields where the header has {}", cells.size(), names.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) record.properties[names[c]] = cells[c];
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

std::string Record::describe() const {
  std::string name = text("Name");
  if (name.empty()) name = text("PrimarySmtpAddress");
  return name.empty() ? fmt::format("{}: {}", file, where) : fmt::format("{}: {} (Name '{}')", file, where, name);
}

void Record::fail(std::string_view property, std::string_view why) const {
  if (property.empty()) throw ImportError(fmt::format("{}: {}", describe(), why));
  throw ImportError(fmt::format("{}: {}: {}", describe(), property, why));
}

const Json* Record::find(std::string_view name) const {
  for (const auto& [key, value] : properties.items()) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

bool Record::has(std::string_view name) const {
  const Json* value = find(name);
  if (value == nullptr || value->is_null()) return false;
  if (value->is_string()) return !trim(value->get<std::string>()).empty();
  if (value->is_array()) return !value->empty();
  return true;
}

std::string Record::text(std::string_view name) const {
  const Json* value = find(name);
  if (value == nullptr) return {};
  if (value->is_object()) return trim(item_text(*value));
  return trim(scalar_text(*value));
}

std::optional<bool> Record::boolean(std::string_view name) const {
  const Json* value = find(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_boolean()) return value->get<bool>();
  std::string word = core::ascii::lowercase(text(name));
  if (word.empty()) return std::nullopt;
  if (word == "true" || word == "$true" || word == "1") return true;
  if (word == "false" || word == "$false" || word == "0") return false;
  fail(name, fmt::format("expected True or False, got '{}'", text(name)));
}

std::optional<std::int64_t> Record::integer(std::string_view name) const {
  const Json* value = find(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_number_integer()) return value->get<std::int64_t>();
  std::string word = text(name);
  if (word.empty()) return std::nullopt;
  if (auto number = parse_integer(word)) return number;
  fail(name, fmt::format("expected a whole number, got '{}'", word));
}

std::vector<std::string> Record::list(std::string_view name, std::string_view separators) const {
  const Json* value = find(name);
  std::vector<std::string> items;
  if (value == nullptr || value->is_null()) return items;
  if (value->is_array()) {
    for (const Json& item : *value) {
      std::string one = trim(item.is_object() ? item_text(item) : scalar_text(item));
      if (one.find(kLostValues) == 0) fail(name, "an item reads '" + one + "'");
      if (!one.empty()) items.push_back(std::move(one));
    }
    return items;
  }
  std::string joined = text(name);
  if (joined.find(kLostValues) != std::string::npos || joined == kLostArray) {
    fail(name, fmt::format(
                   "the export lost the values (the cell reads '{}'): Export-Csv writes the type "
                   "of a multi-valued property, not its values; join them first, e.g. "
                   "Select-Object Name,@{{n='{}';e={{$_.{} -join ','}}}} | Export-Csv "
                   "-NoTypeInformation, or export with ConvertTo-Json",
                   joined, name, name));
  }
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find_first_of(separators, start);
    if (end == std::string::npos) end = joined.size();
    std::string one = trim(std::string_view(joined).substr(start, end - start));
    if (!one.empty()) items.push_back(std::move(one));
    start = end + 1;
  }
  return items;
}

std::string Record::enumeration(std::string_view name,
                                const std::vector<std::pair<std::int64_t, std::string>>& names) const {
  std::string word = text(name);
  std::optional<std::int64_t> number = parse_integer(word);
  for (const auto& [value, label] : names) {
    if (number ? *number == value : iequals(word, label)) return label;
  }
  std::string known;
  for (const auto& [value, label] : names) known += fmt::format("{}{} ({})", known.empty() ? "" : ", ", label, value);
  fail(name, fmt::format("unknown value '{}' (known: {})", word, known));
}

std::vector<std::string> Record::flags(std::string_view name,
                                       const std::vector<std::pair<std::int64_t, std::string>>& names) const {
  std::vector<std::string> set;
  std::string word = text(name);
  if (std::optional<std::int64_t> number = parse_integer(word)) {
    if (*number == 0) return {enumeration(name, names)};
    std::int64_t rest = *number;
    for (const auto& [value, label] : names) {
      if (value != 0 && (*number & value) == value) set.push_back(label), rest &= ~value;
    }
    if (rest != 0) fail(name, fmt::format("unknown flags in value {}", *number));
    return set;
  }
  Record one = *this;
  for (const std::string& part : list(name, ",")) {
    one.properties = Json::object({{std::string(name), part}});
    set.push_back(one.enumeration(name, names));
  }
  return set;
}

std::string item_text(const Json& item) {
  if (!item.is_object()) return scalar_text(item);
  auto field = [&](std::string_view key) -> const Json* {
    for (const auto& [k, v] : item.items()) {
      if (iequals(k, key) && !v.is_null()) return &v;
    }
    return nullptr;
  };
  const Json* type = field("Type");
  const Json* address = field("Address");
  if (type != nullptr && address != nullptr && address->is_string()) {  // an address space
    const Json* cost = field("Cost");
    return fmt::format("{}:{};{}", scalar_text(*type), address->get<std::string>(),
                       cost != nullptr ? scalar_text(*cost) : "1");
  }
  const Json* is_ip = field("IsIPAddress");
  if (is_ip != nullptr && is_ip->is_boolean() && is_ip->get<bool>() && address != nullptr) {
    return "[" + item_text(*address) + "]";  // a smart host given by IP address
  }
  for (std::string_view key : {"Domain", "HostnameString", "Address", "AddressString", "SmtpAddress", "Name"}) {
    if (const Json* value = field(key)) {
      std::string text = item_text(*value);
      if (!text.empty()) return text;
    }
  }
  return {};
}

std::vector<Record> read_records(const std::string& file, std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && (text[first] == '[' || text[first] == '{')) {
    return json_records(file, text);
  }
  return csv_records(file, text);
}

std::string read_input_file(const std::string& file) {
  std::string text;
  if (std::string why = util::read_file(file, kMaxInputBytes, text); !why.empty()) throw ImportError(why);
  return text;
}

}  // namespace splitroute::exchange
