// A deliberately naive router: the baseline the routing engine is measured
// against in routing_bench.
//
// It follows the engine's rules for the simple case the benchmark drives
// (voice only, capacity 1 per agent, longest idle, no escalation, groups,
// hours or overflow) and nothing more: on an arrival it scans every agent for
// an eligible idle one and takes the longest idle (ties: the agent added
// first); when an agent frees up it scans every waiting interaction for the
// best ranked one it is eligible for, ranked like the engine does
// (priority desc, service-level due time asc, enqueue time asc, id asc).
// So, fed the same commands, it makes the same decisions as the engine, at
// O(agents) or O(waiting) per command.
//
// Single-threaded, like the engine; `now` must not go back (not checked).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "routing/engine.h"

namespace guichet::bench {

// Whether `skills` meet every requirement (skill held at the minimum level):
// the eligibility rule of a queue without groups or escalation.
bool meets(const std::vector<routing::SkillLevel>& skills,
           const std::vector<routing::Requirement>& requirements);

class NaiveRouter {
 public:
  // A decision: `interaction` offered to `agent`.
  struct Offer {
    routing::OfferId offer = 0;
    routing::InteractionId interaction = 0;
    routing::AgentId agent = 0;
  };

  // Reads the queue's id, requirements, priority and service-level threshold
  // only; its channel must be voice.
  Status add_queue(const routing::QueueConfig& queue);
  // Reads the agent's id and skills only; it has one voice slot and starts offline.
  Status add_agent(const routing::AgentConfig& agent);

  // Each command returns the offer it made, if any: with one slot per agent a
  // command makes at most one decision.
  Result<std::optional<Offer>> set_available(Time now, routing::AgentId agent);
  Result<std::optional<Offer>> arrive(Time now, routing::InteractionId id, routing::QueueId queue,
                                      int priority = 0);
  Status accept(Time now, routing::OfferId offer);
  Result<std::optional<Offer>> complete(Time now, routing::InteractionId id);

  std::size_t waiting_count() const { return waiting_.size(); }

 private:
  struct Queue {
    routing::QueueId id = 0;
    std::vector<routing::Requirement> requirements;
    int priority = 0;
    std::int64_t sl_threshold_ms = 0;
  };
  struct Agent {
    routing::AgentId id = 0;
    std::vector<routing::SkillLevel> skills;
    bool available = false;
    bool busy = false;  // its one slot is offered or active
    std::int64_t idle_since_ms = 0;
  };
  struct Waiting {
    routing::InteractionId id = 0;
    std::size_t queue = 0;
    int priority = 0;  // effective: queue + interaction
    std::int64_t due_ms = 0;
    std::int64_t enqueued_ms = 0;
  };

  static bool ranks_before(const Waiting& a, const Waiting& b);
  // Gives the interaction to the agent: its slot is taken until completion.
  Offer offer(std::int64_t now_ms, routing::InteractionId id, std::size_t agent);
  // The best ranked waiting interaction agent `a` may take, if any.
  std::optional<Offer> serve_agent(std::int64_t now_ms, std::size_t a);

  std::vector<Queue> queues_;
  std::vector<Agent> agents_;
  std::vector<Waiting> waiting_;  // unordered: every choice scans it all
  std::unordered_map<routing::QueueId, std::size_t> queue_index_;
  std::unordered_map<routing::AgentId, std::size_t> agent_index_;
  std::unordered_map<routing::InteractionId, std::size_t> handled_by_;  // offered or active
  std::unordered_map<routing::OfferId, routing::InteractionId> offers_;
  routing::OfferId offer_sequence_ = 0;
};

}  // namespace guichet::bench
