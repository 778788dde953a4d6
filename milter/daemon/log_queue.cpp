// log_queue.cpp - a bounded ring of log records and its writer thread.
#include "daemon/log_queue.hpp"

#include <chrono>
#include <utility>

namespace splitroute::daemon {
namespace {

// The writer wakes at least this often when idle, and as soon as the ring
// is a quarter full: a request thread does not pay for a wake-up per line.
constexpr auto kWriterPeriod = std::chrono::milliseconds(2);

// Every string of the ring and of the writer's batch starts with room for
// a usual line (a recipient's is about 200 bytes), so that swapping them
// never hands a request thread a string that must grow.
constexpr std::size_t kLineReserve = 256;

}  // namespace

LogQueue::LogQueue(std::size_t capacity, Sink sink) : sink_(std::move(sink)), ring_(capacity == 0 ? 1 : capacity) {
  for (LogRecord& record : ring_) record.text.reserve(kLineReserve);
  writer_ = std::thread([this] { run(); });
}

LogQueue::~LogQueue() { stop(); }

bool LogQueue::push(int level, std::int64_t ms, std::string_view text) {
  std::unique_lock lock(mutex_);
  if (closed_) {  // the writer is gone: write it here, in order, under the lock
    LogRecord record{level, ms, std::string(text)};
    sink_(std::span<const LogRecord>(&record, 1));
    return false;
  }
  bool waited = false;
  if (size_ == ring_.size()) {
    waited = true;
    waits_.fetch_add(1, std::memory_order_relaxed);
    has_lines_.notify_one();
    has_room_.wait(lock, [this] { return size_ < ring_.size(); });  // the writer drains even when stopping
  }
  LogRecord& record = ring_[(head_ + size_) % ring_.size()];
  record.level = level;
  record.ms = ms;
  record.text.assign(text);
  ++size_;
  if (size_ == ring_.size() / 4 + 1) has_lines_.notify_one();
  return waited;
}

void LogQueue::stop() {
  const std::lock_guard stopping(stop_mutex_);
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  has_lines_.notify_one();
  has_room_.notify_all();
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

// run - take every queued record (swapping strings, so capacities move
// between the ring and the batch instead of being allocated), write them
// without the lock, repeat; after stop(), until the ring is empty.
void LogQueue::run() {
  std::vector<LogRecord> batch(ring_.size());
  for (LogRecord& record : batch) record.text.reserve(kLineReserve);
  for (;;) {
    std::size_t taken = 0;
    {
      std::unique_lock lock(mutex_);
      if (size_ == 0 && !stopping_) has_lines_.wait_for(lock, kWriterPeriod);
      if (size_ == 0 && stopping_) {
        closed_ = true;
        return;
      }
      for (; taken < size_; ++taken) {
        LogRecord& record = ring_[(head_ + taken) % ring_.size()];
        std::swap(batch[taken], record);
      }
      head_ = (head_ + taken) % ring_.size();
      size_ = 0;
    }
    if (taken == 0) continue;
    has_room_.notify_all();
    sink_(std::span<const LogRecord>(batch.data(), taken));
  }
}

}  // namespace splitroute::daemon
