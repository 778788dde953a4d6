// config_store.cpp - the current configuration, startup load and reload.
#include "daemon/config_store.hpp"

#include <utility>

#include <fmt/format.h>

#include "daemon/log.hpp"
#include "metrics/metrics.hpp"

namespace splitroute::daemon {
namespace {

// log_diagnostics - "error: FILE: /pointer: message", one line each.
void log_diagnostics(const runtime::ConfigLoad& load) {
  for (const core::Diagnostic& d : load.diagnostics) {
    Level level = d.severity == core::Severity::error ? Level::error : Level::warning;
    if (d.pointer.empty()) {
      log_line(level, fmt::format("{}: {}", load.path, d.message));
    } else {
      log_line(level, fmt::format("{}: {}: {}", load.path, d.pointer, d.message));
    }
  }
}

// recipients_notice - a recipients file's later changes, in the log: the
// failed re-read once (the last good version keeps answering), and the good
// version after it.
void recipients_notice(bool failed, const std::string& message) {
  if (failed) {
    log_error("recipients file: {}", message);
  } else {
    log_info("recipients file: {}", message);
  }
}

}  // namespace

runtime::ConfigPtr ConfigStore::current() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void ConfigStore::replace(runtime::ConfigPtr config) {
  runtime::ConfigPtr old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(config_, std::move(config));
  }
  // `old` is released here, outside the lock (its last user may be us).
}

ConfigStore& config_store() {
  static ConfigStore store;
  return store;
}

std::string describe_config(const runtime::Config& config) {
  const core::Ruleset& rules = config.rules;
  return fmt::format("{} accepted domains, {} send connectors, mode {}, organization {}",
                     rules.accepted_domains.size(), rules.send_connectors.size(), core::to_string(rules.mode),
                     rules.organization.empty() ? "(host name)" : rules.organization);
}

runtime::ConfigPtr load_startup_config(const std::string& path) {
  runtime::ConfigLoad load = runtime::load_config(path, true, recipients_notice);
  log_diagnostics(load);
  return load.config;
}

bool reload_config(ConfigStore& store, const std::string& path) {
  log_info("reloading {}", path);
  runtime::ConfigLoad load = runtime::load_config(path, true, recipients_notice);
  log_diagnostics(load);
  metrics::Metrics* m = metrics::installed();
  if (!load.config) {
    log_error("reload of {} failed; keeping the previous configuration", path);
    if (m) m->config_reload(false);
    return false;
  }
  if (!load.directory_problem.empty()) {
    log_error("reload of {} failed: directory unusable; keeping the previous configuration", path);
    if (m) m->config_reload(false);
    return false;
  }
  log_info("configuration reloaded from {}: {}", path, describe_config(*load.config));
  store.replace(std::move(load.config));
  if (m) {
    m->config_reload(true);
    m->config_loaded();
  }
  return true;
}

}  // namespace splitroute::daemon
