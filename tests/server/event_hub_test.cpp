#include "server/event_hub.h"

#include <gtest/gtest.h>

namespace guichet::server {
namespace {

TEST(EventHub, EachSubscriberSeesItsAudience) {
  EventHub hub;
  auto agent7 = hub.subscribe(7, false, 0);
  auto supervisor = hub.subscribe(1, true, 0);
  hub.publish(7, 3, R"({"type":"offered"})");
  hub.publish(8, 3, R"({"type":"offered"})");
  hub.publish(0, 4, R"({"type":"queued"})");
  EXPECT_EQ(agent7->take(), std::vector<std::string>{R"({"id":1,"type":"offered"})"});
  EXPECT_EQ(supervisor->take().size(), 3u);
  supervisor->set_queues({4});
  hub.publish(8, 3, R"({"type":"accepted"})");
  hub.publish(0, 4, R"({"type":"escalated"})");
  EXPECT_EQ(supervisor->take(), std::vector<std::string>{R"({"id":5,"type":"escalated"})"});
}

TEST(EventHub, AReconnectionGetsWhatWasMissedOrAReset) {
  EventHub hub(/*window=*/3);
  for (int i = 0; i < 5; ++i)
    hub.publish(7, 1, R"({"type":"queued"})");
  auto caught_up = hub.subscribe(7, false, 3);
  EXPECT_EQ(caught_up->take(), (std::vector<std::string>{R"({"id":4,"type":"queued"})",
                                                         R"({"id":5,"type":"queued"})"}));
  auto too_late = hub.subscribe(7, false, 1);  // 2 is gone from the window
  auto messages = too_late->take();
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.front().find("\"reset\""), std::string::npos);
}

TEST(EventHub, ASlowReaderIsToldToReloadNotAllowedToGrow) {
  EventHub hub(100, /*max_pending=*/2);
  auto slow = hub.subscribe(7, false, 0);
  int notified = 0;
  slow->on_ready([&notified] { ++notified; });
  for (int i = 0; i < 5; ++i)
    hub.publish(7, 1, R"({"type":"queued"})");
  auto messages = slow->take();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages.front().find("\"reset\""), std::string::npos);
  EXPECT_TRUE(slow->ended());
  EXPECT_GT(notified, 0);
  slow.reset();
  EXPECT_EQ(hub.subscribers(), 0u);
}

}  // namespace
}  // namespace guichet::server
