// rules_json.cpp - load_rules(): a rule file's JSON text to a validated Ruleset;
// the top level, the directory and the accepted domains (the send connectors
// are in rules_json_connectors.cpp).
//
// Reading goes section by section; each value is checked where it is read
// (json_fields.hpp reports types and unknown fields, rules_values.hpp the
// value syntax), then rules_check.cpp looks across entries.  Nothing stops
// at the first problem: the file's author sees every error at once.
#include "core/rules_json.hpp"

#include <memory>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/json_document.hpp"
#include "core/json_fields.hpp"
#include "core/route_index.hpp"
#include "core/rules_check.hpp"
#include "core/rules_reader.hpp"
#include "core/rules_values.hpp"

namespace splitroute::core {
namespace {

using json_fields::Diagnostics;
using json_fields::Json;
using json_fields::ObjectReader;
using json_fields::parse_document;
using json_fields::Presence;
using json_fields::quote;
using rules_reader::checked_string;
using rules_reader::FirstSeen;
using rules_reader::for_each_item;
using rules_reader::read_name;
using rules_reader::read_pattern;
using rules_reader::resolve_path;

constexpr std::int64_t kFormatVersion = 1;
constexpr int kMaxHops = 500;

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

}  // namespace

// read_directory is shared with the send connectors' verify_recipients
// (rules_reader.hpp).
namespace rules_reader {

namespace {

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

}  // namespace

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

}  // namespace rules_reader

namespace {

using rules_reader::read_directory;

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
  rules_reader::read_send_connectors(top, base_dir, rules, origins);
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
