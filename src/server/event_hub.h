// Real-time events for the WebSocket clients: every event gets an increasing
// id and is kept in a window of recent events, so that a client reconnecting
// with the last id it saw misses nothing; each subscriber sees only its
// audience (an agent: its own offers, interactions and state; a supervisor:
// everything, or the queues it chose).
//
// Thread-safe: the engine thread publishes, HTTP threads subscribe and read.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "conversations/live_events.h"

namespace guichet::server {

struct HubEvent {
  std::uint64_t id = 0;     // assigned by publish
  std::uint64_t agent = 0;  // the agent it concerns, 0 if none
  std::uint64_t queue = 0;  // the queue it concerns, 0 if none
  std::string json;         // the message, with its "id" already in
};

class EventHub;

// One client's view. Not thread-safe itself: its connection uses it.
class Subscription {
 public:
  ~Subscription();
  // Messages ready to send, oldest first; empties the queue. When the client
  // fell too far behind, the last message is {"type":"reset",…} and the
  // subscription ends (the client reloads and reconnects).
  std::vector<std::string> take();
  // Called (from any thread) whenever messages become ready.
  void on_ready(std::function<void()> notify);
  // Supervisors: only these queues from now on (empty: all).
  void set_queues(std::set<std::uint64_t> queues);
  bool ended() const;

 private:
  friend class EventHub;
  Subscription(EventHub& hub, std::uint64_t agent, bool supervisor);
  bool wants(const HubEvent& event) const;  // under hub mutex

  EventHub& hub_;
  const std::uint64_t agent_;
  const bool supervisor_;
  std::set<std::uint64_t> queues_;   // guarded by the hub's mutex
  std::deque<std::string> pending_;  // guarded by the hub's mutex
  std::function<void()> notify_;     // guarded by the hub's mutex
  bool ended_ = false;               // guarded by the hub's mutex
};

class EventHub final : public conversations::LiveEvents {
 public:
  explicit EventHub(std::size_t window = 100'000, std::size_t max_pending = 10'000)
      : window_(window), max_pending_(max_pending) {}

  // `json_without_id` is an object's text starting with '{'; the hub inserts
  // "id". Returns the id.
  std::uint64_t publish(std::uint64_t agent, std::uint64_t queue,
                        const std::string& json_without_id) override;

  // A subscriber for `agent` (or a supervisor), given the events after
  // `last_seen` still in the window; if some are gone, a reset message first.
  std::unique_ptr<Subscription> subscribe(std::uint64_t agent, bool supervisor,
                                          std::uint64_t last_seen);
  std::size_t subscribers() const;
  std::uint64_t last_id() const;

 private:
  friend class Subscription;
  void deliver(Subscription& subscription, const std::string& message);  // under mutex_

  const std::size_t window_;
  const std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::deque<HubEvent> recent_;          // guarded by mutex_
  std::uint64_t next_id_ = 1;            // guarded by mutex_
  std::set<Subscription*> subscribers_;  // guarded by mutex_
};

}  // namespace guichet::server
