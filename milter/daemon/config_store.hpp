// config_store.hpp - the configuration that new milter connections take.
//
// A connection copies the shared pointer once, at connect, and keeps it to
// the end (OpenDKIM's refcounted config): a reload swaps the pointer here
// and never touches a configuration a live connection still uses; the old
// one is freed when its last connection closes.
#pragma once

#include <mutex>
#include <string>

#include "runtime/config.hpp"

namespace splitroute::daemon {

class ConfigStore {
 public:
  runtime::ConfigPtr current() const;
  void replace(runtime::ConfigPtr config);

 private:
  mutable std::mutex mutex_;
  runtime::ConfigPtr config_;
};

// config_store - the process-wide store the callbacks read.
ConfigStore& config_store();

// load_startup_config - load `path` and log its diagnostics; null when it
// has errors.  A directory problem is only a warning here: the milter
// starts and tempfails the recipients that need the directory.
runtime::ConfigPtr load_startup_config(const std::string& path);

// reload_config - load `path` again; replace the store's configuration only
// when it has no error and its directory is usable, else log why and keep
// the old one.  Returns whether it replaced.
bool reload_config(ConfigStore& store, const std::string& path);

// describe_config - "N accepted domains, N send connectors, mode M, organization O".
std::string describe_config(const runtime::Config& config);

}  // namespace splitroute::daemon
