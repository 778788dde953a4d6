// file_directory.cpp - the embedded directory: a recipients file.
#include "directory/file_directory.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

#include "core/address.hpp"
#include "util/file.hpp"

namespace splitroute::directory {
namespace {

constexpr std::size_t kMaxFileBytes = 256u << 20;
constexpr std::int64_t kCheckIntervalNs = 1'000'000'000;

std::int64_t steady_now_ns() {
  using namespace std::chrono;
  return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// strip_comment - the line without a `#` comment that starts the line or
// follows white space (a `#` inside an address is part of it).
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || is_space(line[i - 1]))) return line.substr(0, i);
  }
  return line;
}

// next_field - the next run of non-space characters in `rest`, consumed.
std::string_view next_field(std::string_view& rest) {
  std::size_t begin = 0;
  while (begin < rest.size() && is_space(rest[begin])) ++begin;
  std::size_t end = begin;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  std::string_view field = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return field;
}

std::string line_error(std::string_view name, std::size_t number, std::string_view what) {
  return std::string(name) + ":" + std::to_string(number) + ": " + std::string(what);
}

// parse_line - one non-empty entry into `out`; "" or the reason it is bad.
std::string parse_line(std::string_view line, RecipientTable& out) {
  std::string_view rest = line;
  std::string_view address_text = next_field(rest);
  std::string_view target_text = next_field(rest);
  if (!next_field(rest).empty()) return "more than two fields";
  core::Address address;
  if (std::string why = core::parse_address(address_text, address); !why.empty()) {
    return "bad address \"" + std::string(address_text) + "\": " + why;
  }
  std::string target;
  if (!target_text.empty()) {
    core::Address target_address;
    if (std::string why = core::parse_address(target_text, target_address); !why.empty()) {
      return "bad target \"" + std::string(target_text) + "\": " + why;
    }
    target = target_address.text();
  }
  out.insert_or_assign(address.key(), target);
  return {};
}

}  // namespace

std::string parse_recipients(std::string_view text, std::string_view name, RecipientTable& out) {
  out.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1, text.size());
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t eol = text.find('\n');
    std::string_view line = strip_comment(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::string_view rest = line;
    if (next_field(rest).empty()) continue;
    if (std::string why = parse_line(line, out); !why.empty()) return line_error(name, number, why);
  }
  return {};
}

FileDirectory::FileDirectory(std::string path, Notice notice)
    : path_(std::move(path)), notice_(std::move(notice)) {
  refresh_if_due();
  opened_ = true;  // what the first read found is the opener's to report
}

std::string FileDirectory::describe() const { return "file:" + path_; }

std::string FileDirectory::problem() {
  refresh_if_due();
  std::shared_lock lock(mutex_);
  return problem_;
}

Answer FileDirectory::lookup(std::string_view key) {
  Answer answer;
  lookup_into(key, answer);
  return answer;
}

void FileDirectory::lookup_into(std::string_view key, Answer& out) {
  refresh_if_due();
  std::shared_lock lock(mutex_);
  if (!has_table_) return assign(out, core::Lookup::error, {}, problem_);
  std::optional<std::string_view> target = table_.find(key);
  assign(out, target ? core::Lookup::hit : core::Lookup::miss, target.value_or(std::string_view()), {});
}

// refresh_if_due - at most once a second, stat the file and re-read it when
// it changed.  The fast path is one atomic load.
void FileDirectory::refresh_if_due() {
  std::int64_t now = steady_now_ns();
  std::int64_t due = next_check_ns_.load(std::memory_order_relaxed);
  if (now < due) return;
  if (!next_check_ns_.compare_exchange_strong(due, now + kCheckIntervalNs)) return;  // another thread checks
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    fail("cannot read " + path_ + ": " + std::strerror(errno), Stamp{});
    return;
  }
  Stamp stamp{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
              static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino)};
  bool unchanged;
  {
    std::shared_lock lock(mutex_);
    unchanged = stamp == stamp_;
  }
  if (!unchanged) reload(stamp);
}

// reload - read and parse outside the lock, then swap the table in.
void FileDirectory::reload(const Stamp& stamp) {
  std::string text;
  RecipientTable table;
  std::string problem = util::read_file(path_, kMaxFileBytes, text);
  if (problem.empty()) problem = parse_recipients(text, path_, table);
  if (!problem.empty()) {
    // A read error is tried again in a second; a malformed version only
    // once it changes.
    fail(std::move(problem), text.empty() ? Stamp{} : stamp);
    return;
  }
  std::unique_lock lock(mutex_);
  bool recovered = !problem_.empty();
  std::size_t entries = table.size();
  table_ = std::move(table);
  has_table_ = true;
  problem_.clear();
  stamp_ = stamp;
  lock.unlock();
  if (recovered && opened_ && notice_) {
    notice_(false, fmt::format("{}: read again: {} entries", path_, entries));
  }
}

// fail - the file's current version is not usable: keep the last good one
// (if any) and say so once per distinct problem.
void FileDirectory::fail(std::string problem, const Stamp& stamp) {
  std::unique_lock lock(mutex_);
  stamp_ = stamp;
  if (problem == problem_) return;
  problem_ = std::move(problem);
  std::string message = has_table_ ? fmt::format("{}; keeping the previous version of {}", problem_, path_)
                                    : problem_;
  lock.unlock();
  if (opened_ && notice_) notice_(true, message);
}

}  // namespace splitroute::directory
