// The domain against its own clock: every time it stores comes from the
// clock it was given, not the machine's (so that tests, the simulator and a
// replay can set the time).
#include "conversations/contact_center.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "kept_events.h"
#include "store/sqlite_store.h"

namespace guichet::conversations {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

TEST(ContactCenter, StoresTheTimesOfTheClockItIsGiven) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("guichet-clock-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  auto store = store::SqliteStore::open((folder / "guichet.db").string());
  ASSERT_TRUE(store) << store.error().message;
  KeptEvents live;
  // 2 March 2026, 10:00 UTC: years from the machine's day.
  const Time fixed = std::chrono::time_point_cast<Duration>(
      std::chrono::sys_days(std::chrono::year(2026) / 3 / 2) + 10h);
  {
    ContactCenter center(**store, live, [&] { return fixed; });
    ASSERT_TRUE(center.load());
    auto queue = center.create("queue", R"({"name":"q","channel":"task"})", 0);
    ASSERT_TRUE(queue) << queue.error().message;
    const auto queue_id = json::parse(*queue).as_object().at("id").as_int64();
    auto created = center.create_interaction(R"({"channel":"task","queue_id":)" +
                                             std::to_string(queue_id) + "}");
    ASSERT_TRUE(created) << created.error().message;
    const auto id = json::parse(*created).as_object().at("id").as_int64();
    auto shown = center.interaction(static_cast<std::uint64_t>(id));
    ASSERT_TRUE(shown) << shown.error().message;
    const json::object view = json::parse(*shown).as_object();
    const json::array& timeline = view.at("timeline").as_array();
    ASSERT_FALSE(timeline.empty()) << *shown;
    for (const json::value& event : timeline) {
      EXPECT_EQ(json::value_to<std::string>(event.at("at")).substr(0, 19), "2026-03-02T10:00:00")
          << *shown;
    }
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace guichet::conversations
