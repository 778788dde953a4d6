// daemon_signals_test.cpp - SignalWatcher hands a signal that arrives while
// the main thread waits to wait(), in every build: also under
// ThreadSanitizer, which holds a signal handler back while the thread is in
// a call it does not know as blocking (a bare read() waited forever there,
// so `make check SANITIZE=thread` saw no SIGHUP reload and no SIGTERM stop).
//
// The daemon's sources are not part of the library, so signals.cpp is
// compiled into this test directly.
#include "daemon/signals.cpp"

#include <pthread.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace splitroute::daemon {
namespace {

constexpr auto kWatchdog = std::chrono::seconds(10);

// sleeping - is thread `tid` of this process blocked (state S) right now?
bool sleeping(pid_t tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  std::getline(stat, line);
  std::size_t end = line.rfind(')');  // the state follows "(comm)"
  return end != std::string::npos && end + 2 < line.size() && line[end + 2] == 'S';
}

TEST(SignalWatcher, WaitReturnsASignalSentWhileItBlocks) {
  SignalWatcher::block_signals();  // the sender below inherits the blocked mask
  SignalWatcher watcher;
  const pid_t waiter_tid = gettid();
  const pthread_t waiter = pthread_self();
  std::mutex mutex;
  std::condition_variable returned_cv;
  bool returned = false;
  std::thread sender([&] {
    while (!sleeping(waiter_tid)) std::this_thread::yield();  // readiness: wait() is blocking
    pthread_kill(waiter, SIGHUP);
    std::unique_lock lock(mutex);
    if (!returned_cv.wait_for(lock, kWatchdog, [&] { return returned; })) {
      watcher.post(SignalWatcher::kMilterStopped);  // the signal never reached wait()
    }
  });
  watcher.unblock();
  const int got = watcher.wait();
  {
    std::lock_guard lock(mutex);
    returned = true;
  }
  returned_cv.notify_one();
  sender.join();
  EXPECT_EQ(got, SIGHUP) << "wait() returned " << got << " (0: nothing within 10 s)";
}

}  // namespace
}  // namespace splitroute::daemon
