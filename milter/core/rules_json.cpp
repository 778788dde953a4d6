// rules_json.cpp - load_rules(): a rule file's JSON text to a validated Ruleset.
//
// Reading goes section by section; each value is checked where it is read
// (json_fields.hpp reports types and unknown fields, rules_values.hpp the
// value syntax), then rules_check.cpp looks across entries.  Nothing stops
// at the first problem: the file's author sees every error at once.
#include "core/rules_json.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/json_fields.hpp"
#include "core/route_index.hpp"
#include "core/rules_check.hpp"
#include "core/rules_values.hpp"

namespace splitroute::core {
namespace {

using json_fields::child_pointer;
using json_fields::Diagnostics;
using json_fields::invalid_value;
using json_fields::Json;
using json_fields::JsonKind;
using json_fields::ObjectReader;
using json_fields::Presence;
using json_fields::quote;
using json_fields::quote_text;

constexpr std::int64_t kFormatVersion = 1;
constexpr int kDefaultCost = 1;
constexpr int kMaxCost = 100;
constexpr int kMaxHops = 500;

// ------------------------------------------------------------ the document

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

// ------------------------------------------------------------ shared fields

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
void require_items(ObjectReader& object, std::string_view name, std::string_view hint = {}) {
  const Json* array = object.field(name);
  if (array == nullptr || !array->is_array() || !array->empty()) return;
  object.diagnostics().error(object.pointer(name),
                             fmt::format("[] must have at least one item{}", hint));
}

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

// ------------------------------------------------------------ top level

void read_version(ObjectReader& top) {
  const Json* value = top.field("version", Presence::required);
  if (value == nullptr) return;
  std::optional<std::int64_t> version =
      json_fields::as_integer(*value, top.pointer("version"), top.diagnostics());
  if (version && *version != kFormatVersion) {
    top.diagnostics().error(top.pointer("version"),
                            fmt::format("{} is not a supported format version (this splitroute "
                                        "reads version {})",
                                        quote(*value), kFormatVersion));
  }
}

void read_settings(ObjectReader& top, Ruleset& rules) {
  rules.organization =
      checked_string(top, "organization", "organization", organization_error).value_or("");
  rules.mode = top.choice<Mode>("mode", {{"enforce", Mode::enforce}, {"observe", Mode::observe}})
                   .value_or(Mode::enforce);
  rules.recipient_delimiter =
      checked_string(top, "recipient_delimiter", "recipient_delimiter", recipient_delimiter_error)
          .value_or("");
  if (std::optional<std::string> text = top.string("socket_mode")) {
    std::string why;
    rules.socket_mode = parse_socket_mode(*text, why);
    if (!rules.socket_mode) top.report_invalid("socket_mode", "socket_mode", why);
  }
  rules.local_transport =
      checked_string(top, "local_transport", "local_transport", local_transport_error).value_or("");
}

void read_loop(ObjectReader& top, LoopConfig& loop) {
  const Json* value = top.field("loop");
  if (value == nullptr) return;
  ObjectReader object(*value, top.pointer("loop"), top.diagnostics(), {"max_hops", "action"});
  loop.max_hops = static_cast<int>(object.integer("max_hops", 1, kMaxHops).value_or(loop.max_hops));
  loop.action = object
                    .choice<LoopAction>("action", {{"reject", LoopAction::reject},
                                                   {"quarantine", LoopAction::quarantine}})
                    .value_or(loop.action);
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

void read_file_directory(const Json& value, const std::string& pointer, std::string_view base_dir,
                         Diagnostics& diagnostics, DirectoryConfig& directory) {
  ObjectReader object(value, pointer, diagnostics, {"type", "path"});
  std::optional<std::string> path = object.string("path", Presence::required);
  if (!path) return;
  if (path->empty()) {
    object.report_invalid("path", "path", "it must not be empty");
    return;
  }
  directory.type = "file";
  directory.file.path = resolve_path(base_dir, *path);
}

void read_directory(ObjectReader& top, std::string_view base_dir, DirectoryConfig& directory) {
  enum class Kind { file, ldap };
  const Json* value = top.field("directory");
  if (value == nullptr) return;
  std::string pointer = top.pointer("directory");
  // The type decides which fields are allowed, so it is read first.
  ObjectReader peek(*value, pointer, top.diagnostics());
  std::optional<Kind> kind =
      peek.choice<Kind>("type", {{"file", Kind::file}, {"ldap", Kind::ldap}}, Presence::required);
  if (kind == Kind::file) {
    read_file_directory(*value, pointer, base_dir, top.diagnostics(), directory);
  }
  if (kind == Kind::ldap) {
    directory.type = "ldap";
    parse_ldap_config(*value, pointer, std::string(base_dir), directory.ldap,
                      top.diagnostics().list());
  }
}

// ------------------------------------------------------------ accepted domains

std::optional<AcceptedDomain> read_accepted_domain(const Json& value, std::string pointer,
                                                   Diagnostics& diagnostics, FirstSeen& domains) {
  ObjectReader object(value, std::move(pointer), diagnostics, {"domain", "type", "name"});
  std::optional<DomainPattern> pattern = read_pattern(object, "domain", Presence::required);
  if (pattern && pattern->kind == PatternKind::any) {
    object.report_invalid("domain", "accepted domain",
                          "\"*\" is for send connector address spaces only");
    pattern.reset();
  }
  if (pattern) domains.check(pattern->text(), object, "domain");
  std::optional<DomainType> type =
      object.choice<DomainType>("type",
                                {{"authoritative", DomainType::authoritative},
                                 {"internal_relay", DomainType::internal_relay},
                                 {"external_relay", DomainType::external_relay}},
                                Presence::required);
  std::optional<std::string> name = read_name(object, Presence::optional);
  if (!pattern || !type) return std::nullopt;
  return AcceptedDomain{*pattern, *type, name.value_or(pattern->text())};
}

void read_accepted_domains(ObjectReader& top, Ruleset& rules, RuleOrigins& origins) {
  FirstSeen domains;
  for_each_item(
      top, "accepted_domains", Presence::optional, [&](const Json& item, std::string pointer) {
        if (auto accepted = read_accepted_domain(item, pointer, top.diagnostics(), domains)) {
          rules.accepted_domains.push_back(std::move(*accepted));
          origins.accepted_domains.push_back(std::move(pointer));
        }
      });
}

// ------------------------------------------------------------ send connectors

void read_address_spaces(ObjectReader& object, Connector& connector) {
  require_items(object, "address_spaces");
  FirstSeen patterns;
  for_each_item(
      object, "address_spaces", Presence::required, [&](const Json& item, std::string pointer) {
        ObjectReader space(item, std::move(pointer), object.diagnostics(), {"domain", "cost"});
        std::optional<DomainPattern> pattern = read_pattern(space, "domain", Presence::required);
        auto cost = space.integer("cost", 1, kMaxCost).value_or(kDefaultCost);
        if (!pattern) return;
        patterns.check(pattern->text(), space, "domain");
        connector.address_spaces.push_back({std::move(*pattern), static_cast<int>(cost)});
      });
}

void read_smarthosts(ObjectReader& object, Connector& connector) {
  require_items(object, "smarthosts", " (leave smarthosts out for DNS delivery)");
  for_each_item(object, "smarthosts", Presence::optional,
                [&](const Json& item, const std::string& pointer) {
                  if (!json_fields::expect(item, JsonKind::string, pointer, object.diagnostics())) {
                    return;
                  }
                  std::string why;
                  if (auto smarthost = parse_smarthost(item.get<std::string>(), why)) {
                    connector.smarthosts.push_back(std::move(*smarthost));
                  } else {
                    object.diagnostics().error(pointer, invalid_value(item, "smarthost", why));
                  }
                });
}

void read_max_message_size(ObjectReader& object, Connector& connector) {
  const Json* value = object.field("max_message_size");
  if (value == nullptr) return;
  std::optional<std::uint64_t> size;  // stays empty for a negative number
  if (value->is_string()) {
    size = parse_size(value->get<std::string>());
  } else if (value->is_number_unsigned()) {
    size = value->get<std::uint64_t>();
  } else if (!value->is_number_integer()) {
    object.diagnostics().error(
        object.pointer("max_message_size"),
        fmt::format("expected a size (\"20MB\") or a number of bytes, got {}", quote(*value)));
    return;
  }
  if (!size || *size == 0) {
    object.report_invalid("max_message_size", "size",
                          "use a number of bytes (at least 1), or a number with B, KB, MB or GB "
                          "(\"20MB\", \"512 KB\")");
    return;
  }
  connector.max_message_size = size;
}

void read_rewrite_domain(ObjectReader& object, Connector& connector, bool spaces_complete) {
  std::optional<DomainPattern> pattern = read_pattern(object, "rewrite_domain", Presence::optional);
  if (!pattern) return;
  if (pattern->kind != PatternKind::exact) {
    object.report_invalid("rewrite_domain", "rewrite_domain", "it must be one exact domain");
    return;
  }
  auto matches = [&](const AddressSpace& space) {
    return pattern_matches(space.pattern, pattern->suffix);
  };
  if (spaces_complete &&
      std::none_of(connector.address_spaces.begin(), connector.address_spaces.end(), matches)) {
    object.report_invalid("rewrite_domain", "rewrite_domain",
                          "no address space of this connector matches it");
    return;
  }
  connector.rewrite_domain = pattern->suffix;
}

void read_hook(ObjectReader& object, Connector& connector) {
  connector.hook = object.choice<Hook>("hook", {{"none", Hook::none}, {"header", Hook::header}})
                       .value_or(Hook::none);
  if (connector.hook == Hook::header && object.field("smarthosts") == nullptr) {
    object.report_invalid("hook", "hook",
                          "\"header\" needs smarthosts; it cannot be used with DNS (MX) delivery");
  }
}

void read_auth(ObjectReader& object, std::string_view base_dir, Connector& connector) {
  const Json* value = object.field("auth");
  if (value == nullptr) return;
  ObjectReader auth(*value, object.pointer("auth"), object.diagnostics(), {"password_file"});
  std::optional<std::string> path = auth.string("password_file", Presence::required);
  if (!path) return;
  std::string resolved = resolve_path(base_dir, *path);
  if (path->empty() || !is_postfix_path(resolved)) {
    auth.report_invalid("password_file", "password_file",
                        fmt::format("{} must be a path without white space, control characters or "
                                    "',' (Postfix reads it from master.cf)",
                                    path->empty() ? "it" : quote_text(resolved)));
    return;
  }
  connector.auth = ConnectorAuth{std::move(resolved)};
}

// read_delivery - the MTA service the connector's mail leaves through and
// its TLS and authentication settings, which only a service of its own can
// carry: Postfix's stock smtp service delivers all other mail too.
void read_delivery(ObjectReader& object, std::string_view base_dir, Connector& connector) {
  std::optional<std::string> transport =
      checked_string(object, "transport", "transport", transport_error);
  connector.require_tls = object.boolean("require_tls").value_or(false);
  read_auth(object, base_dir, connector);
  if (transport) connector.transport = *transport;
  if (!connector.needs_own_service()) return;
  constexpr std::string_view kWhy =
      "a connector with require_tls or auth needs a master.cf service of its own, e.g. "
      "\"partner-tls\"";
  if (object.field("transport") == nullptr) {
    object.diagnostics().error(object.pointer("transport"),
                               fmt::format("required field is missing: {}", kWhy));
  } else if (transport && is_stock_service(*transport)) {
    object.report_invalid("transport", "transport",
                          fmt::format("it is a service of Postfix's own master.cf; {}", kWhy));
  }
}

// read_connector - always returns the connector, with whatever parts are
// valid, so that cross-entry checks do not report follow-up errors.
Connector read_connector(const Json& value, std::string pointer, std::string_view base_dir,
                         Diagnostics& diagnostics, FirstSeen& names) {
  ObjectReader object(value, std::move(pointer), diagnostics,
                      {"name", "enabled", "address_spaces", "smarthosts", "max_message_size",
                       "rewrite_domain", "hook", "transport", "require_tls", "auth"});
  Connector connector;
  if (!object.is_object()) return connector;
  connector.name = read_name(object, Presence::required).value_or("");
  if (!connector.name.empty()) {
    names.check(ascii::lowercase(connector.name), object, "name", " (names are case-insensitive)");
  }
  connector.enabled = object.boolean("enabled").value_or(true);
  std::size_t errors_before = diagnostics.error_count();
  read_address_spaces(object, connector);
  bool spaces_complete = diagnostics.error_count() == errors_before;
  read_smarthosts(object, connector);
  read_max_message_size(object, connector);
  read_rewrite_domain(object, connector, spaces_complete);
  read_hook(object, connector);
  read_delivery(object, base_dir, connector);
  return connector;
}

void read_send_connectors(ObjectReader& top, std::string_view base_dir, Ruleset& rules,
                          RuleOrigins& origins) {
  FirstSeen names;
  for_each_item(
      top, "send_connectors", Presence::optional, [&](const Json& item, std::string pointer) {
        rules.send_connectors.push_back(
            read_connector(item, pointer, base_dir, top.diagnostics(), names));
        origins.send_connectors.push_back(std::move(pointer));
      });
}

void read_document(const Json& document, std::string_view base_dir, Ruleset& rules,
                   RuleOrigins& origins, Diagnostics& diagnostics) {
  ObjectReader top(document, "", diagnostics,
                   {"version", "organization", "mode", "recipient_delimiter", "socket_mode",
                    "local_transport", "loop", "directory", "accepted_domains", "send_connectors"});
  if (!top.is_object()) return;
  read_version(top);
  read_settings(top, rules);
  read_loop(top, rules.loop);
  origins.has_directory = top.field("directory") != nullptr;
  read_directory(top, base_dir, rules.directory);
  read_accepted_domains(top, rules, origins);
  read_send_connectors(top, base_dir, rules, origins);
}

}  // namespace

std::string Diagnostic::text() const {
  const char* label = severity == Severity::error ? "error" : "warning";
  if (pointer.empty()) return fmt::format("{}: {}", label, message);
  return fmt::format("{}: {}: {}", label, pointer, message);
}

namespace {

// rules_from - read the parsed `document` into result.rules.  The DOM is
// several times the size of the text: it is freed as soon as it has been
// read, before the index is built.
void rules_from(std::optional<Json>& document, std::string_view base_dir, LoadResult& result,
                Diagnostics& diagnostics) {
  Ruleset rules;
  RuleOrigins origins;
  read_document(*document, base_dir, rules, origins, diagnostics);
  document.reset();
  auto index = std::make_shared<const RouteIndex>(rules);
  check_rules(rules, *index, origins, diagnostics);
  if (diagnostics.has_errors()) return;
  rules.index = std::move(index);
  result.rules = std::move(rules);
}

}  // namespace

LoadResult load_rules(std::string_view text, std::string_view base_dir) {
  LoadResult result;
  Diagnostics diagnostics(result.diagnostics);
  std::optional<Json> document = parse_document(text, diagnostics);
  if (document) rules_from(document, base_dir, result, diagnostics);
  return result;
}

LoadResult load_rules_freeing_text(std::string&& text, std::string_view base_dir) {
  LoadResult result;
  Diagnostics diagnostics(result.diagnostics);
  std::optional<Json> document = parse_document(text, diagnostics);
  std::string().swap(text);
  if (document) rules_from(document, base_dir, result, diagnostics);
  return result;
}

}  // namespace splitroute::core
