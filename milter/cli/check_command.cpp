// check_command.cpp - `splitroute check`: validate a rule file.
//
// With --connect, then go through every LDAP URI once (directory/ldap_check.hpp).
//
// Prints every error and warning as "FILE: error: /pointer: message" on
// standard error; exit 1 when there is an error.  On success, one summary
// line on standard output, and one listing the international domains in
// both forms when the rules have any.
#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "directory/ldap_check.hpp"
#include "directory/ldap_directory.hpp"
#include "runtime/config.hpp"

namespace splitroute::cli {
namespace {

// local_transport_warning - with Postfix, a rule file without
// local_transport leaves the mailboxes splitroute finds in the directory to
// relay_transport: the domain's MX, which may be the other organisation or
// this server again.  "" when it does not apply.
std::string local_transport_warning(const core::Ruleset& rules) {
  if (!rules.local_transport.empty()) return {};
  std::string domains;
  for (const core::AcceptedDomain& accepted : rules.accepted_domains) {
    if (accepted.type == core::DomainType::external_relay) continue;
    domains += (domains.empty() ? "" : ", ") + accepted.pattern.display();
  }
  if (domains.empty()) return {};
  return "warning: /local_transport: not set: with Postfix, the mailboxes of " + domains +
         " go to relay_transport (by default the domain's MX: possibly the other organisation, "
         "possibly this server again); set it to where this server delivers mailboxes, e.g. "
         "\"lmtp:unix:private/dovecot-lmtp\" (Sendmail ignores it)";
}

// verify_warnings - what verify_recipients relies on that no rule file can
// say: the other side refuses an unknown recipient at RCPT TO (Exchange
// accepts every recipient unless recipient filtering is on; every probe
// would then succeed), and "smtp" is Postfix's address verification.
std::vector<std::string> verify_warnings(const core::Ruleset& rules) {
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < rules.send_connectors.size(); ++i) {
    const core::Connector& connector = rules.send_connectors[i];
    if (connector.verify.method != core::VerifyMethod::smtp) continue;
    std::string pointer = "/send_connectors/" + std::to_string(i) + "/verify_recipients";
    warnings.push_back("warning: " + pointer + ": \"smtp\" verifies only if the other side refuses an unknown " +
                       "recipient at RCPT TO (Exchange accepts every recipient unless recipient filtering is on: " +
                       "every probe would then succeed)");
    warnings.push_back("warning: " + pointer + ": \"smtp\" is Postfix's address verification; with Sendmail, " +
                       "use { \"directory\": { ... } }");
  }
  return warnings;
}

// check_connect - `check --connect`: every LDAP URI, step by step; exit
// 0 when at least one answers.
int check_connect(const runtime::Config& config, const std::string& path) {
  const core::DirectoryConfig& directory = config.rules.directory;
  if (directory.type != "ldap") {
    std::fprintf(stderr, "%s: --connect: the directory is not LDAP (type \"%s\")\n", path.c_str(),
                 directory.type.c_str());
    return kExitFailure;
  }
  std::string password;
  std::string problem;
  if (!directory::read_bind_password(directory.ldap, password, problem)) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), problem.c_str());
    return kExitFailure;
  }
  const directory::CheckSummary summary = directory::check_ldap_uris(directory.ldap, password, [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  });
  explicit_bzero(password.data(), password.size());
  std::printf("%s: %d of %d LDAP URIs answer\n", path.c_str(), summary.answered, summary.servers);
  return summary.answered > 0 ? kExitOk : kExitFailure;
}

// international_domains - the IDN patterns of the rule file in both forms,
// "bücher.example (xn--bcher-kva.example), ..."; "" when there is none.
std::string international_domains(const core::Ruleset& rules) {
  std::vector<const core::DomainPattern*> patterns;
  for (const core::AcceptedDomain& accepted : rules.accepted_domains) patterns.push_back(&accepted.pattern);
  for (const core::Connector& connector : rules.send_connectors) {
    for (const core::AddressSpace& space : connector.address_spaces) patterns.push_back(&space.pattern);
  }
  std::string out;
  std::set<std::string> seen;
  for (const core::DomainPattern* pattern : patterns) {
    std::string shown = pattern->display();
    if (shown == pattern->text() || !seen.insert(shown).second) continue;
    out += (out.empty() ? "" : ", ") + shown;
  }
  return out;
}

}  // namespace

int run_check(const Args& args) {
  Options options;
  if (std::string why = parse_options(args, "c,connect", options); !why.empty()) return usage_error(why);
  if (!options.operands.empty()) return usage_error("check takes no operands");

  runtime::ConfigLoad load = runtime::load_config(options.rules);
  std::fputs(load.report().c_str(), stderr);
  // An error after a loaded config: the recipients file is unusable.
  bool errors = std::any_of(load.diagnostics.begin(), load.diagnostics.end(),
                            [](const core::Diagnostic& d) { return d.severity == core::Severity::error; });
  if (!load.config || errors) return kExitFailure;

  if (options.connect) return check_connect(*load.config, options.rules);
  const core::Ruleset& rules = load.config->rules;
  if (std::string warning = local_transport_warning(rules); !warning.empty()) {
    std::fprintf(stderr, "%s: %s\n", options.rules.c_str(), warning.c_str());
  }
  for (const std::string& warning : verify_warnings(rules)) {
    std::fprintf(stderr, "%s: %s\n", options.rules.c_str(), warning.c_str());
  }
  std::string directory = load.config->directory ? load.config->directory->describe() : "none";
  std::printf("%s: ok: %zu accepted domains, %zu send connectors, directory %s\n", options.rules.c_str(),
              rules.accepted_domains.size(), rules.send_connectors.size(), directory.c_str());
  if (std::string idn = international_domains(rules); !idn.empty()) {
    std::printf("%s: international domains: %s\n", options.rules.c_str(), idn.c_str());
  }
  return kExitOk;
}

}  // namespace splitroute::cli
