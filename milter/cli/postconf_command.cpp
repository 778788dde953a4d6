// postconf_command.cpp - `splitroute postconf`: the Postfix settings a rule
// file needs.
//
// Prints main.cf lines (relay_domains, smtpd_milters, milter_default_action,
// transport_maps, milter_header_checks, and the address verification of
// verify_recipients "smtp") that can be appended to main.cf or
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

// smtp_verifying - the enabled connectors with verify_recipients "smtp".
std::vector<std::string> smtp_verifying(const core::Ruleset& rules) {
  std::vector<std::string> names;
  for (const core::Connector& connector : rules.send_connectors) {
    if (connector.enabled && connector.verify.method == core::VerifyMethod::smtp) names.push_back(connector.name);
  }
  return names;
}

// address_verification - what verify_recipients "smtp" needs: the
// socketmap's verify map after reject_unauth_destination, and Postfix's
// address verification tuned so that only a recipient the other side
// refuses is refused, an outage defers, and a recipient asked during an
// outage is probed again soon after it ends.  Probes are routed by the
// queue manager through transport_maps, not by smtpd's own resolver.
Lines address_verification(const core::Ruleset& rules, const util::SocketSpec& socketmap) {
  std::vector<std::string> names = smtp_verifying(rules);
  if (names.empty()) return {};
  return {
      fmt::format("# verify_recipients \"smtp\" (connector {}): before RCPT is accepted, Postfix probes each", fmt::join(names, ", ")),
      "# recipient the socketmap's verify map names (one relayed through such a connector) through that",
      "# connector; every other recipient costs no probe.  Keep your own restrictions; the map goes after",
      "# reject_unauth_destination.",
      fmt::format("smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination, "
                  "check_recipient_access socketmap:{}:verify", util::postfix_endpoint(socketmap)),
      "# A recipient the other side refuses: 550 at RCPT (Postfix's default, 450, has the client retry in vain).",
      "unverified_recipient_reject_code = 550",
      "# The other side unreachable (the probe was deferred): 450, the client retries; nothing is refused or lost.",
      "unverified_recipient_defer_code = 450",
      "# No result yet (probe still under way, verify(8) unavailable): defer, unless a later restriction rejects.",
      "unverified_recipient_tempfail_action = defer_if_permit",
      "# A deferred probe is cached as a failure; the next lookup a minute after it sends a new probe (Postfix's",
      "# default waits 3h): a recipient asked during an outage is accepted at the client's first retry after the",
      "# other side is back, while another message to a really unknown recipient within the minute gets its 550",
      "# from the cache without a new probe.",
      "address_verify_negative_refresh_time = 1m",
      "# A verified recipient is probed again, in the background, after an hour (Postfix's default: 7d); a failed",
      "# refresh never evicts it: a mailbox deleted on the other side is refused within the hour.",
      "address_verify_positive_refresh_time = 1h",
  };
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
  Lines verification = address_verification(rules, socketmap);
  lines.insert(lines.end(), verification.begin(), verification.end());
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
