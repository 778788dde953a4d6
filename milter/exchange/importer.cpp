// importer.cpp - read the inputs, map them, validate with the core.
#include "exchange/importer.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "exchange/recipients.hpp"
#include "exchange/script.hpp"
#include "runtime/config.hpp"

namespace splitroute::exchange {
namespace {

namespace fs = std::filesystem;

std::string folder_of(const std::string& path) {
  std::error_code ignored;
  if (path.empty()) return fs::current_path(ignored).string();
  return fs::absolute(path, ignored).parent_path().string();
}

// directory_path - the recipients file as the rule file names it:
// relative to the rule file's folder when both are files.
std::string directory_path(const ImportInputs& inputs, const std::string& recipients_path) {
  if (inputs.rules_out.empty()) return recipients_path;
  std::error_code ignored;
  fs::path relative = fs::absolute(recipients_path, ignored).lexically_relative(folder_of(inputs.rules_out));
  return relative.empty() ? recipients_path : relative.string();
}

std::string default_recipients_path(const ImportInputs& inputs) {
  if (inputs.rules_out.empty()) return "recipients.txt";
  fs::path path(inputs.rules_out);
  return (path.parent_path() / (path.stem().string() + "-recipients.txt")).string();
}

bool needs_directory(const Json& domains) {
  for (const Json& domain : domains) {
    if (domain["type"] != "external_relay") return true;
  }
  return false;
}

void add_directory(const ImportInputs& inputs, const std::vector<Record>& recipients, Json& rules,
                   ImportResult& result) {
  if (!needs_directory(rules["accepted_domains"]) && recipients.empty()) return;
  result.recipients_path = inputs.recipients_out.empty() ? default_recipients_path(inputs) : inputs.recipients_out;
  if (!recipients.empty()) {
    RecipientsFile file = export_recipients(recipients, result.report);
    result.recipients_text = file.text;
    result.report.lines.push_back(fmt::format("{}: {} mailbox and {} contact lines", result.recipients_path,
                                              file.mailboxes, file.contacts));
  } else if (!inputs.rules_out.empty() || !inputs.recipients_out.empty()) {
    result.recipients_text = "# Recipients: add this organisation's mailboxes, one address a line.\n";
    result.report.lines.push_back(fmt::format(
        "warning: {}: no --recipients export: the recipients file is empty, so every recipient of an "
        "internal relay domain is relayed and every one of an authoritative domain is rejected",
        result.recipients_path));
    ++result.report.warnings;
  } else {
    result.report.lines.push_back(fmt::format(
        "warning: the rule file names the recipients file {} (relative to where you save the rule "
        "file): create it, or give --recipients", result.recipients_path));
    ++result.report.warnings;
  }
  rules["directory"] = {{"comment", "Recipients imported from Exchange (Get-Recipient)"},
                        {"type", "file"},
                        {"path", directory_path(inputs, result.recipients_path)}};
}

void append(std::vector<Record>& to, std::vector<Record> from) {
  for (Record& record : from) to.push_back(std::move(record));
}

}  // namespace

ImportResult build_rules(const ImportInputs& inputs) {
  ImportResult result;
  std::vector<Record> domains, connectors, recipients;
  if (!inputs.accepted_domains.empty()) {
    domains = read_records(inputs.accepted_domains, read_input_file(inputs.accepted_domains));
  }
  if (!inputs.send_connectors.empty()) {
    connectors = read_records(inputs.send_connectors, read_input_file(inputs.send_connectors));
  }
  if (!inputs.script.empty()) {
    ScriptParse parse = parse_script(read_input_file(inputs.script));
    if (!parse.ok()) throw ImportError(fmt::format("{}: {}", inputs.script, parse.error));
    ScriptObjects objects = script_objects(inputs.script, parse.commands);
    append(domains, std::move(objects.accepted_domains));
    append(connectors, std::move(objects.send_connectors));
  }
  if (!inputs.recipients.empty()) recipients = read_records(inputs.recipients, read_input_file(inputs.recipients));

  Json rules = Json::object();
  rules["comment"] = "Imported from Exchange by splitroute import-exchange; review the report it printed.";
  rules["version"] = 1;
  if (!inputs.organization.empty()) rules["organization"] = inputs.organization;
  rules["accepted_domains"] = map_accepted_domains(domains, result.report);
  add_directory(inputs, recipients, rules, result);
  rules["send_connectors"] = map_send_connectors(connectors, result.report);
  // in the order of the shipped rule files
  Json ordered = Json::object();
  for (const char* key : {"comment", "version", "organization", "directory", "accepted_domains", "send_connectors"}) {
    if (rules.contains(key)) ordered[key] = std::move(rules[key]);
  }
  result.rules_text = ordered.dump(2) + "\n";
  return result;
}

void validate(const ImportInputs& inputs, bool recipients_written, ImportResult& result) {
  core::LoadResult load = core::load_rules(result.rules_text, folder_of(inputs.rules_out));
  result.diagnostics = std::move(load.diagnostics);
  result.valid = load.ok();
  if (!load.ok() || !recipients_written) return;
  std::string problem;
  runtime::open_directory(load.rules->directory, problem);
  if (!problem.empty()) {
    result.diagnostics.push_back({core::Severity::error, "/directory", problem});
    result.valid = false;
  }
}

}  // namespace splitroute::exchange
