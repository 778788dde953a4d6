// file_directory.hpp - the embedded directory: a recipients file.
//
// One entry per line: `address [target]`; `#` starts a comment at the start
// of a line or after white space; case-insensitive.  An entry with a target
// is a contact (the recipient lives elsewhere, at the target address).
// The file is read when the table opens and re-read when it changes
// (checked at most once a second).  A re-read that fails (the file cannot
// be read, or has a malformed line) keeps the last good version answering;
// the failure is reported once through `Notice`, and so is the next good
// version.  Until a first good version has been read, every lookup answers
// an error: 451 4.4.3, nothing lost.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "directory/directory.hpp"
#include "directory/recipient_table.hpp"

namespace splitroute::directory {

// parse_recipients - parse the text of a recipients file named `name` (for
// messages).  Returns "" on success, else "name:LINE: what is wrong".
std::string parse_recipients(std::string_view text, std::string_view name, RecipientTable& out);

class FileDirectory final : public Directory {
 public:
  // Notice - told once of each change of state after the first read: a
  // failed re-read (`failed`, with the reason, e.g. "file:3: bad address
  // ...") and the good version that follows one.
  using Notice = std::function<void(bool failed, const std::string& message)>;

  explicit FileDirectory(std::string path, Notice notice = {});
  Answer lookup(std::string_view key) override;
  void lookup_into(std::string_view key, Answer& out) override;
  std::string describe() const override;
  // problem - why the file cannot be used right now ("" when its current
  // version is good); lookups may still be answered from the last good one.
  std::string problem();

 private:
  struct Stamp {
    std::int64_t mtime_ns = -1;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  void refresh_if_due();
  void reload(const Stamp& stamp);
  void fail(std::string problem, const Stamp& stamp);

  const std::string path_;
  const Notice notice_;
  std::shared_mutex mutex_;  // guards everything below
  RecipientTable table_;     // the last good version
  bool has_table_ = false;   // a good version has been read
  std::string problem_;      // why the file's current version is not used
  Stamp stamp_;
  std::atomic<std::int64_t> next_check_ns_{0};
  std::atomic<bool> opened_{false};  // notices are sent only after the first read  // steady clock; lock-free fast path
};

}  // namespace splitroute::directory
