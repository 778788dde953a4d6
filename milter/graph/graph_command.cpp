// graph_command.cpp - `splitroute graph [-c FILE] [--format dot|svg]`: the
// routing as a picture.  DOT text by default; SVG through Graphviz's `dot`
// program (the DOT text goes to its standard input, its SVG straight to
// our standard output).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "graph/graph.hpp"
#include "runtime/config.hpp"

extern char** environ;

namespace splitroute::cli {
namespace {

constexpr const char* kDot = "dot";

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// render_svg - run `dot -Tsvg` on `dot_text`; its exit status, or failure
// with a clear message when Graphviz is not installed.
int render_svg(const std::string& dot_text) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "splitroute: graph: cannot make a pipe: %s\n", std::strerror(errno));
    return kExitFailure;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  char arg0[] = "dot", arg1[] = "-Tsvg";
  char* argv[] = {arg0, arg1, nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, kDot, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    if (rc == ENOENT) {
      std::fprintf(stderr,
                   "splitroute: graph: --format svg needs Graphviz's \"dot\" program, which is not installed "
                   "(Debian: apt-get install graphviz); --format dot prints the graph without it\n");
    } else {
      std::fprintf(stderr, "splitroute: graph: cannot run dot: %s\n", std::strerror(rc));
    }
    return kExitFailure;
  }
  bool written = write_all(fds[1], dot_text);
  ::close(fds[1]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!written || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "splitroute: graph: dot failed\n");
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int run_graph(const Args& args) {
  Options options;
  if (std::string why = parse_options(args, "c,format", options); !why.empty()) return usage_error(why);
  if (!options.operands.empty()) return usage_error("graph takes no operands");
  std::string format = options.format.empty() ? "dot" : options.format;
  if (format != "dot" && format != "svg") return usage_error("--format must be dot or svg, not \"" + format + "\"");

  runtime::ConfigLoad load = runtime::load_config(options.rules, false);
  std::fputs(load.report().c_str(), stderr);
  if (!load.config) return kExitFailure;
  std::string dot_text = graph::to_dot(load.config->rules);
  if (format == "dot") {
    std::fputs(dot_text.c_str(), stdout);
    return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
  }
  std::fflush(stdout);
  return render_svg(dot_text);
}

}  // namespace splitroute::cli
