// mta_settings.hpp - what `splitroute postconf` and `splitroute
// sendmail-config` both print from: the daemon's sockets (-p, -s) and the
// accepted domains as the MTA's list of domains to relay for.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "core/rules.hpp"
#include "runtime/config.hpp"
#include "util/socket_spec.hpp"

namespace splitroute::cli {

struct DaemonSockets {
  util::SocketSpec milter;     // -p, default util::kDefaultMilterSocket
  util::SocketSpec socketmap;  // -s, default util::kDefaultSocketmapSocket
};

// daemon_sockets - the -p and -s of `options` (or the daemon's defaults),
// parsed; nullopt with `why` ("-p: bad socket ...") when one is malformed.
std::optional<DaemonSockets> daemon_sockets(const Options& options, std::string& why);

// What both commands start from: their options, the daemon's sockets and
// the rule file (loaded without opening its directory).
struct MtaInput {
  Options options;
  DaemonSockets sockets;
  runtime::ConfigPtr config;
};

// load_mta_input - parse `args` (accepting the options in `allowed`), the
// sockets and the rule file.  On failure it has printed why and returns
// nullopt with the exit status in `status`.
std::optional<MtaInput> load_mta_input(const std::vector<std::string>& args, std::string_view allowed,
                                       std::string_view command, int& status);

// relay_domains - every accepted domain as both Postfix's relay_domains and
// Sendmail's class {R} write it: "x.com" (with its subdomains, as both MTAs
// match it), or ".x.com" for "*.x.com" (proper subdomains only); an IDN
// in both forms, A-labels then U-labels, since both MTAs compare the domain
// as the client wrote it.
std::vector<std::string> relay_domains(const core::Ruleset& rules);

}  // namespace splitroute::cli
