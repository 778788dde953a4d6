// main.cpp - splitroute-milter: the libmilter filter Postfix and Sendmail
// talk to.  See splitroute-milter(8).
//
// Start-up order: options; block HUP/TERM/INT (before any thread exists);
// fork into the background unless -f; load the rules; open the sockets
// (milter, and socketmap with -s); write the pid file; drop privileges;
// serve: the socketmap server's threads, smfi_main() in its own thread,
// while the main thread handles signals (reload or stop).
#include <libmilter/mfapi.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "daemon/config_store.hpp"
#include "daemon/listener.hpp"
#include "daemon/log.hpp"
#include "daemon/notify.hpp"
#include "daemon/options.hpp"
#include "metrics/metrics.hpp"
#include "daemon/process.hpp"
#include "daemon/signals.hpp"
#include "daemon/socketmap_service.hpp"
#include "runtime/config.hpp"
#include "util/listen_socket.hpp"
#include "util/socket_spec.hpp"
#include "util/version.hpp"

namespace splitroute::daemon {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr std::chrono::milliseconds kWakeInterval{20};

std::string absolute(const std::string& path) {
  if (path.empty()) return path;
  return std::filesystem::absolute(path).lexically_normal().string();
}

// MilterThread - smfi_main() on its own thread; stopped and joined at the
// latest when it goes out of scope.
class MilterThread {
 public:
  MilterThread(SignalWatcher& watcher, std::optional<util::SocketSpec> socket)
      : socket_(std::move(socket)), thread_([this, &watcher] {
          result_ = smfi_main();
          watcher.post(SignalWatcher::kMilterStopped);
        }) {}
  ~MilterThread() { stop(); }
  MilterThread(const MilterThread&) = delete;
  MilterThread& operator=(const MilterThread&) = delete;

  // stop - ask libmilter to stop and wait for smfi_main() to return.
  // smfi_stop() waits for the listener's lock, which the listener holds
  // while it polls for a connection, up to 5 s at a time: connections to
  // the socket wake it until smfi_stop() is through.
  void stop() {
    if (!thread_.joinable()) return;
    std::promise<void> stopped;
    std::future<void> done = stopped.get_future();
    std::thread stopper([&stopped] {
      smfi_stop();
      stopped.set_value();
    });
    do {
      if (socket_) util::wake_listener(*socket_);
    } while (done.wait_for(kWakeInterval) != std::future_status::ready);
    stopper.join();
    thread_.join();
  }
  bool failed() const { return result_ != MI_SUCCESS; }

 private:
  std::atomic<int> result_{MI_SUCCESS};
  std::optional<util::SocketSpec> socket_;
  std::thread thread_;
};

// status - what `systemctl status` shows: the rules in force and the
// outcome of the last reload.
std::string status(const std::string& last_reload) {
  runtime::ConfigPtr config = config_store().current();
  std::string rules = config ? describe_config(*config) : "no rules";
  return last_reload.empty() ? rules : fmt::format("{}; last reload {}", rules, last_reload);
}

void reload(const std::string& rules) {
  notify_reloading();
  std::string outcome = "failed, previous rules kept";
  try {
    if (reload_config(config_store(), rules)) outcome = "ok";
  } catch (const std::exception& e) {
    log_error("reload of {} failed: {}; keeping the previous configuration", rules, e.what());
  }
  notify_ready(status(outcome));
}

// serve - run the milter (and the socketmap server, if it has a socket)
// until SIGTERM/SIGINT; SIGHUP reloads.
int serve(const Options& options, util::UniqueFd socketmap_listener) {
  const std::string& rules = options.rules;
  SignalWatcher watcher;
  std::unique_ptr<socketmap::Server> socketmap;  // its threads keep the signals blocked
  if (socketmap_listener) socketmap = start_socketmap(std::move(socketmap_listener));
  watcher.unblock();  // before libmilter's own signal thread exists
  std::string why;
  MilterThread milter(watcher, util::parse_socket_spec(options.socket, why));
  notify_ready(status(""));
  int signal;
  while ((signal = watcher.wait()) == SIGHUP) reload(rules);
  bool by_itself = signal == SignalWatcher::kMilterStopped;
  notify_stopping();
  if (by_itself) {
    log_error("the milter stopped by itself");
  } else {
    log_info("stopping on {}", signal_name(signal));
  }
  milter.stop();
  socketmap.reset();
  log_info("stopped");
  return by_itself || milter.failed() ? kExitFailure : kExitOk;
}

// check_only - -n: load and report; fail on errors and on a directory the
// daemon would refuse to reload with.
int check_only(const Options& options) {
  runtime::ConfigLoad load = runtime::load_config(options.rules);
  std::fputs(load.report().c_str(), stderr);
  if (!load.config || !load.directory_problem.empty()) return kExitFailure;
  std::printf("%s: ok: %s\n", options.rules.c_str(), describe_config(*load.config).c_str());
  return kExitOk;
}

// open_metrics - the Prometheus endpoint at `address`, counting from now.
std::unique_ptr<metrics::Metrics> open_metrics(const std::string& address) {
  try {
    auto metrics = std::make_unique<metrics::Metrics>(address, util::version());
    metrics->config_loaded();
    return metrics;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("-M {}: cannot serve metrics: {}", address, e.what()));
  }
}

// MetricsInstalled - the metrics installed for the daemon's threads while
// it serves, uninstalled before they are destroyed.
struct MetricsInstalled {
  explicit MetricsInstalled(metrics::Metrics* metrics) { metrics::install(metrics); }
  ~MetricsInstalled() { metrics::install(nullptr); }
  MetricsInstalled(const MetricsInstalled&) = delete;
  MetricsInstalled& operator=(const MetricsInstalled&) = delete;
};

// AsyncLog - log lines go through the writer thread while the daemon
// serves; every queued line is written before start() returns.
// 1024 lines: 10 ms of recipients at 100 000 a second, 0.5 MiB of buffers.
constexpr std::size_t kLogQueueLines = 1024;

struct AsyncLog {
  explicit AsyncLog(bool counted) {
    void (*count_wait)() = [] {
      if (metrics::Metrics* m = metrics::installed()) m->log_queue_wait();
    };
    log_start_writer(kLogQueueLines, counted ? count_wait : nullptr);
  }
  ~AsyncLog() { log_stop_writer(); }
  AsyncLog(const AsyncLog&) = delete;
  AsyncLog& operator=(const AsyncLog&) = delete;
};

int start(Options options) {
  options.rules = absolute(options.rules);
  options.pidfile = absolute(options.pidfile);
  SignalWatcher::block_signals();
  if (options.check_only) return check_only(options);

  std::optional<Daemonizer> daemon;
  if (!options.foreground) daemon.emplace().start();
  log_open({.to_stderr = true,
            .to_syslog = !options.foreground,
            .verbose = options.verbose > 0,
            .timestamps = options.foreground && !stderr_is_journal()});

  runtime::ConfigPtr config = load_startup_config(options.rules);
  if (!config) return kExitFailure;
  config_store().replace(config);

  unsigned mode = options.socket_mode.value_or(config->rules.socket_mode.value_or(kDefaultSocketMode));
  std::optional<Identity> identity;
  if (!options.user.empty()) identity = lookup_identity(options.user);
  open_listener(options.socket, mode, identity);
  util::UniqueFd socketmap_listener;
  if (!options.socketmap.empty()) socketmap_listener = open_socketmap_listener(options.socketmap, mode, identity);
  // Both socket files go when the daemon stops (last, after the servers).
  util::SocketFile milter_file(util::unix_socket_path(options.socket));
  util::SocketFile socketmap_file(util::unix_socket_path(options.socketmap));
  std::unique_ptr<metrics::Metrics> metrics;  // before the privileges go: the port may be < 1024
  if (!options.metrics.empty()) metrics = open_metrics(options.metrics);
  const MetricsInstalled installed(metrics.get());
  std::optional<PidFile> pidfile;
  if (!options.pidfile.empty()) pidfile.emplace(options.pidfile);
  if (identity) drop_privileges(*identity);

  std::string socketmap_note = options.socketmap.empty() ? "" : ", socketmap on " + options.socketmap;
  if (metrics) socketmap_note += ", metrics on http://" + options.metrics + "/metrics";
  log_info("starting on {}{} with {}: {} (version {})", options.socket, socketmap_note,
           options.rules, describe_config(*config), util::version());
  config.reset();
  if (daemon) daemon->ready();
  const AsyncLog async_log(metrics != nullptr);
  return serve(options, std::move(socketmap_listener));
}

}  // namespace
}  // namespace splitroute::daemon

int main(int argc, char** argv) {
  using namespace splitroute::daemon;
  OptionsResult parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "splitroute-milter: %s\n%s", parsed.error.c_str(), usage().c_str());
    return kExitUsage;
  }
  if (parsed.options.help) {
    std::fputs(usage().c_str(), stdout);
    return kExitOk;
  }
  if (parsed.options.version) {
    std::string_view version = splitroute::util::version();
    std::printf("splitroute-milter %.*s\n", static_cast<int>(version.size()), version.data());
    return kExitOk;
  }
  try {
    return start(std::move(parsed.options));
  } catch (const std::exception& e) {
    log_error("fatal: {}", e.what());
    return kExitFailure;
  }
}
