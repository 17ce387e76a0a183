// The entry type shared by the tests of the engine's ordered indexes
// (IndexedHeap, SortedList): a key, an id, and a table of recorded positions.
#pragma once

#include <cstdint>
#include <vector>

namespace guichet::routing::detail::testing {

struct Item {
  int key = 0;
  std::uint32_t id = 0;
};
struct ItemLess {
  bool operator()(const Item& a, const Item& b) const {
    return a.key != b.key ? a.key < b.key : a.id < b.id;
  }
};
// Records where each item is, as the engine records where each agent is.
struct Positions {
  std::vector<std::uint32_t>* positions = nullptr;
  void operator()(const Item& item, std::uint32_t position) const {
    (*positions)[item.id] = position;
  }
};

}  // namespace guichet::routing::detail::testing
