// server.cpp - socketmap connections on one epoll thread, answers on a pool.
//
// Ownership: the event thread alone touches the connection table and each
// connection's NetstringReader.  A connection's queue, `busy` flag and
// activity time are shared with the workers under the connection's mutex:
// the event thread appends requests and hands the connection to the pool
// only when no worker has it (`busy`), and the worker that has it answers
// the queue in order and clears `busy` when the queue is empty.  Both hold
// the connection by shared_ptr, so its descriptor closes when the last of
// them lets go: a worker can still answer a client that already closed its
// sending side.
#include "socketmap/server.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/netstring.hpp"

namespace splitroute::socketmap {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kSendTimeout{10000};
constexpr std::size_t kReadChunk = 4096;
constexpr int kReadsPerWakeup = 4;  // then let other connections have a turn
constexpr int kMaxEvents = 64;

struct Connection {
  explicit Connection(util::UniqueFd socket) : fd(std::move(socket)), reader(kMaxRequest) {}
  util::UniqueFd fd;
  core::NetstringReader reader;  // event thread only
  std::mutex mutex;              // guards what follows
  std::deque<std::string> queued;
  bool busy = false;    // a worker is answering the queue
  bool broken = false;  // a reply could not be sent: close when idle
  Clock::time_point last_active = Clock::now();
};

using ConnectionPtr = std::shared_ptr<Connection>;

std::string system_error_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// send_all - write `bytes` to a non-blocking socket, waiting for room at
// most until `timeout` has passed.
bool send_all(int fd, std::string_view bytes, milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return false;
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd writable{fd, POLLOUT, 0};
    ::poll(&writable, 1, static_cast<int>(left.count()));
  }
  return true;
}

}  // namespace

struct Server::Impl {
  Impl(util::UniqueFd listening, ServerHooks server_hooks, ServerSettings server_settings);
  void start();
  void stop();

  // event thread
  void run_events();
  void add_to_epoll(int fd);
  void accept_clients();
  void set_accepting(bool on);
  void read_from(const ConnectionPtr& connection);
  bool take_requests(const ConnectionPtr& connection);
  void close_connection(const ConnectionPtr& connection, const std::string& why = {});
  void close_idle();
  milliseconds tick() const;

  // workers
  void run_worker();
  ConnectionPtr next_job();
  void hand_to_worker(ConnectionPtr connection);
  void answer_queue(Connection& connection);
  bool answer_one(Connection& connection, const std::string& request);

  void report(const std::string& why);

  util::UniqueFd listener;
  ServerHooks hooks;
  ServerSettings settings;
  util::UniqueFd epoll;
  util::UniqueFd wake;  // eventfd: stop() wakes the event thread
  std::unordered_map<int, ConnectionPtr> connections;  // event thread only
  bool accepting = true;                               // event thread only
  std::atomic<bool> stopping{false};

  std::mutex jobs_mutex;
  std::condition_variable jobs_ready;
  std::deque<ConnectionPtr> jobs;  // connections with requests for a worker
  bool workers_stop = false;

  std::thread events;
  std::vector<std::thread> workers;
};

Server::Impl::Impl(util::UniqueFd listening, ServerHooks server_hooks, ServerSettings server_settings)
    : listener(std::move(listening)),
      hooks(std::move(server_hooks)),
      settings(server_settings),
      epoll(::epoll_create1(EPOLL_CLOEXEC)),
      wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!epoll || !wake) throw std::system_error(errno, std::generic_category(), "socketmap server");
  if (!hooks.config) throw std::invalid_argument("socketmap server without a configuration source");
  settings.workers = std::max<std::size_t>(settings.workers, 1);
  add_to_epoll(wake.get());
  add_to_epoll(listener.get());
}

void Server::Impl::start() {
  for (std::size_t i = 0; i < settings.workers; ++i) workers.emplace_back([this] { run_worker(); });
  events = std::thread([this] { run_events(); });
}

void Server::Impl::stop() {
  stopping = true;
  std::uint64_t one = 1;
  if (::write(wake.get(), &one, sizeof one) < 0) {
    // the counter is already non-zero: the event thread wakes anyway
  }
  if (events.joinable()) events.join();
  {
    std::lock_guard lock(jobs_mutex);
    workers_stop = true;
    jobs.clear();
  }
  jobs_ready.notify_all();
  for (std::thread& worker : workers) {
    if (worker.joinable()) worker.join();
  }
  workers.clear();
  connections.clear();
}

void Server::Impl::report(const std::string& why) {
  if (!hooks.trouble) return;
  try {
    hooks.trouble(why);
  } catch (...) {
    // a report that cannot be written is not a reason to stop serving
  }
}

// ------------------------------------------------------------ event thread

void Server::Impl::add_to_epoll(int fd) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = fd;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

milliseconds Server::Impl::tick() const {
  return std::clamp<milliseconds>(settings.idle_timeout / 4, milliseconds(10), milliseconds(1000));
}

void Server::Impl::run_events() {
  std::array<epoll_event, kMaxEvents> ready{};
  while (!stopping) {
    int n = ::epoll_wait(epoll.get(), ready.data(), kMaxEvents, static_cast<int>(tick().count()));
    if (n < 0 && errno != EINTR) report(system_error_text("epoll_wait"));
    for (int i = 0; i < n && !stopping; ++i) {
      int fd = ready[static_cast<std::size_t>(i)].data.fd;
      if (fd == wake.get()) continue;
      if (fd == listener.get()) {
        accept_clients();
        continue;
      }
      auto found = connections.find(fd);
      if (found != connections.end()) read_from(found->second);
    }
    close_idle();
  }
}

// set_accepting - watch the listening socket or leave new clients waiting
// in its queue (at max_connections, or out of descriptors).
void Server::Impl::set_accepting(bool on) {
  if (accepting == on) return;
  epoll_event event{};
  event.events = on ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
  event.data.fd = listener.get();
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, listener.get(), &event) == 0) accepting = on;
}

void Server::Impl::accept_clients() {
  while (connections.size() < settings.max_connections) {
    int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      report(system_error_text("accept"));  // e.g. out of descriptors: retried next tick
      set_accepting(false);
      return;
    }
    auto connection = std::make_shared<Connection>(util::UniqueFd(fd));
    try {
      add_to_epoll(fd);
    } catch (const std::system_error& e) {
      report(e.what());
      continue;  // `connection` closes the descriptor
    }
    connections.emplace(fd, std::move(connection));
  }
  set_accepting(false);
}

void Server::Impl::read_from(const ConnectionPtr& connection) {
  char buffer[kReadChunk];
  for (int round = 0; round < kReadsPerWakeup; ++round) {
    ssize_t n = ::recv(connection->fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      connection->reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      if (!take_requests(connection)) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close_connection(connection);  // end of input, or a reset
    return;
  }
}

// take_requests - queue the complete requests and wake a worker; false when
// the connection was closed (malformed input, too many queued requests).
bool Server::Impl::take_requests(const ConnectionPtr& connection) {
  std::vector<std::string> requests;
  while (std::optional<std::string> request = connection->reader.next()) requests.push_back(std::move(*request));
  bool dispatch = false;
  bool overflow = false;
  {
    std::lock_guard lock(connection->mutex);
    for (std::string& request : requests) connection->queued.push_back(std::move(request));
    connection->last_active = Clock::now();
    overflow = connection->queued.size() > settings.max_queued;
    if (overflow) connection->queued.clear();
    dispatch = !overflow && !connection->busy && !connection->queued.empty();
    if (dispatch) connection->busy = true;
  }
  if (overflow) {
    close_connection(connection, "more than " + std::to_string(settings.max_queued) + " requests queued");
    return false;
  }
  if (dispatch) hand_to_worker(connection);
  if (!connection->reader.error().empty()) {
    close_connection(connection, connection->reader.error());  // queued requests are still answered
    return false;
  }
  return true;
}

void Server::Impl::close_connection(const ConnectionPtr& connection, const std::string& why) {
  int fd = connection->fd.get();
  ::epoll_ctl(epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
  if (!why.empty()) report("closing a connection: " + why);
  connections.erase(fd);  // a worker that still answers keeps it open
  set_accepting(true);
}

void Server::Impl::close_idle() {
  Clock::time_point now = Clock::now();
  std::vector<ConnectionPtr> idle;
  for (const auto& [fd, connection] : connections) {
    std::lock_guard lock(connection->mutex);
    if (!connection->busy && (connection->broken || now - connection->last_active >= settings.idle_timeout)) {
      idle.push_back(connection);
    }
  }
  for (const ConnectionPtr& connection : idle) close_connection(connection);
  if (!accepting && connections.size() < settings.max_connections) set_accepting(true);
}

// ------------------------------------------------------------ workers

void Server::Impl::hand_to_worker(ConnectionPtr connection) {
  {
    std::lock_guard lock(jobs_mutex);
    jobs.push_back(std::move(connection));
  }
  jobs_ready.notify_one();
}

ConnectionPtr Server::Impl::next_job() {
  std::unique_lock lock(jobs_mutex);
  jobs_ready.wait(lock, [this] { return workers_stop || !jobs.empty(); });
  if (workers_stop) return nullptr;
  ConnectionPtr connection = std::move(jobs.front());
  jobs.pop_front();
  return connection;
}

void Server::Impl::run_worker() {
  while (ConnectionPtr connection = next_job()) answer_queue(*connection);
}

// answer_queue - answer the connection's requests in order until its
// queue is empty, then give it back to the event thread.
void Server::Impl::answer_queue(Connection& connection) {
  for (;;) {
    std::string request;
    {
      std::lock_guard lock(connection.mutex);
      if (connection.queued.empty() || stopping) {
        connection.busy = false;
        return;
      }
      request = std::move(connection.queued.front());
      connection.queued.pop_front();
    }
    bool sent = answer_one(connection, request);
    std::lock_guard lock(connection.mutex);
    connection.last_active = Clock::now();
    if (!sent) {
      connection.broken = true;
      connection.queued.clear();
    }
  }
}

// answer_one - reply to one request; false when the reply was not sent.
bool Server::Impl::answer_one(Connection& connection, const std::string& request) {
  try {
    runtime::ConfigPtr config = hooks.config();
    Reply reply = answer(config.get(), request);
    bool sent = send_all(connection.fd.get(), core::netstring(reply.payload()), kSendTimeout);
    if (hooks.answered) hooks.answered(reply);
    return sent;
  } catch (...) {
    return false;  // out of memory, or a hook failed: drop the connection, keep serving
  }
}

// ------------------------------------------------------------ Server

Server::Server(util::UniqueFd listener, ServerHooks hooks, ServerSettings settings)
    : impl_(std::make_unique<Impl>(std::move(listener), std::move(hooks), settings)) {
  try {
    impl_->start();
  } catch (...) {
    impl_->stop();
    throw;
  }
}

Server::~Server() { stop(); }

void Server::stop() {
  if (impl_) impl_->stop();
}

}  // namespace splitroute::socketmap
