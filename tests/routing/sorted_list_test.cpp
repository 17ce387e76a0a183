#include "routing/detail/sorted_list.h"

#include <gtest/gtest.h>

#include "ordered_set_fixture.h"

#include <random>
#include <set>

namespace guichet::routing::detail {
namespace {

using testing::Item;
using testing::ItemLess;
using testing::Positions;
using List = SortedList<Item, ItemLess, Positions>;

TEST(SortedList, RandomOperationsMatchAnOrderedSet) {
  constexpr std::uint32_t kItems = 300;
  std::vector<std::uint32_t> positions(kItems, kNoPosition);
  List list(Positions{&positions});
  std::set<std::pair<int, std::uint32_t>> model;
  std::vector<int> keys(kItems, 0);
  std::mt19937 random(5);
  int clock = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<std::uint32_t>(random() % kItems);
    // Mostly increasing keys, as idle times are; sometimes any key.
    const int key = random() % 4 ? ++clock : static_cast<int>(random() % (clock + 1));
    if (positions[id] == kNoPosition) {
      keys[id] = key;
      list.push({key, id});
      model.insert({key, id});
    } else if (random() % 2) {
      list.erase(positions[id]);
      model.erase({keys[id], id});
    } else {
      model.erase({keys[id], id});
      keys[id] = key;
      list.replace(positions[id], {key, id});
      model.insert({key, id});
    }
    ASSERT_EQ(list.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(list.top().id, model.begin()->second);
    }
  }
  // Walking the list gives the model's order, and positions point back.
  auto expected = model.begin();
  list.for_each([&](const Item& item) {
    ASSERT_NE(expected, model.end());
    EXPECT_EQ(item.id, expected->second);
    EXPECT_EQ(list.at(positions[item.id]).id, item.id);
    ++expected;
  });
  EXPECT_EQ(expected, model.end());
}

TEST(SortedList, FirstAcceptedSkipsRefusedEntries) {
  std::vector<std::uint32_t> positions(10, kNoPosition);
  List list(Positions{&positions});
  for (std::uint32_t id = 0; id < 10; ++id)
    list.push({static_cast<int>(id), id});
  EXPECT_EQ(list.first_accepted([](const Item& item) { return item.key >= 4; })->id, 4u);
  EXPECT_EQ(list.first_accepted([](const Item&) { return false; }), nullptr);
}

}  // namespace
}  // namespace guichet::routing::detail
