// milter_protocol.hpp - the MTA side of the milter protocol, version 6.
//
// A small client for tests and load generation: it speaks to a filter the
// way Postfix and Sendmail do, using the wire constants of libmilter's
// mfdef.h.  Every packet is a 4-byte big-endian length, one command byte
// and its data; strings inside are NUL-terminated.  The client negotiates,
// sends each SMTP stage and returns the filter's answer, including the SMTP
// reply it set (SMFIR_REPLYCODE: "550 5.1.1 text") and, at end of message,
// every modification it asked for (headers, quarantine, recipients).
//
// Header-only so that each tool under test/tools (one source file each)
// can include it.  Not thread-safe per client; use one client per thread.
#pragma once

#include <arpa/inet.h>
#include <libmilter/mfdef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace splitroute::milter_client {

inline constexpr std::uint32_t kProtocolVersion = 6;
inline constexpr std::size_t kMaxPacket = 1u << 20;  // refuse larger answers

// Offered by default: every action and every protocol step option, as a
// modern Postfix does (the filter picks what it wants).
inline constexpr std::uint32_t kOfferedActions = SMFI_CURR_ACTS;
inline constexpr std::uint32_t kOfferedProtocol = SMFI_CURR_PROT;

struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Packet - one command (MTA to filter) or answer (filter to MTA).
struct Packet {
  char code = 0;
  std::string data;
};

// Reply - a filter's answer to one stage.  `code` is an SMFIR_* byte, or
// kSkipped (the filter opted out of the stage) or kNoReply (it asked not to
// answer it).  For SMFIR_REPLYCODE, `text` is "550 5.1.1 ...".
struct Reply {
  static constexpr char kSkipped = '\x01';
  static constexpr char kNoReply = '\x02';
  char code = 0;
  std::string text;

  // accepted - the MTA goes on with this recipient / transaction.
  bool accepted() const { return code == SMFIR_CONTINUE || code == SMFIR_ACCEPT || code == kSkipped || code == kNoReply; }

  std::string describe() const {
    switch (code) {
      case SMFIR_CONTINUE: return "continue";
      case SMFIR_ACCEPT: return "accept";
      case SMFIR_REJECT: return "reject";
      case SMFIR_TEMPFAIL: return "tempfail";
      case SMFIR_DISCARD: return "discard";
      case SMFIR_SKIP: return "skip";
      case SMFIR_CONN_FAIL: return "connection failure";
      case SMFIR_SHUTDOWN: return "shutdown";
      case SMFIR_REPLYCODE: return text;
      case kSkipped: return "skipped";
      case kNoReply: return "no reply";
    }
    return std::string("unknown answer '") + code + "'";
  }
};

// EomResult - end of message: the modifications, in order, then the answer.
struct EomResult {
  std::vector<Packet> modifications;
  Reply reply;
};

namespace detail {

inline std::string errno_text(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

inline void put_u32(std::string& out, std::uint32_t value) {
  std::uint32_t be = htonl(value);
  out.append(reinterpret_cast<const char*>(&be), 4);
}

inline std::uint32_t get_u32(std::string_view in, std::size_t at) {
  if (at + 4 > in.size()) throw ProtocolError("short packet");
  std::uint32_t be;
  std::memcpy(&be, in.data() + at, 4);
  return ntohl(be);
}

inline void put_string(std::string& out, std::string_view text) {
  out.append(text);
  out.push_back('\0');
}

// split_strings - NUL-terminated strings of `data`, from `at`.
inline std::vector<std::string> split_strings(std::string_view data, std::size_t at = 0) {
  std::vector<std::string> out;
  while (at < data.size()) {
    std::size_t end = data.find('\0', at);
    if (end == std::string_view::npos) end = data.size();
    out.emplace_back(data.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// Socket - a connected stream socket with read/write timeouts.
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() { close(); }

  int get() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  void write_all(std::string_view bytes) {
    if (!write_all_or_closed(bytes)) throw ProtocolError(errno_text("write to filter"));
  }

  // write_all_or_closed - write_all, but a peer that has closed the
  // connection (EPIPE, ECONNRESET) gives false instead of an exception.
  bool write_all_or_closed(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return false;
      if (n <= 0) throw ProtocolError(errno_text("write to filter"));
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  void read_exact(char* out, std::size_t size) {
    while (size > 0) {
      ssize_t n = ::recv(fd_, out, size, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) throw ProtocolError("the filter closed the connection");
      if (n < 0) throw ProtocolError(errno == EAGAIN ? "timeout reading from the filter" : errno_text("read from filter"));
      out += n;
      size -= static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_ = -1;
};

inline void set_timeouts(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

inline Socket connect_unix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw ProtocolError("socket path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  Socket socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket.get() < 0) throw ProtocolError(errno_text("socket"));
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw ProtocolError(errno_text("connect unix:" + path));
  }
  return socket;
}

inline Socket connect_inet(int family, const std::string& port, const std::string& host) {
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw ProtocolError("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string why = "no address for " + host;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Socket socket(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (socket.get() >= 0 && ::connect(socket.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return socket;
    }
    why = errno_text("connect " + host + ":" + port);
  }
  ::freeaddrinfo(found);
  throw ProtocolError(why);
}

}  // namespace detail

// connect_filter - unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST
// (HOST defaults to the loopback address).
inline detail::Socket connect_filter(const std::string& spec, double timeout_seconds) {
  auto after = [&](std::string_view prefix) { return spec.substr(prefix.size()); };
  detail::Socket socket;
  if (spec.starts_with("unix:") || spec.starts_with("local:")) {
    socket = detail::connect_unix(after(spec.starts_with("unix:") ? "unix:" : "local:"));
  } else if (spec.starts_with("inet:") || spec.starts_with("inet6:")) {
    bool v6 = spec.starts_with("inet6:");
    std::string rest = after(v6 ? "inet6:" : "inet:");
    std::size_t at = rest.find('@');
    std::string host = at == std::string::npos ? (v6 ? "::1" : "127.0.0.1") : rest.substr(at + 1);
    socket = detail::connect_inet(v6 ? AF_INET6 : AF_INET, rest.substr(0, at), host);
  } else {
    throw ProtocolError("bad socket \"" + spec + "\" (want unix:/path or inet:PORT@HOST)");
  }
  detail::set_timeouts(socket.get(), timeout_seconds);
  return socket;
}

// Negotiated - what the filter chose in option negotiation.
struct Negotiated {
  std::uint32_t version = 0;
  std::uint32_t actions = 0;
  std::uint32_t protocol = 0;
  std::vector<std::pair<std::uint32_t, std::string>> macro_lists;  // stage, "j {daemon_name}"
};

// MilterClient - one milter connection, driven stage by stage.
class MilterClient {
 public:
  explicit MilterClient(detail::Socket socket) : socket_(std::move(socket)) {}

  const Negotiated& negotiated() const { return negotiated_; }

  // coalesce_writes - hold macro packets back and send them in one write
  // with the next command, as Postfix does (the bytes are the same; only
  // the number of system calls changes).  Off by default.
  void coalesce_writes(bool on) { coalesce_ = on; }

  Negotiated negotiate(std::uint32_t actions = kOfferedActions, std::uint32_t protocol = kOfferedProtocol) {
    std::string data;
    detail::put_u32(data, kProtocolVersion);
    detail::put_u32(data, actions);
    detail::put_u32(data, protocol);
    send(SMFIC_OPTNEG, data);
    Packet answer = receive();
    if (answer.code != SMFIC_OPTNEG) throw ProtocolError(std::string("negotiation answered '") + answer.code + "'");
    negotiated_.version = detail::get_u32(answer.data, 0);
    negotiated_.actions = detail::get_u32(answer.data, 4);
    negotiated_.protocol = detail::get_u32(answer.data, 8);
    for (std::size_t at = 12; at + 4 <= answer.data.size();) {
      std::uint32_t stage = detail::get_u32(answer.data, at);
      std::size_t end = answer.data.find('\0', at + 4);
      if (end == std::string::npos) end = answer.data.size();
      negotiated_.macro_lists.emplace_back(stage, answer.data.substr(at + 4, end - at - 4));
      at = end + 1;
    }
    return negotiated_;
  }

  // macros - define macros for the next `stage` (an SMFIC_* command byte).
  void macros(char stage, const std::vector<std::pair<std::string, std::string>>& values) {
    if (values.empty()) return;
    std::string data(1, stage);
    for (const auto& [name, value] : values) {
      detail::put_string(data, name);
      detail::put_string(data, value);
    }
    send(SMFIC_MACRO, data);
  }

  Reply connect(const std::string& host, const std::string& address, std::uint16_t port = 25) {
    std::string data;
    detail::put_string(data, host);
    data.push_back(address.find(':') != std::string::npos ? SMFIA_INET6 : SMFIA_INET);
    std::uint16_t be = htons(port);
    data.append(reinterpret_cast<const char*>(&be), 2);
    detail::put_string(data, address);
    return step(SMFIC_CONNECT, data, SMFIP_NOCONNECT, SMFIP_NR_CONN);
  }

  Reply helo(const std::string& name) { return step(SMFIC_HELO, with_nul(name), SMFIP_NOHELO, SMFIP_NR_HELO); }
  Reply mail(const std::vector<std::string>& args) { return step(SMFIC_MAIL, strings(args), SMFIP_NOMAIL, SMFIP_NR_MAIL); }
  Reply rcpt(const std::vector<std::string>& args) { return step(SMFIC_RCPT, strings(args), SMFIP_NORCPT, SMFIP_NR_RCPT); }
  Reply data() { return step(SMFIC_DATA, {}, SMFIP_NODATA, SMFIP_NR_DATA); }

  Reply header(const std::string& name, const std::string& value) {
    std::string data;
    detail::put_string(data, name);
    detail::put_string(data, value);
    return step(SMFIC_HEADER, data, SMFIP_NOHDRS, SMFIP_NR_HDR);
  }

  Reply eoh() { return step(SMFIC_EOH, {}, SMFIP_NOEOH, SMFIP_NR_EOH); }
  Reply body(const std::string& chunk) { return step(SMFIC_BODY, chunk, SMFIP_NOBODY, SMFIP_NR_BODY); }

  EomResult eom() {
    send(SMFIC_BODYEOB, {});
    EomResult result;
    for (;;) {
      Packet packet = receive();
      if (is_final(packet.code)) {
        result.reply = to_reply(packet);
        return result;
      }
      if (packet.code != SMFIR_PROGRESS) result.modifications.push_back(std::move(packet));
    }
  }

  void abort() { send(SMFIC_ABORT, {}); }
  void quit() { send(SMFIC_QUIT, {}); }

  // send_raw - write `bytes` as they are, read nothing (fault injection:
  // truncated, oversized or garbage packets; commands nobody waits for).
  void send_raw(std::string_view bytes) { socket_.write_all(bytes); }

  // send_raw_until_closed - send_raw, but false when the filter closed the
  // connection before taking every byte (its right after a bad packet).
  bool send_raw_until_closed(std::string_view bytes) { return socket_.write_all_or_closed(bytes); }

  // command_bytes - one well-formed packet, for send_raw().
  static std::string command_bytes(char command, std::string_view data) {
    std::string packet;
    detail::put_u32(packet, static_cast<std::uint32_t>(data.size() + 1));
    packet.push_back(command);
    packet.append(data);
    return packet;
  }

  // wait_for_close - drop whatever the filter sends until it closes the
  // connection (true) or the read timeout passes with it open (false).
  bool wait_for_close() {
    char buffer[4096];
    for (;;) {
      ssize_t n = ::recv(socket_.get(), buffer, sizeof buffer, 0);
      if (n > 0 || (n < 0 && errno == EINTR)) continue;
      return n == 0 || errno != EAGAIN;
    }
  }

  // describe_modification - "addheader Name: value", "quarantine reason"...
  static std::string describe_modification(const Packet& packet) {
    std::vector<std::string> s = detail::split_strings(packet.data, index_size(packet.code));
    auto arg = [&](std::size_t i) { return i < s.size() ? s[i] : std::string(); };
    std::string index = index_size(packet.code) ? std::to_string(detail::get_u32(packet.data, 0)) + " " : "";
    switch (packet.code) {
      case SMFIR_ADDHEADER: return "addheader " + arg(0) + ": " + arg(1);
      case SMFIR_INSHEADER: return "insheader " + index + arg(0) + ": " + arg(1);
      case SMFIR_CHGHEADER: return "chgheader " + index + arg(0) + ": " + arg(1);
      case SMFIR_QUARANTINE: return "quarantine " + arg(0);
      case SMFIR_ADDRCPT: return "addrcpt " + arg(0);
      case SMFIR_ADDRCPT_PAR: return "addrcpt " + arg(0) + " " + arg(1);
      case SMFIR_DELRCPT: return "delrcpt " + arg(0);
      case SMFIR_CHGFROM: return "chgfrom " + arg(0) + " " + arg(1);
      case SMFIR_REPLBODY: return "replbody " + std::to_string(packet.data.size()) + " bytes";
    }
    return std::string("unknown modification '") + packet.code + "'";
  }

 private:
  static std::string with_nul(std::string_view text) { return std::string(text) + '\0'; }

  static std::string strings(const std::vector<std::string>& args) {
    std::string data;
    for (const std::string& arg : args) detail::put_string(data, arg);
    return data;
  }

  // index_size - modifications that start with a 4-byte header index.
  static std::size_t index_size(char code) { return code == SMFIR_INSHEADER || code == SMFIR_CHGHEADER ? 4 : 0; }

  static bool is_final(char code) {
    switch (code) {
      case SMFIR_ACCEPT: case SMFIR_CONTINUE: case SMFIR_DISCARD: case SMFIR_REJECT:
      case SMFIR_TEMPFAIL: case SMFIR_REPLYCODE: case SMFIR_CONN_FAIL: case SMFIR_SHUTDOWN: case SMFIR_SKIP:
        return true;
    }
    return false;
  }

  static Reply to_reply(const Packet& packet) {
    Reply reply{packet.code, {}};
    if (packet.code == SMFIR_REPLYCODE) reply.text = packet.data.substr(0, packet.data.find('\0'));
    return reply;
  }

  // step - send one stage unless the filter opted out of it; read the
  // answer unless it asked for no reply.
  Reply step(char command, const std::string& data, std::uint32_t skip_flag, std::uint32_t no_reply_flag) {
    if ((negotiated_.protocol & skip_flag) != 0) return {Reply::kSkipped, {}};
    send(command, data);
    if ((negotiated_.protocol & no_reply_flag) != 0) return {Reply::kNoReply, {}};
    for (;;) {
      Packet packet = receive();
      if (packet.code == SMFIR_PROGRESS) continue;
      if (!is_final(packet.code)) throw ProtocolError(std::string("unexpected answer '") + packet.code + "'");
      return to_reply(packet);
    }
  }

  void send(char command, std::string_view data) {
    detail::put_u32(pending_, static_cast<std::uint32_t>(data.size() + 1));
    pending_.push_back(command);
    pending_.append(data);
    if (coalesce_ && command == SMFIC_MACRO) return;
    socket_.write_all(pending_);
    pending_.clear();
  }

  Packet receive() {
    char header[4];
    socket_.read_exact(header, 4);
    std::uint32_t length = detail::get_u32(std::string_view(header, 4), 0);
    if (length == 0 || length > kMaxPacket) throw ProtocolError("bad packet length " + std::to_string(length));
    std::string body(length, '\0');
    socket_.read_exact(body.data(), length);
    return {body[0], body.substr(1)};
  }

  detail::Socket socket_;
  Negotiated negotiated_;
  bool coalesce_ = false;
  std::string pending_;  // packets not written yet (held macros)
};

}  // namespace splitroute::milter_client
