// recipient_table.hpp - what a recipients file holds, in little memory.
//
// Address key -> target ("" for a mailbox).  A node-based hash map costs
// about 150 bytes an entry (node, key string, target string, bucket);
// here every key and target sits in one text arena, an entry is 8 bytes
// (where its text starts, two lengths) and an open-addressing index holds
// 8-byte slots (entry number and 32 bits of the key's hash, so a probe
// rarely touches text that cannot match), at most half full: about 55
// bytes an entry, so 100 000 recipients take ~5 MiB instead of ~15.
// Built once (by parse_recipients), then only read: reads are thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splitroute::directory {

class RecipientTable {
 public:
  // insert_or_assign - add `key`, or give an existing key a new target.
  void insert_or_assign(std::string_view key, std::string_view target);
  // find - the target of `key` ("" for a mailbox), nullopt when absent.
  std::optional<std::string_view> find(std::string_view key) const;
  std::size_t count(std::string_view key) const { return find(key) ? 1 : 0; }
  // at - the target of `key`; throws std::out_of_range when absent.
  std::string_view at(std::string_view key) const;
  std::size_t size() const { return entries_.size(); }
  // reserve - room for `entries` entries and `text_bytes` of keys and
  // targets.  Upper bounds (the file's lines and size) cost only the
  // file's comments and white space, and spare the regrowing (and the
  // copies that would briefly double the memory) while it is read.
  void reserve(std::size_t entries, std::size_t text_bytes);

 private:
  struct Entry {
    std::uint32_t offset = 0;       // key, then target, in text_
    std::uint16_t key_size = 0;
    std::uint16_t target_size = 0;
  };
  struct Slot {
    std::uint32_t entry = 0;  // entries_ index + 1; 0: empty
    std::uint32_t tag = 0;    // high bits of the key's hash
  };

  std::string_view key_of(const Entry& entry) const { return {text_.data() + entry.offset, entry.key_size}; }
  std::string_view target_of(const Entry& entry) const {
    return {text_.data() + entry.offset + entry.key_size, entry.target_size};
  }
  // slot_for - the slot holding `key`, or the empty slot where it belongs.
  std::size_t slot_for(std::string_view key, std::uint64_t hash) const;
  // empty_slot_for - the first empty slot from `hash`'s place (rehashing).
  std::size_t empty_slot_for(std::uint64_t hash) const;
  void rehash(std::size_t slot_count);

  std::string text_;
  std::vector<Entry> entries_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
};

}  // namespace splitroute::directory
