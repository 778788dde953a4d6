// process.hpp - becoming a daemon, the pid file and dropping privileges.
//
// SECURITY: splitroute-milter needs root only to open a socket in a root
// owned directory (or a port below 1024).  main() opens the socket first,
// then drop_privileges() switches to the -u user for good; nothing after
// that runs as root.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/file.hpp"

namespace splitroute::daemon {

// Daemonizer - fork into the background; the parent waits for the child to
// say it is ready (exit 0) or to die (the child's exit status), so a start
// script sees configuration and socket errors.
class Daemonizer {
 public:
  // start - fork; only the child returns, in a new session, cwd "/".
  void start();
  // ready - detach stdin/stdout/stderr (to /dev/null) and release the parent.
  void ready();

 private:
  util::UniqueFd to_parent_;
};

// PidFile - writes the process id on creation; removes the file on
// destruction if it still holds this process's id (best effort).
class PidFile {
 public:
  explicit PidFile(std::string path);
  ~PidFile();
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;

 private:
  std::string path_;
};

struct Identity {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
};

// lookup_identity - "user" (with the user's primary group) or
// "user:group"; throws when either is unknown.
Identity lookup_identity(std::string_view spec);

// drop_privileges - setgid, initgroups, setuid, in that order, and make
// sure root cannot be regained.  Any failure throws (fatal at start).
void drop_privileges(const Identity& identity);

}  // namespace splitroute::daemon
