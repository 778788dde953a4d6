// config.cpp - load a rule file from disk and open the directory it names.
#include "runtime/config.hpp"

#include <malloc.h>

#include <filesystem>

#include "directory/file_directory.hpp"
#include "directory/ldap_directory.hpp"
#include "directory/ldap_files.hpp"
#include "directory/unavailable_directory.hpp"
#include "util/file.hpp"

namespace splitroute::runtime {
namespace {

constexpr std::size_t kMaxRuleFileBytes = 64u << 20;

std::string folder_of(const std::string& path) {
  std::error_code ignored;
  std::filesystem::path absolute = std::filesystem::absolute(path, ignored);
  return absolute.parent_path().string();
}

// open_verify_directories - each connector's verification table; a table
// that cannot be used yet is a warning: its recipients get 451 4.4.3.
void open_verify_directories(Config& config, ConfigLoad& load) {
  const std::vector<core::Connector>& connectors = config.rules.send_connectors;
  config.verify_directories.resize(connectors.size());
  for (std::size_t i = 0; i < connectors.size(); ++i) {
    if (connectors[i].verify.method != core::VerifyMethod::directory) continue;
    std::string problem;
    config.verify_directories[i] = open_directory(*connectors[i].verify.directory, problem);
    if (problem.empty()) continue;
    load.diagnostics.push_back({core::Severity::warning,
                                "/send_connectors/" + std::to_string(i) + "/verify_recipients/directory",
                                problem + "; recipients relayed through connector \"" + connectors[i].name +
                                    "\" get 451 4.4.3 until this is fixed"});
  }
}

}  // namespace

std::string ConfigLoad::report() const {
  std::string text;
  for (const core::Diagnostic& d : diagnostics) text += path + ": " + d.text() + "\n";
  return text;
}

directory::DirectoryPtr open_directory(const core::DirectoryConfig& config, std::string& problem,
                                       directory::FileDirectory::Notice notice) {
  problem.clear();
  if (config.type == "file") {
    auto table = std::make_shared<directory::FileDirectory>(config.file.path, std::move(notice));
    problem = table->problem();
    return table;
  }
  if (config.type == "ldap") return directory::open_ldap_directory(config.ldap, problem);
  if (config.type.empty()) return nullptr;  // no domain needs a lookup
  problem = "unknown directory type \"" + config.type + "\"";
  return std::make_shared<directory::UnavailableDirectory>(config.type, problem);
}

ConfigLoad load_config(const std::string& path, bool with_directory,
                       directory::FileDirectory::Notice notice) {
  ConfigLoad load;
  load.path = path;
  std::string text;
  if (std::string why = util::read_protected_file(path, kMaxRuleFileBytes, text); !why.empty()) {
    load.diagnostics.push_back({core::Severity::error, "", why});
    return load;
  }
  core::LoadResult rules = core::load_rules_freeing_text(std::move(text), folder_of(path));
  ::malloc_trim(0);  // the parser's freed pages go back now, not after the directory has grown the heap
  load.diagnostics = std::move(rules.diagnostics);
  if (!rules.ok()) return load;

  auto config = std::make_shared<Config>();
  config->path = path;
  config->rules = std::move(*rules.rules);
  if (with_directory) {
    config->directory = open_directory(config->rules.directory, load.directory_problem, std::move(notice));
    open_verify_directories(*config, load);
  }
  if (!load.directory_problem.empty()) {
    // A recipients file is the administrator's to fix (an error: `check`
    // fails); an LDAP setup may be completed on the server later, and the
    // server may only be down for now (a warning, at the field when it is
    // one of the files the LDAP directory names).  Either way the daemon
    // starts and tempfails what needs the directory.
    constexpr const char* kConsequence = "; recipients that need the directory get 451 4.4.3 until this is fixed";
    const core::DirectoryConfig& directory = config->rules.directory;
    std::vector<core::Diagnostic> files;
    if (directory.type == "ldap") files = directory::ldap_file_problems(directory.ldap);
    for (core::Diagnostic& problem : files) {
      problem.severity = core::Severity::warning;
      problem.message += kConsequence;
      load.diagnostics.push_back(std::move(problem));
    }
    if (files.empty()) {
      bool file = directory.type == "file";
      load.diagnostics.push_back({file ? core::Severity::error : core::Severity::warning, "/directory",
                                  load.directory_problem + kConsequence});
    }
  }
  load.config = std::move(config);
  return load;
}

}  // namespace splitroute::runtime
