// events.hpp - what the library reports to the daemon's metrics.
//
// The routing library (runtime, directory) knows nothing of Prometheus: it
// tells an Events object, when one is installed, about the few things only
// it sees (a directory lookup and where its answer came from, a real round
// trip to the directory and its duration, an LDAP failover).  The daemon
// installs metrics::Metrics (metrics/metrics.hpp) when run with -M; without
// it events() is null and each report costs one load and one branch.
#pragma once

#include "core/router.hpp"

namespace splitroute::metrics {

enum class Source { cache, directory };

class Events {
 public:
  virtual ~Events() = default;
  // directory_lookup - one key looked up: its result, and whether the
  // answer came from the answer cache or from the directory itself.
  virtual void directory_lookup(core::Lookup result, Source source) = 0;
  // directory_round_trip - a real request to the directory took `seconds`.
  virtual void directory_round_trip(double seconds) = 0;
  // ldap_failover - a server failed and the next URI is being tried.
  virtual void ldap_failover() = 0;
};

// events - the installed Events, or null (metrics off).
Events* events();

// install_events - install `events` (null: none); it must outlive every
// thread that reports.
void install_events(Events* events);

// RoundTripTimer - reports the time from construction to destruction as a
// directory round trip (nothing when metrics are off).
class RoundTripTimer {
 public:
  RoundTripTimer();
  ~RoundTripTimer();
  RoundTripTimer(const RoundTripTimer&) = delete;
  RoundTripTimer& operator=(const RoundTripTimer&) = delete;

 private:
  Events* events_;
  long long start_ns_ = 0;
};

}  // namespace splitroute::metrics
