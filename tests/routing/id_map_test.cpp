#include "routing/detail/id_map.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

namespace guichet::routing::detail {
namespace {

TEST(IdMap, RandomOperationsMatchAStandardMap) {
  IdMap map;
  std::unordered_map<std::uint64_t, std::uint32_t> model;
  std::mt19937_64 random(3);
  for (int step = 0; step < 200'000; ++step) {
    // Few distinct ids, so that erasures often hit clusters of collisions.
    const std::uint64_t id = random() % 5'000 + 1;
    if (random() % 3 == 0) {
      map.erase(id);
      model.erase(id);
    } else {
      const auto slot = static_cast<std::uint32_t>(random() % 1'000'000);
      map.insert(id, slot);
      model[id] = slot;
    }
    const std::uint64_t probe = random() % 5'000 + 1;
    const auto expected = model.count(probe) ? model[probe] : IdMap::kAbsent;
    ASSERT_EQ(map.find(probe), expected) << "step " << step;
  }
  EXPECT_EQ(map.size(), model.size());
  for (const auto& [id, slot] : model)
    EXPECT_EQ(map.find(id), slot);
}

TEST(IdMap, ZeroIsNeverAnId) {
  IdMap map;
  EXPECT_EQ(map.find(0), IdMap::kAbsent);
  map.insert(7, 1);
  map.erase(0);
  EXPECT_EQ(map.find(0), IdMap::kAbsent);
  EXPECT_EQ(map.find(7), 1u);
}

}  // namespace
}  // namespace guichet::routing::detail
