// file_directory.hpp - the embedded directory: a recipients file.
//
// One entry per line: `address [target]`; `#` starts a comment at the start
// of a line or after white space; case-insensitive.  An entry with a target
// is a contact (the recipient lives elsewhere, at the target address).
// The file is read when the table opens and re-read when it changes
// (checked at most once a second).  While it cannot be read, or has a
// malformed line, every lookup answers an error: 451 4.4.3, nothing lost.
#pragma once

#include <atomic>
#include <cstdint>
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
  explicit FileDirectory(std::string path);
  Answer lookup(std::string_view key) override;
  std::string describe() const override;
  // problem - why the table is unusable right now ("" when it is usable).
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

  const std::string path_;
  std::shared_mutex mutex_;  // guards everything below
  RecipientTable table_;
  std::string problem_;
  Stamp stamp_;
  std::atomic<std::int64_t> next_check_ns_{0};  // steady clock; lock-free fast path
};

}  // namespace splitroute::directory
