// process.cpp - daemonising, the pid file and the privilege drop.
#include "daemon/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "daemon/log.hpp"

namespace splitroute::daemon {
namespace {

[[noreturn]] void fail(std::string_view what) {
  throw std::runtime_error(fmt::format("{}: {}", what, std::strerror(errno)));
}

// wait_for_child - the parent's side of start(): exit 0 once the child is
// ready, else with the child's own exit status.
[[noreturn]] void wait_for_child(pid_t child, util::UniqueFd from_child) {
  char byte = 0;
  ssize_t n;
  do {
    n = ::read(from_child.get(), &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n == 1) std::_Exit(0);
  int status = 0;
  if (::waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    std::_Exit(WEXITSTATUS(status));
  }
  std::_Exit(1);
}

std::vector<char> lookup_buffer() {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  return std::vector<char>(size > 0 ? static_cast<std::size_t>(size) : 16384);
}

gid_t group_id(const std::string& name) {
  std::vector<char> buffer = lookup_buffer();
  struct group entry {};
  struct group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    throw std::runtime_error(fmt::format("unknown group \"{}\"", name));
  }
  return found->gr_gid;
}

}  // namespace

void Daemonizer::start() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe");
  util::UniqueFd read_end(fds[0]);
  util::UniqueFd write_end(fds[1]);
  pid_t child = ::fork();
  if (child < 0) fail("fork");
  if (child > 0) {
    write_end.reset();
    wait_for_child(child, std::move(read_end));
  }
  to_parent_ = std::move(write_end);
  if (::setsid() < 0) fail("setsid");
  if (::chdir("/") != 0) fail("chdir /");
}

void Daemonizer::ready() {
  if (!to_parent_) return;
  log_detach_stderr();
  util::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!null) fail("open /dev/null");
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::dup2(null.get(), fd) < 0) fail("dup2");
  }
  char byte = 'R';
  if (::write(to_parent_.get(), &byte, 1) != 1) fail("notify parent");
  to_parent_.reset();
}

PidFile::PidFile(std::string path) : path_(std::move(path)) {
  util::UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) fail("cannot write pid file " + path_);
  std::string text = fmt::format("{}\n", ::getpid());
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    fail("cannot write pid file " + path_);
  }
}

PidFile::~PidFile() {
  std::string text;
  if (!util::read_file(path_, 64, text).empty() || text != fmt::format("{}\n", ::getpid())) return;
  if (::unlink(path_.c_str()) != 0) log_debug("cannot remove pid file {}: {}", path_, std::strerror(errno));
}

Identity lookup_identity(std::string_view spec) {
  std::size_t colon = spec.find(':');
  Identity identity;
  identity.user = std::string(spec.substr(0, colon));
  std::vector<char> buffer = lookup_buffer();
  struct passwd entry {};
  struct passwd* found = nullptr;
  if (identity.user.empty() ||
      ::getpwnam_r(identity.user.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    throw std::runtime_error(fmt::format("unknown user \"{}\"", identity.user));
  }
  identity.uid = found->pw_uid;
  identity.gid = found->pw_gid;
  if (colon != std::string_view::npos) identity.gid = group_id(std::string(spec.substr(colon + 1)));
  return identity;
}

void drop_privileges(const Identity& identity) {
  if (::geteuid() != 0) {
    if (::geteuid() == identity.uid && ::getegid() == identity.gid) return;
    throw std::runtime_error(fmt::format("-u {}: only root can change user", identity.user));
  }
  if (::setgid(identity.gid) != 0) fail(fmt::format("setgid({})", identity.gid));
  if (::initgroups(identity.user.c_str(), identity.gid) != 0) fail("initgroups(" + identity.user + ")");
  if (::setuid(identity.uid) != 0) fail(fmt::format("setuid({})", identity.uid));
  if (identity.uid != 0 && ::setuid(0) == 0) throw std::runtime_error("root privileges could be regained");
  log_info("running as user {} (uid {}, gid {})", identity.user, identity.uid, identity.gid);
}

}  // namespace splitroute::daemon
