#include "routing/detail/indexed_heap.h"

#include <gtest/gtest.h>

#include "ordered_set_fixture.h"

#include <algorithm>
#include <random>
#include <set>

namespace guichet::routing::detail {
namespace {

using testing::Item;
using testing::ItemLess;
using testing::Positions;
using Heap = IndexedHeap<Item, ItemLess, Positions>;

// Every entry's recorded position must point back at it.
void expect_positions_consistent(const Heap& heap, const std::vector<std::uint32_t>& positions,
                                 const std::set<std::uint32_t>& present) {
  for (std::uint32_t id = 0; id < positions.size(); ++id) {
    if (present.count(id)) {
      ASSERT_LT(positions[id], heap.size());
      EXPECT_EQ(heap.at(positions[id]).id, id);
    } else {
      EXPECT_EQ(positions[id], kNoPosition);
    }
  }
}

TEST(IndexedHeap, RandomOperationsMatchAnOrderedSet) {
  constexpr std::uint32_t kItems = 500;
  std::vector<std::uint32_t> positions(kItems, kNoPosition);
  Heap heap(Positions{&positions});
  std::set<std::pair<int, std::uint32_t>> model;
  std::vector<int> keys(kItems, 0);
  std::set<std::uint32_t> present;
  std::mt19937 random(7);  // result_type is 32 bits wide here
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<std::uint32_t>(random() % kItems);
    const int op = static_cast<int>(random() % 3);
    if (!present.count(id)) {
      keys[id] = static_cast<int>(random() % 1000);
      heap.push({keys[id], id});
      model.insert({keys[id], id});
      present.insert(id);
    } else if (op == 0) {
      heap.erase(positions[id]);
      model.erase({keys[id], id});
      present.erase(id);
    } else {
      model.erase({keys[id], id});
      keys[id] = static_cast<int>(random() % 1000);
      heap.replace(positions[id], {keys[id], id});
      model.insert({keys[id], id});
    }
    ASSERT_EQ(heap.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(heap.top().id, model.begin()->second);
    }
  }
  expect_positions_consistent(heap, positions, present);
}

TEST(IndexedHeap, FirstAcceptedSkipsRefusedEntriesInOrder) {
  std::vector<std::uint32_t> positions(100, kNoPosition);
  Heap heap(Positions{&positions});
  for (std::uint32_t id = 0; id < 100; ++id)
    heap.push({static_cast<int>((id * 37) % 100), id});
  // Refuse the 10 smallest keys: the answer is the 11th smallest.
  const Item* found = heap.first_accepted([](const Item& item) { return item.key >= 10; });
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->key, 10);
  EXPECT_EQ(heap.first_accepted([](const Item&) { return false; }), nullptr);
  EXPECT_EQ(heap.first_accepted([](const Item&) { return true; })->key, 0);
}

TEST(IndexedHeap, ClearReportsEveryEntryGone) {
  std::vector<std::uint32_t> positions(10, kNoPosition);
  Heap heap(Positions{&positions});
  for (std::uint32_t id = 0; id < 10; ++id)
    heap.push({static_cast<int>(id), id});
  heap.clear();
  EXPECT_TRUE(heap.empty());
  for (std::uint32_t position : positions)
    EXPECT_EQ(position, kNoPosition);
}

}  // namespace
}  // namespace guichet::routing::detail
