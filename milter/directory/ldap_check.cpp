// ldap_check.cpp - connect, TLS, bind and search, step by step, per URI.
#include "directory/ldap_check.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "directory/ldap_connection.hpp"
#include "directory/ldap_sigpipe.hpp"
#include "directory/server_source.hpp"
#include "util/file.hpp"

namespace splitroute::directory {

namespace {

// connect_within - connect `fd` to `address`, waiting at most `timeout_ms`.
int connect_within(int fd, const addrinfo& address, unsigned timeout_ms) {
  if (::connect(fd, address.ai_addr, address.ai_addrlen) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  pollfd waiting{fd, POLLOUT, 0};
  const int ready = ::poll(&waiting, 1, static_cast<int>(timeout_ms));
  if (ready == 0) return ETIMEDOUT;
  int error = 0;
  socklen_t size = sizeof error;
  if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return errno;
  return error;
}

// tcp_step - "ok: 127.0.0.1 port 636", or why no address of the URI's host answers.
std::pair<bool, std::string> tcp_step(const std::string& uri, unsigned timeout_ms) {
  LDAPURLDesc* raw = nullptr;
  if (ldap_url_parse(uri.c_str(), &raw) != LDAP_URL_SUCCESS) return {false, "cannot parse the URI"};
  const std::unique_ptr<LDAPURLDesc, void (*)(LDAPURLDesc*)> url(raw, ldap_free_urldesc);
  if (std::string(url->lud_scheme) == "ldapi") return {true, "a local socket (no TCP)"};
  const std::string host = url->lud_host != nullptr && *url->lud_host != '\0' ? url->lud_host : "localhost";
  const int port = url->lud_port != 0 ? url->lud_port : (std::string(url->lud_scheme) == "ldaps" ? 636 : 389);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
    return {false, fmt::format("cannot resolve {}: {}", host, ::gai_strerror(rc))};
  }
  const std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, ::freeaddrinfo);
  std::string why;
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    const util::UniqueFd fd(::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    char name[NI_MAXHOST] = "?";
    ::getnameinfo(address->ai_addr, address->ai_addrlen, name, sizeof name, nullptr, 0, NI_NUMERICHOST);
    const int error = fd ? connect_within(fd.get(), *address, timeout_ms) : errno;
    if (error == 0) return {true, fmt::format("{} port {}", name, port)};
    why += fmt::format("{}{} port {}: {}", why.empty() ? "" : "; ", name, port, std::strerror(error));
  }
  return {false, why};
}

}  // namespace

CheckSummary check_ldap_uris(const core::LdapConfig& config, const std::string& password, const LinePrinter& print) {
  const SigpipeGuard guard;
  ServerSource source(config.uris);
  source.refresh();
  for (const ServerSource::SrvFinding& finding : source.findings()) {
    print(fmt::format("{}: dns: {}: {}", finding.uri, finding.found ? "ok" : "FAILED", finding.text));
  }
  CheckSummary summary;
  for (const ServerEntry& server : source.servers()) {
    const std::string& uri = server.uri;
    ++summary.servers;
    const auto line = [&](const char* step, bool ok, const std::string& text) {
      print(fmt::format("{}: {}: {}: {}", uri, step, ok ? "ok" : "FAILED", text));
    };
    const auto [reachable, where] = tcp_step(uri, config.timeout_ms);
    line("connect", reachable, where);
    if (!reachable) continue;
    if (!core::uses_tls(config, uri)) line("tls", true, "none (plain ldap:// without start_tls)");
    std::string error;
    bool failure_shown = false;
    auto connection = LdapConnection::open_uri(
        config, uri, password,
        [&](const LdapStep& step) {
          line(step.step, step.ok, step.text);
          failure_shown = failure_shown || !step.ok;
        },
        error);
    if (!connection) {
      if (!failure_shown) line("setup", false, error);
      continue;
    }
    const LdapOutcome outcome = connection->probe_base(config);
    const bool ok = outcome.result != core::Lookup::error;
    line("search", ok, ok ? fmt::format("base \"{}\" answered", config.base) : outcome.detail);
    if (ok) ++summary.answered;
  }
  return summary;
}

}  // namespace splitroute::directory
