// main.cpp - splitroute(1): check a rule file, explain routing decisions,
// print the Postfix or Sendmail settings a rule file needs, import an
// Exchange organisation's routing, draw the routing.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "util/version.hpp"

namespace splitroute::cli {
namespace {

constexpr const char* kUsage =
    "usage: splitroute check [--connect] [-c FILE]\n"
    "       splitroute route [-c FILE] [--size BYTES] [--json] ADDRESS...\n"
    "       splitroute postconf [-M] [-c FILE] [-p MILTER_SOCKET] [-s SOCKETMAP_SOCKET]\n"
    "       splitroute sendmail-config [-c FILE] [-p MILTER_SOCKET] [-s SOCKETMAP_SOCKET]\n"
    "       splitroute import-exchange [--accepted-domains FILE] [--send-connectors FILE]\n"
    "                                  [--recipients FILE] [--script FILE] [--organization NAME]\n"
    "                                  [-o RULES.json] [--recipients-out FILE]\n"
    "       splitroute graph [-c FILE] [--format dot|svg]\n"
    "       splitroute --version\n";

struct Command {
  std::string_view name;
  int (*run)(const Args&);
};

constexpr Command kCommands[] = {
    {"check", run_check},
    {"route", run_route},
    {"postconf", run_postconf},
    {"sendmail-config", run_sendmail_config},
    {"import-exchange", run_import_exchange},
    {"graph", run_graph},
};

}  // namespace

int usage_error(const std::string& message) {
  std::fprintf(stderr, "splitroute: %s\n%s", message.c_str(), kUsage);
  return kExitUsage;
}

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  std::string_view name = argv[1];
  if (name == "-h" || name == "--help") {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  if (name == "--version" || name == "-V") {
    std::printf("splitroute %.*s\n", static_cast<int>(splitroute::util::version().size()),
                splitroute::util::version().data());
    return kExitOk;
  }
  for (const Command& command : kCommands) {
    if (command.name == name) return command.run(Args(argv + 2, argv + argc));
  }
  return usage_error("unknown command \"" + std::string(name) + "\"");
}

}  // namespace splitroute::cli

int main(int argc, char** argv) {
  try {
    return splitroute::cli::main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "splitroute: internal error: %s\n", e.what());
    return splitroute::cli::kExitFailure;
  }
}
