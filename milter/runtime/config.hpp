// config.hpp - a loaded configuration: the rule set plus its directory table.
//
// load_config() reads the rule file from disk, validates it with the core and
// opens the directory it names.  A Config is immutable once built and shared
// by pointer: a milter connection keeps the Config it started with, so a
// reload (SIGHUP) never changes the rules under a live transaction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rules.hpp"
#include "core/rules_json.hpp"
#include "directory/directory.hpp"
#include "directory/file_directory.hpp"

namespace splitroute::runtime {

struct Config {
  std::string path;  // the rule file
  core::Ruleset rules;
  directory::DirectoryPtr directory;
  // One per send connector (same index): the other side's table of a
  // connector with verify_recipients { "directory": ... }, null otherwise.
  std::vector<directory::DirectoryPtr> verify_directories{};
};

using ConfigPtr = std::shared_ptr<const Config>;

struct ConfigLoad {
  std::string path;  // the rule file
  ConfigPtr config;  // null when there is an error
  std::vector<core::Diagnostic> diagnostics;
  // Set when the directory cannot be used yet (unreadable file, server
  // unreachable at start): the config still loads and tempfails lookups.
  std::string directory_problem;
  // report - every diagnostic as "PATH: error: /pointer: message", one per line.
  std::string report() const;
};

// load_config - read, validate and open; never throws for bad input.  A
// world-writable rule file is refused (an error naming the file and its mode).
// Without `with_directory` the directory is not opened (config->directory
// stays null): for tools that only read the rules.
// `notice` hears of later changes of a recipients file (a failed re-read
// that keeps the last good version, the good version after it).
ConfigLoad load_config(const std::string& path, bool with_directory = true,
                       directory::FileDirectory::Notice notice = {});

// open_directory - the table a DirectoryConfig names.  A table that cannot
// be read still opens: it answers every lookup with an error (tempfail), as
// Postfix's surrogate tables do, and `problem` says why.
directory::DirectoryPtr open_directory(const core::DirectoryConfig& config, std::string& problem,
                                       directory::FileDirectory::Notice notice = {});

}  // namespace splitroute::runtime
