// A sorted doubly-linked list with the same interface as IndexedHeap, for
// keys that mostly arrive in increasing order — the ready agents of a
// longest-idle queue, keyed by the time they became idle, which is "now" when
// they join. Inserting walks back from the tail, so it is O(1) when the new
// key is the largest (the usual case) and O(k) when it passes k entries
// (configuration changes); erasing and reading the smallest are O(1).
//
// An entry's position is the index of its node, which never moves while the
// entry is in the list; on_move reports it on insertion and kNoPosition on
// removal, as IndexedHeap does.
#pragma once

#include <cassert>
#include <cstdint>
#include <utility>
#include <vector>

#include "routing/detail/indexed_heap.h"

namespace guichet::routing::detail {

template <typename Entry, typename Less, typename OnMove>
class SortedList {
 public:
  explicit SortedList(OnMove on_move = OnMove(), Less less = Less())
      : less_(std::move(less)), on_move_(std::move(on_move)) {}

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const Entry& top() const {
    assert(size_ > 0);
    return nodes_[head_].entry;
  }
  const Entry& at(std::uint32_t position) const { return nodes_[position].entry; }

  void push(const Entry& entry) {
    std::uint32_t node;
    if (free_ != kNoPosition) {
      node = free_;
      free_ = nodes_[node].next;
    } else {
      node = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    nodes_[node].entry = entry;
    link(node);
    ++size_;
    on_move_(entry, node);
  }

  void erase(std::uint32_t position) {
    assert(position < nodes_.size());
    on_move_(nodes_[position].entry, kNoPosition);
    unlink(position);
    nodes_[position].next = free_;
    free_ = position;
    --size_;
  }

  // Replaces the entry at `position` (same identity, new key); the position stays.
  void replace(std::uint32_t position, const Entry& entry) {
    unlink(position);
    nodes_[position].entry = entry;
    link(position);
  }

  // The smallest entry for which accept(entry) holds, or nullptr.
  template <typename Accept>
  const Entry* first_accepted(Accept&& accept) const {
    for (std::uint32_t node = head_; node != kNoPosition; node = nodes_[node].next) {
      if (accept(nodes_[node].entry)) return &nodes_[node].entry;
    }
    return nullptr;
  }

  // Calls visit(entry) for every entry, smallest first.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (std::uint32_t node = head_; node != kNoPosition; node = nodes_[node].next) {
      visit(nodes_[node].entry);
    }
  }

 private:
  struct Node {
    Entry entry{};
    std::uint32_t prev = kNoPosition;
    std::uint32_t next = kNoPosition;
  };

  // Links `node` after the last entry not greater than it.
  void link(std::uint32_t node) {
    std::uint32_t after = tail_;
    while (after != kNoPosition && less_(nodes_[node].entry, nodes_[after].entry)) {
      after = nodes_[after].prev;
    }
    nodes_[node].prev = after;
    nodes_[node].next = after == kNoPosition ? head_ : nodes_[after].next;
    if (nodes_[node].next != kNoPosition) {
      nodes_[nodes_[node].next].prev = node;
    } else {
      tail_ = node;
    }
    if (after != kNoPosition) {
      nodes_[after].next = node;
    } else {
      head_ = node;
    }
  }

  void unlink(std::uint32_t node) {
    const std::uint32_t prev = nodes_[node].prev;
    const std::uint32_t next = nodes_[node].next;
    (prev != kNoPosition ? nodes_[prev].next : head_) = next;
    (next != kNoPosition ? nodes_[next].prev : tail_) = prev;
  }

  std::vector<Node> nodes_;
  std::uint32_t head_ = kNoPosition;
  std::uint32_t tail_ = kNoPosition;
  std::uint32_t free_ = kNoPosition;
  std::size_t size_ = 0;
  Less less_;
  OnMove on_move_;
};

}  // namespace guichet::routing::detail
