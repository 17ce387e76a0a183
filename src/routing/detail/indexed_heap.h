// A binary min-heap whose entries know their position, so that any entry can
// be removed or re-keyed in O(log n) — the index behind every ranking of the
// routing engine (waiting interactions per queue stage, ready agents per
// queue stage).
//
// Entry must be copyable and ordered by Less. After every move the heap calls
// on_move(entry, new_position) so the owner can record where the entry is;
// kNoPosition is reported for an entry that leaves the heap.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

namespace guichet::routing::detail {

inline constexpr std::uint32_t kNoPosition = UINT32_MAX;

template <typename Entry, typename Less, typename OnMove>
class IndexedHeap {
 public:
  explicit IndexedHeap(OnMove on_move = OnMove(), Less less = Less())
      : less_(std::move(less)), on_move_(std::move(on_move)) {}

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  const Entry& top() const {
    assert(!entries_.empty());
    return entries_.front();
  }
  const Entry& at(std::uint32_t position) const { return entries_[position]; }

  void push(const Entry& entry) {
    entries_.push_back(entry);
    sift_up(static_cast<std::uint32_t>(entries_.size() - 1));
  }

  void erase(std::uint32_t position) {
    assert(position < entries_.size());
    on_move_(entries_[position], kNoPosition);
    const auto last = static_cast<std::uint32_t>(entries_.size() - 1);
    if (position != last) {
      entries_[position] = entries_[last];
      entries_.pop_back();
      restore(position);
    } else {
      entries_.pop_back();
    }
  }

  // Replaces the entry at `position` (same identity, new key).
  void replace(std::uint32_t position, const Entry& entry) {
    assert(position < entries_.size());
    entries_[position] = entry;
    restore(position);
  }

  // The smallest entry for which accept(entry) holds, or nullptr. Visits the
  // heap best-first, so the cost grows only with the number of entries
  // refused — O(1) when the top is accepted.
  template <typename Accept>
  const Entry* first_accepted(Accept&& accept) const {
    if (entries_.empty()) return nullptr;
    if (accept(entries_.front())) return &entries_.front();
    std::vector<std::uint32_t> frontier;  // positions, kept as a min-heap on their entries
    auto greater = [this](std::uint32_t a, std::uint32_t b) {
      return less_(entries_[b], entries_[a]);
    };
    auto add_children = [&](std::uint32_t position) {
      for (std::uint32_t child = 2 * position + 1; child <= 2 * position + 2; ++child) {
        if (child < entries_.size()) {
          frontier.push_back(child);
          std::push_heap(frontier.begin(), frontier.end(), greater);
        }
      }
    };
    add_children(0);
    while (!frontier.empty()) {
      std::pop_heap(frontier.begin(), frontier.end(), greater);
      const std::uint32_t position = frontier.back();
      frontier.pop_back();
      if (accept(entries_[position])) return &entries_[position];
      add_children(position);
    }
    return nullptr;
  }

  // Removes every entry, reporting each as gone.
  void clear() {
    for (const Entry& entry : entries_)
      on_move_(entry, kNoPosition);
    entries_.clear();
  }
  const std::vector<Entry>& entries() const { return entries_; }
  // Calls visit(entry) for every entry, in no particular order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (const Entry& entry : entries_)
      visit(entry);
  }

 private:
  void restore(std::uint32_t position) {
    if (position > 0 && less_(entries_[position], entries_[(position - 1) / 2])) {
      sift_up(position);
    } else {
      sift_down(position);
    }
  }

  void sift_up(std::uint32_t position) {
    Entry moving = entries_[position];
    while (position > 0) {
      const std::uint32_t parent = (position - 1) / 2;
      if (!less_(moving, entries_[parent])) break;
      entries_[position] = entries_[parent];
      on_move_(entries_[position], position);
      position = parent;
    }
    entries_[position] = moving;
    on_move_(entries_[position], position);
  }

  void sift_down(std::uint32_t position) {
    Entry moving = entries_[position];
    const auto size = static_cast<std::uint32_t>(entries_.size());
    while (true) {
      std::uint32_t child = 2 * position + 1;
      if (child >= size) break;
      if (child + 1 < size && less_(entries_[child + 1], entries_[child])) ++child;
      if (!less_(entries_[child], moving)) break;
      entries_[position] = entries_[child];
      on_move_(entries_[position], position);
      position = child;
    }
    entries_[position] = moving;
    on_move_(entries_[position], position);
  }

  std::vector<Entry> entries_;
  Less less_;
  OnMove on_move_;
};

}  // namespace guichet::routing::detail
