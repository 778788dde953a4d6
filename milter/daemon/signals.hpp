// signals.hpp - the daemon owns SIGHUP, SIGTERM and SIGINT.
//
// smfi_main() starts a libmilter thread that sigwait()s for HUP, TERM and
// INT and stops the milter on any of them, so a plain libmilter filter dies
// on SIGHUP.  Two threads waiting for one signal would race, so splitroute
// keeps the three signals blocked in every thread but the main one:
// block_signals() runs in main() before any thread exists (threads inherit
// the mask) and libmilter blocks them again in its own threads.  The main
// thread unblocks them with a handler that only writes the signal number to
// a pipe.  Linux offers a process-directed signal to the main thread first
// whenever that thread accepts it, so libmilter's thread never gets one;
// the main thread reads the pipe with wait() and reloads (HUP) or calls
// smfi_stop() (TERM, INT).
#pragma once

#include "util/file.hpp"

namespace splitroute::daemon {

class SignalWatcher {
 public:
  // Posted by post() when the milter thread ends on its own.
  static constexpr int kMilterStopped = 0;

  // block_signals - block HUP, TERM and INT in the calling thread and
  // ignore SIGPIPE; call first in main().
  static void block_signals();

  SignalWatcher();  // the pipe and the handlers (signals still blocked)
  ~SignalWatcher();  // blocks the signals again, restores the handlers
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // unblock - let the calling (main) thread take the signals; call before
  // smfi_main() starts libmilter's signal thread, so a signal that is
  // already pending goes to the handler.
  void unblock();

  // wait - the next signal number, or kMilterStopped.
  int wait();

  // post - wake wait() with `value` (from any thread).
  void post(int value);

 private:
  util::UniqueFd read_end_;
  util::UniqueFd write_end_;
};

const char* signal_name(int signal);

}  // namespace splitroute::daemon
