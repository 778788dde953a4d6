// directory.hpp - the recipient directory interface.
//
// Every table (the embedded file directory, LDAP, the cache in front of it)
// answers one question: is this address one of ours, and is it a mailbox or a
// contact living elsewhere?  A lookup has three outcomes: hit, miss, or error.
// An error is always temporary for the caller (451 4.4.3, never a 5xx).
// Implementations must be safe to call from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/router.hpp"

namespace splitroute::directory {

using Answer = core::DirectoryAnswer;

class Directory {
 public:
  virtual ~Directory() = default;
  // lookup - `key` is a whole address in lowercase (core::Address::key()).
  virtual Answer lookup(std::string_view key) = 0;
  // lookup_into - the same answer written into `out`: a table that answers
  // from memory overrides it to reuse `out`'s strings (no allocation on
  // the per-recipient path).
  virtual void lookup_into(std::string_view key, Answer& out) { out = lookup(key); }
  // describe - "file:/etc/splitroute/recipients.txt", for logs and trails.
  virtual std::string describe() const = 0;
};

using DirectoryPtr = std::shared_ptr<Directory>;

// assign - set every field of `out` (key and source emptied), keeping the
// strings' capacity.
inline void assign(Answer& out, core::Lookup result, std::string_view target, std::string_view detail) {
  out.result = result;
  out.target.assign(target);
  out.detail.assign(detail);
  out.key.clear();
  out.source.clear();
}

}  // namespace splitroute::directory
