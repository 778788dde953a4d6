// rules_json_connectors.cpp - the "send_connectors" section of a rule file:
// address spaces and costs, smarthosts, size limit, rewrite domain, header
// hook and the delivery service with its TLS and authentication settings.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "core/ascii.hpp"
#include "core/rules_json.hpp"
#include "core/rules_reader.hpp"

namespace splitroute::core::rules_reader {
namespace {

using json_fields::invalid_value;
using json_fields::quote_text;

constexpr int kDefaultCost = 1;
constexpr int kMaxCost = 100;

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

// read_verify_recipients - "smtp", or { "directory": { ...as the top-level
// directory... } }: how the connector checks that the other side has a
// recipient before it is accepted.
void read_verify_recipients(ObjectReader& object, std::string_view base_dir, Connector& connector) {
  const Json* value = object.field("verify_recipients");
  if (value == nullptr) return;
  if (value->is_string()) {
    if (value->get<std::string>() == "smtp") {
      connector.verify.method = VerifyMethod::smtp;
    } else {
      object.report_invalid("verify_recipients", "verify_recipients",
                            "use \"smtp\" (Postfix's address verification) or { \"directory\": { ... } }");
    }
    return;
  }
  if (!value->is_object()) {
    object.diagnostics().error(object.pointer("verify_recipients"), fmt::format("expected \"smtp\" or {{ \"directory\": {{ ... }} }}, got {}", quote(*value)));
    return;
  }
  ObjectReader verify(*value, object.pointer("verify_recipients"), object.diagnostics(), {"directory"});
  if (verify.field("directory", Presence::required) == nullptr) return;
  auto directory = std::make_shared<DirectoryConfig>();
  read_directory(verify, base_dir, *directory);
  if (directory->type.empty()) return;
  connector.verify.directory = std::move(directory);
  connector.verify.method = VerifyMethod::directory;
}

// read_connector - always returns the connector, with whatever parts are
// valid, so that cross-entry checks do not report follow-up errors.
Connector read_connector(const Json& value, std::string pointer, std::string_view base_dir,
                         Diagnostics& diagnostics, FirstSeen& names) {
  ObjectReader object(value, std::move(pointer), diagnostics,
                      {"name", "enabled", "address_spaces", "smarthosts", "max_message_size",
                       "rewrite_domain", "hook", "transport", "require_tls", "auth",
                       "verify_recipients"});
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
  read_verify_recipients(object, base_dir, connector);
  return connector;
}

}  // namespace

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

}  // namespace splitroute::core::rules_reader
