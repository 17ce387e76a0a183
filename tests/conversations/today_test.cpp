#include "conversations/today.h"

#include <gtest/gtest.h>

namespace guichet::conversations {
namespace {

using routing::Event;
using routing::EventType;

Event event(EventType type, std::int64_t at_s, std::uint64_t interaction, std::int64_t waited_s,
            std::uint64_t agent = 0) {
  Event e;
  e.type = type;
  e.at = time_from_ms(1'796'025'600'000 + at_s * 1000);  // 2026-11-30 08:00 UTC
  e.interaction = interaction;
  e.queue = 1;
  e.agent = agent;
  e.waited = Duration(waited_s * 1000);
  return e;
}

TEST(TodayFigures, ServiceLevelAsaAndLongestWait) {
  TodayFigures today;
  today.set_threshold(1, Duration(20'000));
  today.on_event(event(EventType::kQueued, 0, 1, 0));
  today.on_event(event(EventType::kQueued, 5, 2, 0));
  today.on_event(event(EventType::kQueued, 6, 3, 0));
  today.on_event(event(EventType::kOffered, 10, 1, 10, 7));
  today.on_event(event(EventType::kAccepted, 12, 1, 12, 7));  // in threshold
  today.on_event(event(EventType::kOffered, 30, 2, 25, 8));
  today.on_event(event(EventType::kRejected, 31, 2, 26, 8));  // back to its place
  today.on_event(event(EventType::kAbandoned, 40, 3, 34));
  auto q = today.queue(1, time_from_ms(1'796'025'600'000 + 45'000));
  EXPECT_EQ(q.offered, 3u);
  EXPECT_EQ(q.answered, 1u);
  EXPECT_EQ(q.abandoned, 1u);
  EXPECT_EQ(q.waiting, 1u);                  // interaction 2
  EXPECT_DOUBLE_EQ(q.longest_wait_s, 40.0);  // enqueued at 5
  EXPECT_DOUBLE_EQ(q.service_level(), 0.5);  // 1 in threshold of 1 answered + 1 abandoned
  EXPECT_DOUBLE_EQ(q.asa_s(), 12.0);
  EXPECT_EQ(today.agent(8).missed, 1u);
  today.on_event(event(EventType::kCompleted, 50, 1, 50, 7));
  EXPECT_EQ(today.agent(7).handled, 1u);
}

TEST(TodayFigures, CountersStartAgainAtLocalMidnight) {
  TodayFigures today;  // Europe/Paris: midnight is 23:00 UTC in winter
  today.on_event(event(EventType::kQueued, 0, 1, 0));
  today.on_event(event(EventType::kAbandoned, 10, 1, 10));
  EXPECT_EQ(today.queue(1, {}).abandoned, 1u);
  today.on_event(event(EventType::kQueued, 15 * 3600 + 60, 2, 0));  // 23:01 UTC: next day in Paris
  auto q = today.queue(1, {});
  EXPECT_EQ(q.abandoned, 0u);
  EXPECT_EQ(q.offered, 1u);
}

}  // namespace
}  // namespace guichet::conversations
