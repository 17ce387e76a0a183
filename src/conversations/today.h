// Today's figures per queue and per agent, kept from the routing engine's
// events: what a supervisor's wallboard shows. "Today" is the local day of
// the service's time zone; counters start again at local midnight.
//
// Service level today = answered within the queue's threshold / (answered +
// abandoned): the share of citizens who reached someone in time.
//
// Not thread-safe: the owner guards it (events come from the engine thread,
// reads from the API's).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "core/calendar.h"
#include "routing/engine.h"

namespace guichet::conversations {

class TodayFigures {
 public:
  struct Queue {
    std::size_t waiting = 0;
    double longest_wait_s = 0;
    std::uint64_t offered = 0;  // entered the queue today
    std::uint64_t answered = 0;
    std::uint64_t answered_in_threshold = 0;
    std::uint64_t abandoned = 0;
    double answered_wait_s = 0;
    double service_level() const;  // 1 when nobody was answered or lost yet
    double asa_s() const;
  };
  struct Agent {
    std::uint64_t offered = 0;
    std::uint64_t handled = 0;  // completed today
    std::uint64_t missed = 0;   // rejected or timed out today
  };

  explicit TodayFigures(TimeZone zone = TimeZone::europe_paris()) : zone_(std::move(zone)) {}

  void set_threshold(std::uint64_t queue, Duration threshold) { thresholds_[queue] = threshold; }
  void on_event(const routing::Event& event);

  Queue queue(std::uint64_t id, Time now) const;
  Agent agent(std::uint64_t id) const;
  // When agent `id` was signed in (not offline) today until `now`, as far
  // as these figures saw (they start with the process: `since`).
  std::vector<Stretch> signed_in(std::uint64_t id, Time now) const;
  // Where today's figures start: local midnight, or the first event seen
  // after a start.
  Time since() const { return since_; }

 private:
  void roll_day(Time at);
  void wait_starts(std::uint64_t queue, std::uint64_t interaction, Time since);
  void wait_ends(std::uint64_t interaction);

  TimeZone zone_;
  std::chrono::local_days day_{};
  std::map<std::uint64_t, Duration> thresholds_;
  std::map<std::uint64_t, Queue> queues_;  // counters only; waiting from below
  std::map<std::uint64_t, Agent> agents_;
  Time since_{};
  std::map<std::uint64_t, Time> signed_in_since_;           // agents signed in now
  std::map<std::uint64_t, std::vector<Stretch>> presence_;  // today's ended stretches
  // Interactions waiting now: where, since when (their enqueue time).
  std::map<std::uint64_t, std::pair<std::uint64_t, Time>> waiting_;
  std::map<std::uint64_t, std::set<std::pair<Time, std::uint64_t>>> waiting_by_queue_;
};

}  // namespace guichet::conversations
