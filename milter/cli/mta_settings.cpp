// mta_settings.cpp - the daemon's sockets and the accepted domains, as both
// MTA configuration commands print them.
#include "cli/mta_settings.hpp"

#include <cstdio>

#include "cli/commands.hpp"
#include "core/idna.hpp"

namespace splitroute::cli {
namespace {

// socket_option - the spec of -p or -s (or its default), parsed.
std::optional<util::SocketSpec> socket_option(const std::string& given, const char* fallback, const char* option,
                                              std::string& why) {
  std::optional<util::SocketSpec> spec = util::parse_socket_spec(given.empty() ? fallback : given, why);
  if (!spec) why = std::string(option) + ": " + why;
  return spec;
}

}  // namespace

std::optional<DaemonSockets> daemon_sockets(const Options& options, std::string& why) {
  std::optional<util::SocketSpec> milter = socket_option(options.milter_socket, util::kDefaultMilterSocket, "-p", why);
  if (!milter) return std::nullopt;
  std::optional<util::SocketSpec> socketmap =
      socket_option(options.socketmap_socket, util::kDefaultSocketmapSocket, "-s", why);
  if (!socketmap) return std::nullopt;
  return DaemonSockets{std::move(*milter), std::move(*socketmap)};
}

std::optional<MtaInput> load_mta_input(const std::vector<std::string>& args, std::string_view allowed,
                                       std::string_view command, int& status) {
  MtaInput input;
  std::string why = parse_options(args, allowed, input.options);
  if (why.empty() && !input.options.operands.empty()) why = std::string(command) + " takes no operands";
  std::optional<DaemonSockets> sockets;
  if (why.empty()) sockets = daemon_sockets(input.options, why);
  if (!sockets) {
    status = usage_error(why);
    return std::nullopt;
  }
  input.sockets = std::move(*sockets);
  runtime::ConfigLoad load = runtime::load_config(input.options.rules, false);
  std::fputs(load.report().c_str(), stderr);
  if (!load.config) {
    status = kExitFailure;
    return std::nullopt;
  }
  input.config = std::move(load.config);
  return input;
}

std::vector<std::string> relay_domains(const core::Ruleset& rules) {
  std::vector<std::string> domains;
  for (const core::AcceptedDomain& accepted : rules.accepted_domains) {
    const core::DomainPattern& pattern = accepted.pattern;
    std::string prefix = pattern.kind == core::PatternKind::wildcard ? "." : "";
    domains.push_back(prefix + pattern.suffix);
    // Postfix compares relay_domains as the client wrote the domain: list
    // an IDN's U-label form too.
    if (std::string unicode = core::unicode_domain(pattern.suffix); unicode != pattern.suffix) {
      domains.push_back(prefix + unicode);
    }
  }
  return domains;
}

}  // namespace splitroute::cli
