// recipient_table.cpp - a compact, read-mostly hash table of recipients.
#include "directory/recipient_table.hpp"

#include <functional>
#include <limits>
#include <stdexcept>

namespace splitroute::directory {
namespace {

constexpr std::size_t kFirstSlots = 16;

std::uint64_t hash_of(std::string_view key) { return std::hash<std::string_view>{}(key); }
std::uint32_t tag_of(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

}  // namespace

std::size_t RecipientTable::slot_for(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const std::uint32_t tag = tag_of(hash);
  for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.entry == 0) return i;
    if (slot.tag == tag && key_of(entries_[slot.entry - 1]) == key) return i;
  }
}

std::size_t RecipientTable::empty_slot_for(std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>(hash) & mask;
  while (slots_[i].entry != 0) i = (i + 1) & mask;
  return i;
}

void RecipientTable::insert_or_assign(std::string_view key, std::string_view target) {
  constexpr std::size_t kMaxPart = std::numeric_limits<std::uint16_t>::max();
  if (key.size() > kMaxPart || target.size() > kMaxPart) throw std::length_error("recipient entry too long");
  if (text_.size() + key.size() + target.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("recipients table too large");
  }
  if ((entries_.size() + 1) * 2 > slots_.size()) rehash(slots_.empty() ? kFirstSlots : slots_.size() * 2);
  Entry entry{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint16_t>(key.size()),
              static_cast<std::uint16_t>(target.size())};
  text_.append(key).append(target);  // a new target for a known key leaves its old text unused
  const std::uint64_t hash = hash_of(key);
  Slot& slot = slots_[slot_for(key, hash)];
  if (slot.entry != 0) {
    entries_[slot.entry - 1] = entry;
    return;
  }
  entries_.push_back(entry);
  slot = Slot{static_cast<std::uint32_t>(entries_.size()), tag_of(hash)};
}

std::optional<std::string_view> RecipientTable::find(std::string_view key) const {
  if (slots_.empty()) return std::nullopt;
  const Slot& slot = slots_[slot_for(key, hash_of(key))];
  if (slot.entry == 0) return std::nullopt;
  return target_of(entries_[slot.entry - 1]);
}

std::string_view RecipientTable::at(std::string_view key) const {
  std::optional<std::string_view> target = find(key);
  if (!target) throw std::out_of_range("no such recipient");
  return *target;
}

void RecipientTable::reserve(std::size_t entries, std::size_t text_bytes) {
  text_.reserve(text_bytes);
  entries_.reserve(entries);
  std::size_t slots = kFirstSlots;
  while (slots < entries * 2) slots *= 2;
  if (slots > slots_.size()) rehash(slots);
}

// rehash - `slot_count` slots (a power of two), every entry placed again.
void RecipientTable::rehash(std::size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  for (const Slot& slot : old) {
    if (slot.entry == 0) continue;
    slots_[empty_slot_for(hash_of(key_of(entries_[slot.entry - 1])))] = slot;
  }
}

}  // namespace splitroute::directory
