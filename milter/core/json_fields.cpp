// json_fields.cpp - typed field access and diagnostics for the rule-file reader.
#include "core/json_fields.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace splitroute::core::json_fields {
namespace {

constexpr std::string_view kCommentField = "comment";
constexpr std::size_t kMaxQuotedContainer = 60;

const char* kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::string:
      return "a string";
    case JsonKind::integer:
      return "an integer";
    case JsonKind::boolean:
      return "true or false";
    case JsonKind::object:
      return "an object";
    case JsonKind::array:
      return "an array";
  }
  return "?";
}

bool has_kind(const Json& value, JsonKind kind) {
  switch (kind) {
    case JsonKind::string:
      return value.is_string();
    case JsonKind::integer:
      return value.is_number_integer();
    case JsonKind::boolean:
      return value.is_boolean();
    case JsonKind::object:
      return value.is_object();
    case JsonKind::array:
      return value.is_array();
  }
  return false;
}

std::string escape_pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::int64_t saturated_integer(const Json& value) {
  if (value.is_number_unsigned()) {
    auto unsigned_value = value.get<std::uint64_t>();
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return static_cast<std::int64_t>(std::min(unsigned_value, kMax));
  }
  return value.get<std::int64_t>();
}

}  // namespace

std::string child_pointer(std::string_view parent, std::string_view key) {
  return fmt::format("{}/{}", parent, escape_pointer_token(key));
}

std::string child_pointer(std::string_view parent, std::size_t index) {
  return fmt::format("{}/{}", parent, index);
}

std::string quote(const Json& value) {
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (value.is_structured() && text.size() > kMaxQuotedContainer) {
    text = value.dump(-1, ' ', true, Json::error_handler_t::replace);
    text.resize(kMaxQuotedContainer - 3);
    text += "...";
  }
  return text;
}

std::string quote_text(std::string_view text) { return quote(Json(std::string(text))); }

std::string invalid_value(const Json& value, std::string_view what, std::string_view why) {
  return fmt::format("{} is not a valid {}: {}", quote(value), what, why);
}

void Diagnostics::error(std::string pointer, std::string message) {
  list_.push_back({Severity::error, std::move(pointer), std::move(message)});
}

void Diagnostics::warning(std::string pointer, std::string message) {
  list_.push_back({Severity::warning, std::move(pointer), std::move(message)});
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(list_.begin(), list_.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

bool expect(const Json& value, JsonKind kind, const std::string& pointer,
            Diagnostics& diagnostics) {
  if (has_kind(value, kind)) return true;
  diagnostics.error(pointer, fmt::format("expected {}, got {}", kind_name(kind), quote(value)));
  return false;
}

std::optional<std::int64_t> as_integer(const Json& value, const std::string& pointer,
                                       Diagnostics& diagnostics) {
  if (!expect(value, JsonKind::integer, pointer, diagnostics)) return std::nullopt;
  return saturated_integer(value);
}

ObjectReader::ObjectReader(const Json& value, std::string pointer, Diagnostics& diagnostics,
                           std::initializer_list<std::string_view> fields)
    : pointer_(std::move(pointer)), diagnostics_(diagnostics) {
  if (!expect(value, JsonKind::object, pointer_, diagnostics_)) return;
  object_ = &value;
  for (const auto& [key, item] : value.items()) {
    if (key == kCommentField) {
      expect(item, JsonKind::string, this->pointer(key), diagnostics_);
    } else if (std::find(fields.begin(), fields.end(), key) == fields.end()) {
      diagnostics_.error(this->pointer(key), "unknown field");
    }
  }
}

ObjectReader::ObjectReader(const Json& value, std::string pointer, Diagnostics& diagnostics)
    : pointer_(std::move(pointer)), diagnostics_(diagnostics) {
  if (expect(value, JsonKind::object, pointer_, diagnostics_)) object_ = &value;
}

void ObjectReader::report_invalid(std::string_view name, std::string_view what,
                                  std::string_view why) {
  if (const Json* value = field(name)) {
    diagnostics_.error(pointer(name), invalid_value(*value, what, why));
  }
}

const Json* ObjectReader::field(std::string_view name, Presence presence) {
  if (object_ == nullptr) return nullptr;
  auto found = object_->find(name);
  if (found != object_->end()) return &*found;
  if (presence == Presence::required) {
    diagnostics_.error(pointer(name), "required field is missing");
  }
  return nullptr;
}

const Json* ObjectReader::field(std::string_view name, JsonKind kind, Presence presence) {
  const Json* value = field(name, presence);
  if (value == nullptr || !expect(*value, kind, pointer(name), diagnostics_)) return nullptr;
  return value;
}

std::optional<std::string> ObjectReader::string(std::string_view name, Presence presence) {
  const Json* value = field(name, JsonKind::string, presence);
  if (value == nullptr) return std::nullopt;
  return value->get<std::string>();
}

std::optional<bool> ObjectReader::boolean(std::string_view name) {
  const Json* value = field(name, JsonKind::boolean);
  if (value == nullptr) return std::nullopt;
  return value->get<bool>();
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view name, std::int64_t lo,
                                                  std::int64_t hi, Presence presence) {
  const Json* value = field(name, presence);
  if (value == nullptr) return std::nullopt;
  std::optional<std::int64_t> number = as_integer(*value, pointer(name), diagnostics_);
  if (!number) return std::nullopt;
  if (*number < lo || *number > hi) {
    diagnostics_.error(pointer(name), fmt::format("{} is outside {}..{}", quote(*value), lo, hi));
    return std::nullopt;
  }
  return number;
}

void ObjectReader::report_bad_choice(std::string_view name, const std::string& value,
                                     const std::vector<std::string_view>& names) {
  std::vector<std::string> quoted;
  for (std::string_view choice_name : names) quoted.push_back(quote_text(choice_name));
  diagnostics_.error(pointer(name), fmt::format("{} is not one of {}", quote_text(value),
                                                fmt::join(quoted, ", ")));
}

}  // namespace splitroute::core::json_fields
