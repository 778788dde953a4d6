// postconf_command.cpp - `splitroute postconf`: the Postfix settings a rule
// file needs.
//
// Prints main.cf lines (relay_domains, smtpd_milters, milter_default_action,
// transport_maps, milter_header_checks) that can be appended to main.cf or
// given to `postconf -e`, followed, as comments, by the master.cf services:
// smtpd's own address resolver, which does not ask the socketmap, and the
// services of connectors with a transport of their own; with -M, only those
// services, ready for master.cf.  The sockets are given in milter syntax
// (as to splitroute-milter -p and -s) and printed in Postfix's.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/mta_settings.hpp"
#include "cli/options.hpp"
#include "core/rules_values.hpp"
#include "runtime/config.hpp"
#include "util/socket_spec.hpp"

namespace splitroute::cli {
namespace {

constexpr const char* kHeaderChecks = "/etc/postfix/splitroute_header_checks";
constexpr const char* kSmtpdResolver = "splitroute-rewrite";

using Lines = std::vector<std::string>;

bool has_header_hook(const core::Ruleset& rules) {
  for (const core::Connector& connector : rules.send_connectors) {
    if (connector.enabled && connector.hook == core::Hook::header) return true;
  }
  return false;
}

Lines main_cf(const core::Ruleset& rules, const util::SocketSpec& milter, const util::SocketSpec& socketmap) {
  Lines lines;
  std::vector<std::string> domains = relay_domains(rules);
  if (domains.empty()) {
    lines.push_back("# relay_domains: the rules accept no domain");
  } else {
    lines.push_back(fmt::format("relay_domains = {}", fmt::join(domains, ", ")));
  }
  lines.push_back("smtpd_milters = " + util::postfix_endpoint(milter));
  lines.push_back("milter_default_action = tempfail");
  lines.push_back(fmt::format("transport_maps = socketmap:{}:transport", util::postfix_endpoint(socketmap)));
  if (has_header_hook(rules)) {
    lines.push_back(fmt::format("milter_header_checks = regexp:{}", kHeaderChecks));
  }
  return lines;
}

// password_table_note - what the SASL password table of `connector` holds.
std::string password_table_note(const core::Connector& connector) {
  std::string key = connector.smarthosts.empty() ? "DOMAIN" : connector.smarthosts.front().nexthop();
  return fmt::format("# {} (texthash, read by Postfix as root): one line per next hop, e.g. \"{} USER:PASSWORD\"",
                     connector.auth->password_file, key);
}

// service - the master.cf entry of `connector`'s transport: Postfix's smtp
// client with the connector's TLS and SASL settings.
Lines service(const core::Connector& connector) {
  Lines lines;
  if (connector.auth) lines.push_back(password_table_note(connector));
  lines.push_back(fmt::format("{:<11} unix  -       -       -       -       -       smtp", connector.transport));
  if (connector.require_tls) lines.push_back("  -o smtp_tls_security_level=encrypt");
  if (connector.auth) {
    lines.push_back("  -o smtp_sasl_auth_enable=yes");
    lines.push_back("  -o smtp_sasl_password_maps=texthash:" + connector.auth->password_file);
    lines.push_back("  -o smtp_sasl_security_options=noanonymous");
  }
  return lines;
}

// smtpd_resolver - a trivial-rewrite without transport_maps, for smtpd.
// smtpd resolves every recipient before the milter sees it and keeps each
// result, a failed lookup included, for the life of its process; with the
// socketmap out of that path the milter alone answers at RCPT TO (451 4.4.3
// while the directory fails, and no more once it is back), and only the
// queue manager routes through the socketmap.
Lines smtpd_resolver() {
  return {
      "# smtpd's address resolver, without the socketmap: the milter answers each recipient at RCPT TO.",
      fmt::format("# Give it to every smtpd service: postconf -P 'smtp/inet/rewrite_service_name={}'", kSmtpdResolver),
      fmt::format("{:<11} unix  -       -       -       -       -       trivial-rewrite", kSmtpdResolver),
      "  -o transport_maps=",
  };
}

// master_cf - smtpd's resolver, then one service per transport that
// Postfix's own master.cf does not have, in the order the connectors name
// them.
Lines master_cf(const core::Ruleset& rules) {
  Lines lines = smtpd_resolver();
  std::vector<std::string> done;
  for (const core::Connector& connector : rules.send_connectors) {
    if (core::is_stock_service(connector.transport) || std::ranges::count(done, connector.transport) > 0) continue;
    done.push_back(connector.transport);
    Lines entry = service(connector);
    lines.insert(lines.end(), entry.begin(), entry.end());
  }
  return lines;
}

void print(const Lines& lines, std::string_view prefix = "") {
  for (const std::string& line : lines) std::printf("%.*s%s\n", static_cast<int>(prefix.size()), prefix.data(), line.c_str());
}

void print_main_cf(const std::string& path, const core::Ruleset& rules, const util::SocketSpec& milter,
                   const util::SocketSpec& socketmap) {
  std::printf("# main.cf for the splitroute rules %s (splitroute postconf)\n", path.c_str());
  print(main_cf(rules, milter, socketmap));
  if (has_header_hook(rules)) {
    std::printf("# %s: contrib/postfix/milter_header_checks of the splitroute sources\n", kHeaderChecks);
  }
  std::printf("# master.cf services (splitroute postconf -M):\n");
  print(master_cf(rules), "#   ");
}

}  // namespace

int run_postconf(const Args& args) {
  int status = kExitOk;
  std::optional<MtaInput> input = load_mta_input(args, "c,p,s,M", "postconf", status);
  if (!input) return status;
  const core::Ruleset& rules = input->config->rules;
  if (input->options.master) {
    print(master_cf(rules));
  } else {
    print_main_cf(input->options.rules, rules, input->sockets.milter, input->sockets.socketmap);
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace splitroute::cli
