// check_command.cpp - `splitroute check`: validate a rule file.
//
// Prints every error and warning as "FILE: error: /pointer: message" on
// standard error; exit 1 when there is an error.  On success, one summary
// line on standard output.
#include <algorithm>
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "runtime/config.hpp"

namespace splitroute::cli {

int run_check(const Args& args) {
  Options options;
  if (std::string why = parse_options(args, "c", options); !why.empty()) return usage_error(why);
  if (!options.operands.empty()) return usage_error("check takes no operands");

  runtime::ConfigLoad load = runtime::load_config(options.rules);
  std::fputs(load.report().c_str(), stderr);
  // An error after a loaded config: the recipients file is unusable.
  bool errors = std::any_of(load.diagnostics.begin(), load.diagnostics.end(),
                            [](const core::Diagnostic& d) { return d.severity == core::Severity::error; });
  if (!load.config || errors) return kExitFailure;

  const core::Ruleset& rules = load.config->rules;
  std::string directory = load.config->directory ? load.config->directory->describe() : "none";
  std::printf("%s: ok: %zu accepted domains, %zu send connectors, directory %s\n", options.rules.c_str(),
              rules.accepted_domains.size(), rules.send_connectors.size(), directory.c_str());
  return kExitOk;
}

}  // namespace splitroute::cli
