// commands.hpp - the splitroute subcommands; each returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace splitroute::cli {

using Args = std::vector<std::string>;

int run_check(const Args& args);  // splitroute check [--connect] [-c FILE]
int run_route(const Args& args);  // splitroute route [-c FILE] [--size BYTES] [--json] ADDRESS...
int run_postconf(const Args& args);  // splitroute postconf [-M] [-c FILE] [-p SOCKET] [-s SOCKET]
int run_sendmail_config(const Args& args);  // splitroute sendmail-config [-c FILE] [-p SOCKET] [-s SOCKET]
int run_import_exchange(const Args& args);  // splitroute import-exchange [--script FILE] ... [-o FILE]
int run_graph(const Args& args);  // splitroute graph [-c FILE] [--format dot|svg] (milter/graph/)

// usage_error - print "splitroute: MESSAGE" and the usage; returns kExitUsage.
int usage_error(const std::string& message);

}  // namespace splitroute::cli
