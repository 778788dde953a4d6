// import_exchange_command.cpp - `splitroute import-exchange`: an Exchange
// organisation's exports (or a set-up script) as a checked rule file and
// recipients file.
//
// The report goes to standard error: what was imported, every property
// that could not be expressed and why, then the core's diagnostics as
// `splitroute check` prints them.  Exit 0 only when the rules pass them.
#include <cstdio>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "exchange/importer.hpp"

namespace splitroute::cli {
namespace {

// parse_import_options - "" or the usage error.
std::string parse_import_options(const Args& args, exchange::ImportInputs& inputs) {
  const std::pair<const char*, std::string*> kOptions[] = {
      {"--accepted-domains", &inputs.accepted_domains}, {"--send-connectors", &inputs.send_connectors},
      {"--recipients", &inputs.recipients},             {"--script", &inputs.script},
      {"--organization", &inputs.organization},         {"-o", &inputs.rules_out},
      {"--recipients-out", &inputs.recipients_out}};
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string* target = nullptr;
    for (const auto& [name, field] : kOptions) {
      if (args[i] == name) target = field;
    }
    if (target == nullptr) return args[i].rfind('-', 0) == 0 ? "unknown option " + args[i] : "import-exchange takes no operands";
    if (i + 1 >= args.size() || args[i + 1].empty()) return "option " + args[i] + " needs a value";
    *target = args[++i];
  }
  if (inputs.accepted_domains.empty() && inputs.send_connectors.empty() && inputs.recipients.empty() &&
      inputs.script.empty()) {
    return "import-exchange needs --accepted-domains, --send-connectors, --recipients or --script";
  }
  return {};
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (out) return true;
  std::fprintf(stderr, "splitroute: %s: cannot write\n", path.c_str());
  return false;
}

}  // namespace

int run_import_exchange(const Args& args) {
  exchange::ImportInputs inputs;
  if (std::string why = parse_import_options(args, inputs); !why.empty()) return usage_error(why);
  exchange::ImportResult result;
  try {
    result = exchange::build_rules(inputs);
  } catch (const exchange::ImportError& e) {
    std::fprintf(stderr, "splitroute: import-exchange: %s\n", e.what());
    return kExitFailure;
  }
  for (const std::string& line : result.report.lines) std::fprintf(stderr, "%s\n", line.c_str());
  bool written = !result.recipients_text.empty();
  if (written && !write_file(result.recipients_path, result.recipients_text)) return kExitFailure;
  exchange::validate(inputs, written, result);
  std::string name = inputs.rules_out.empty() ? "(standard output)" : inputs.rules_out;
  for (const core::Diagnostic& d : result.diagnostics) std::fprintf(stderr, "%s: %s\n", name.c_str(), d.text().c_str());
  if (inputs.rules_out.empty()) {
    std::fputs(result.rules_text.c_str(), stdout);
    std::fflush(stdout);
  } else if (!write_file(inputs.rules_out, result.rules_text)) {
    return kExitFailure;
  }
  std::fprintf(stderr, "%s: %s (%zu warnings in the import)\n", name.c_str(),
               result.valid ? "ok: passes splitroute check" : "error: does not pass splitroute check",
               result.report.warnings);
  return result.valid ? kExitOk : kExitFailure;
}

}  // namespace splitroute::cli
