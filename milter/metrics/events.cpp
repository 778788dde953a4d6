// events.cpp - the installed metrics::Events (none by default).
#include "metrics/events.hpp"

#include <atomic>
#include <chrono>

namespace splitroute::metrics {
namespace {

std::atomic<Events*> g_events{nullptr};

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Events* events() { return g_events.load(std::memory_order_acquire); }

void install_events(Events* events) { g_events.store(events, std::memory_order_release); }

RoundTripTimer::RoundTripTimer() : events_(events()) {
  if (events_ != nullptr) start_ns_ = now_ns();
}

RoundTripTimer::~RoundTripTimer() {
  if (events_ != nullptr) events_->directory_round_trip(static_cast<double>(now_ns() - start_ns_) / 1e9);
}

}  // namespace splitroute::metrics
