// listen_socket.hpp - open a listening socket safely, for the milter and
// the socketmap server alike.
//
// A unix socket's folder must exist; a stale socket file is replaced, one
// that another process still listens on is not.  The socket is created with
// no access for others and only then given its mode (and owner), so there
// is no window with wider permissions.  Errors throw std::runtime_error
// naming the socket as the user wrote it.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>

#include "util/file.hpp"
#include "util/socket_spec.hpp"

namespace splitroute::util {

struct SocketOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// check_unix_socket_free - the folder of `path` exists and no process
// listens on `path`; `spec` names the socket in the error.
void check_unix_socket_free(const std::string& spec, const std::string& path);

// set_socket_permissions - chown (when `owner` is set), then chmod `mode`.
void set_socket_permissions(const std::string& path, unsigned mode, const std::optional<SocketOwner>& owner);

// with_private_umask - run `create` with umask 0177 (call before threads start).
template <class Create>
auto with_private_umask(Create&& create) {
  struct Restore {
    mode_t old;
    ~Restore() { ::umask(old); }
  } restore{::umask(0177)};
  return create();
}

// listen_socket - a bound, listening, non-blocking, close-on-exec socket
// for `spec` (its text is `text`); a unix socket gets `mode` and `owner`.
UniqueFd listen_socket(const SocketSpec& spec, const std::string& text, unsigned mode,
                       const std::optional<SocketOwner>& owner);

// SocketFile - the file of a unix socket this process created, removed when
// the SocketFile goes: only while it is still the same file (same device and
// inode), so a socket a newer instance has created meanwhile is left alone.
// Empty (does nothing) for an inet socket.
class SocketFile {
 public:
  SocketFile() = default;
  explicit SocketFile(std::string path);
  SocketFile(SocketFile&& other) noexcept;
  SocketFile& operator=(SocketFile&& other) noexcept;
  SocketFile(const SocketFile&) = delete;
  SocketFile& operator=(const SocketFile&) = delete;
  ~SocketFile() { remove(); }
  void remove() noexcept;

 private:
  std::string path_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
};

// wake_listener - connect to `spec` once and hang up, so that a server
// that polls its listening socket (libmilter checks for a stop every 5 s)
// wakes up now.  Errors are ignored: the server may already be gone.
void wake_listener(const SocketSpec& spec) noexcept;

}  // namespace splitroute::util
