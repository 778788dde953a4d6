// sendmail_config_command.cpp - `splitroute sendmail-config`: the sendmail.mc
// lines a rule file needs.
//
// Prints m4 lines to put in sendmail.mc (or include()) before its MAILER()
// lines: the milter (INPUT_MAIL_FILTER, F=T), the accepted domains as relay
// domains (class {R}), FEATURE(ldap_routing) whose mailHost and
// mailRoutingAddress maps are the daemon's socketmap (the per-recipient next
// hop of the domains that consult the directory), FEATURE(mailertable) as
// the same socketmap (every other domain, routed as a whole), and one mailer
// per smarthost port other than 25.  What Sendmail cannot do as the rules
// say is printed as a "dnl #" comment next to it.  The sockets are given in
// milter syntax (as to splitroute-milter -p and -s) and printed in Sendmail's.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "cli/mta_settings.hpp"
#include "cli/options.hpp"
#include "core/sendmail_syntax.hpp"
#include "runtime/config.hpp"

namespace splitroute::cli {
namespace {

constexpr const char* kFilterTimeouts = "T=C:10s;S:10s;R:10s;E:5m";

using Lines = std::vector<std::string>;

void comment(Lines& lines, const std::string& text) { lines.push_back("dnl # " + text); }

// m4 - one macro call with quoted arguments and its dnl: NAME(`a', `b')dnl.
std::string m4(std::string_view name, const std::vector<std::string>& args) {
  std::vector<std::string> quoted;
  for (const std::string& arg : args) quoted.push_back("`" + arg + "'");
  return fmt::format("{}({})dnl", name, fmt::join(quoted, ", "));
}

bool looks_up_recipients(const core::AcceptedDomain& accepted) {
  return accepted.type != core::DomainType::external_relay;
}

Lines milter(const util::SocketSpec& socket) {
  Lines lines;
  comment(lines, "splitroute-milter judges every recipient at RCPT time; F=T: tempfail while it is down.");
  lines.push_back(m4("INPUT_MAIL_FILTER",
                     {"splitroute", fmt::format("S={}, F=T, {}", util::sendmail_endpoint(socket), kFilterTimeouts)}));
  return lines;
}

Lines relay_domain_lines(const core::Ruleset& rules) {
  Lines lines;
  std::vector<std::string> domains = relay_domains(rules);
  if (domains.empty()) {
    comment(lines, "The rules accept no domain.");
    return lines;
  }
  comment(lines, "The accepted domains: Sendmail relays for them (class {R}), so the milter sees their recipients.");
  for (const std::string& domain : domains) lines.push_back(m4("RELAY_DOMAIN", {domain}));
  return lines;
}

// ldap_routing - the per-recipient next hop of the accepted domains that
// consult the directory.  Its map arguments: mailHost, mailRoutingAddress,
// "passthru" (a recipient found in neither goes on as usual), no +detail
// handling (the daemon strips extensions), "nodomain" (no "@domain" lookup).
// The sixth argument is left out: a directory failure queues, and the
// milter answers the RCPT with its own 451 4.4.3.
Lines ldap_routing(const core::Ruleset& rules, const std::string& map) {
  Lines lines;
  Lines domains;
  Lines wildcards;
  for (const core::AcceptedDomain& accepted : rules.accepted_domains) {
    if (!looks_up_recipients(accepted)) continue;
    if (accepted.pattern.kind == core::PatternKind::exact) {
      domains.push_back(m4("LDAPROUTE_DOMAIN", {accepted.pattern.text()}));
    } else {
      comment(wildcards, fmt::format("Not per recipient: {} ({}): ldap_routing matches exact domains only, so "
                                     "Sendmail routes it by domain; the milter still judges each recipient.",
                                     accepted.pattern.text(), core::to_string(accepted.type)));
    }
  }
  if (!domains.empty()) {
    comment(lines, "Per-recipient next hop in the accepted domains that consult the directory: ldap_routing's");
    comment(lines, "mailHost (ldapmh) and mailRoutingAddress (ldapmra) maps, answered by the daemon's socketmap.");
    lines.push_back(m4("FEATURE", {"ldap_routing", map, map, "passthru", "", "nodomain"}));
    lines.insert(lines.end(), domains.begin(), domains.end());
  }
  lines.insert(lines.end(), wildcards.begin(), wildcards.end());
  return lines;
}

Lines mailertable(const util::SocketSpec& socketmap) {
  Lines lines;
  comment(lines, "Every other domain (external relays, the send connectors' address spaces), by domain:");
  comment(lines, "the mailertable, also answered by the socketmap (ldap_routing needs it for its mailHost answers).");
  lines.push_back(m4("FEATURE", {"mailertable", "socket " + util::sendmail_endpoint(socketmap)}));
  return lines;
}

// notes - the settings of the rules that are Postfix's, and what Sendmail does instead.
Lines notes(const core::Ruleset& rules) {
  Lines lines;
  if (!rules.local_transport.empty()) {
    comment(lines, "local_transport is Postfix's: Sendmail delivers the recipients found in the directory itself.");
  }
  for (const std::string& name : core::sendmail::mixed_ports(rules)) {
    comment(lines, fmt::format("Connector {}: smarthosts on several ports; Sendmail uses those on the first one's.", name));
  }
  for (const core::Connector& connector : rules.send_connectors) {
    if (!connector.enabled) continue;
    if (connector.hook == core::Hook::header) {
      comment(lines, fmt::format("Connector {}: the header hook is for Postfix; the maps route its recipients.",
                                 connector.name));
    }
    if (connector.require_tls) {
      comment(lines, fmt::format("Connector {}: requires TLS: give its smarthosts \"TLS_Srv:HOST ENCR:128\" "
                                 "in the access map (FEATURE(access_db)).",
                                 connector.name));
    }
    if (connector.auth) {
      comment(lines, fmt::format("Connector {}: authenticates: give its smarthosts \"AuthInfo:HOST\" entries "
                                 "(FEATURE(authinfo)).",
                                 connector.name));
    }
  }
  return lines;
}

// mailers - a copy of MAILER(smtp)'s relay mailer for each port other than 25.
Lines mailers(const core::Ruleset& rules) {
  Lines lines;
  std::vector<std::uint16_t> ports = core::sendmail::mailer_ports(rules);
  if (ports.empty()) return lines;
  comment(lines, "One mailer per smarthost port other than 25 (MAILER(smtp)'s relay delivers to port 25).");
  lines.push_back("MAILER_DEFINITIONS");
  for (std::uint16_t port : ports) {
    lines.push_back(fmt::format("M{}, P=[IPC], F=mDFMuXa8, S=EnvFromSMTP/HdrFromSMTP, R=MasqSMTP, E=\\r\\n, "
                                "L=2040, T=DNS/RFC822/SMTP, A=TCP $h {}",
                                core::sendmail::mailer_for_port(port), port));
  }
  lines.push_back("divert(0)dnl");
  return lines;
}

Lines sendmail_mc(const core::Ruleset& rules, const DaemonSockets& sockets) {
  std::string map = "socket -T<TMPF> " + util::sendmail_endpoint(sockets.socketmap);
  Lines lines;
  for (const Lines& part : {milter(sockets.milter), relay_domain_lines(rules), ldap_routing(rules, map),
                            mailertable(sockets.socketmap), notes(rules), mailers(rules)}) {
    lines.insert(lines.end(), part.begin(), part.end());
  }
  return lines;
}

}  // namespace

int run_sendmail_config(const Args& args) {
  int status = kExitOk;
  std::optional<MtaInput> input = load_mta_input(args, "c,p,s", "sendmail-config", status);
  if (!input) return status;
  std::printf("dnl # sendmail.mc lines for the splitroute rules %s (splitroute sendmail-config).\n",
              input->options.rules.c_str());
  std::printf("dnl # Put them, or include() this file, before the MAILER() lines of sendmail.mc.\n");
  for (const std::string& line : sendmail_mc(input->config->rules, input->sockets)) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace splitroute::cli
