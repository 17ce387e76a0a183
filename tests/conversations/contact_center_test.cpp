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

#include "core/json_format.h"
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
    NewInteraction task;
    task.queue = static_cast<std::uint64_t>(queue_id);
    auto created = center.create_interaction(task);
    ASSERT_TRUE(created) << created.error().message;
    auto shown = center.interaction(created->stored.id);
    ASSERT_TRUE(shown) << shown.error().message;
    ASSERT_FALSE(shown->timeline.empty());
    EXPECT_EQ(iso8601(shown->view.stored.enqueued_at).substr(0, 19), "2026-03-02T10:00:00");
    for (const store::InteractionEvent& event : shown->timeline) {
      EXPECT_EQ(iso8601(event.at).substr(0, 19), "2026-03-02T10:00:00") << event.type;
    }
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace guichet::conversations
