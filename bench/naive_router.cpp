#include "naive_router.h"

#include <tuple>

namespace guichet::bench {

using routing::AgentId;
using routing::InteractionId;
using routing::OfferId;
using routing::QueueId;

bool meets(const std::vector<routing::SkillLevel>& skills,
           const std::vector<routing::Requirement>& requirements) {
  for (const routing::Requirement& r : requirements) {
    bool held = false;
    for (const routing::SkillLevel& s : skills)
      held = held || (s.skill == r.skill && s.level >= r.min_level);
    if (!held) return false;
  }
  return true;
}

Status NaiveRouter::add_queue(const routing::QueueConfig& queue) {
  if (queue.channel != routing::Channel::kVoice) {
    return invalid_argument("the naive router serves voice only", "channel");
  }
  if (!queue_index_.emplace(queue.id, queues_.size()).second) {
    return already_exists("a queue with this id exists", "id");
  }
  queues_.push_back(
      Queue{queue.id, queue.requirements, queue.priority, queue.sl_threshold.count()});
  return Status::ok();
}

Status NaiveRouter::add_agent(const routing::AgentConfig& agent) {
  if (!agent_index_.emplace(agent.id, agents_.size()).second) {
    return already_exists("an agent with this id exists", "id");
  }
  agents_.push_back(Agent{agent.id, agent.skills});
  return Status::ok();
}

Result<std::optional<NaiveRouter::Offer>> NaiveRouter::set_available(Time now, AgentId id) {
  auto found = agent_index_.find(id);
  if (found == agent_index_.end()) return not_found("no such agent", "agent");
  Agent& agent = agents_[found->second];
  if (agent.available) return std::optional<Offer>();
  agent.available = true;
  agent.idle_since_ms = to_ms(now);  // as the engine: idle from the moment it is available
  return serve_agent(to_ms(now), found->second);
}

Result<std::optional<NaiveRouter::Offer>> NaiveRouter::arrive(Time now, InteractionId id,
                                                              QueueId queue_id, int priority) {
  auto found = queue_index_.find(queue_id);
  if (found == queue_index_.end()) return not_found("no such queue", "queue");
  const Queue& queue = queues_[found->second];
  const std::int64_t now_ms = to_ms(now);
  std::optional<std::size_t> best;
  for (std::size_t a = 0; a < agents_.size(); ++a) {
    const Agent& agent = agents_[a];
    if (!agent.available || agent.busy || !meets(agent.skills, queue.requirements)) continue;
    // Strictly older wins, so a tie goes to the agent added first, as in the engine.
    if (!best || agent.idle_since_ms < agents_[*best].idle_since_ms) best = a;
  }
  if (best) return std::optional<Offer>(offer(now_ms, id, *best));
  waiting_.push_back(Waiting{id, found->second, queue.priority + priority,
                             now_ms + queue.sl_threshold_ms, now_ms});
  return std::optional<Offer>();
}

Status NaiveRouter::accept(Time /*now*/, OfferId offer_id) {
  // The benchmark accepts every offer at once, so there is no timeout to track.
  if (offers_.erase(offer_id) == 0) return not_found("no such offer", "offer");
  return Status::ok();
}

Result<std::optional<NaiveRouter::Offer>> NaiveRouter::complete(Time now, InteractionId id) {
  auto found = handled_by_.find(id);
  if (found == handled_by_.end()) return not_found("no such interaction", "interaction");
  const std::size_t a = found->second;
  handled_by_.erase(found);
  agents_[a].busy = false;
  agents_[a].idle_since_ms = to_ms(now);
  return serve_agent(to_ms(now), a);
}

bool NaiveRouter::ranks_before(const Waiting& a, const Waiting& b) {
  return std::tuple(-a.priority, a.due_ms, a.enqueued_ms, a.id) <
         std::tuple(-b.priority, b.due_ms, b.enqueued_ms, b.id);
}

NaiveRouter::Offer NaiveRouter::offer(std::int64_t now_ms, InteractionId id, std::size_t a) {
  Agent& agent = agents_[a];
  agent.busy = true;
  agent.idle_since_ms = now_ms;  // the engine counts idleness from the last offer
  handled_by_.emplace(id, a);
  const OfferId offer_id = ++offer_sequence_;
  offers_.emplace(offer_id, id);
  return Offer{offer_id, id, agent.id};
}

std::optional<NaiveRouter::Offer> NaiveRouter::serve_agent(std::int64_t now_ms, std::size_t a) {
  const Agent& agent = agents_[a];
  if (!agent.available || agent.busy) return std::nullopt;
  std::optional<std::size_t> best;
  for (std::size_t w = 0; w < waiting_.size(); ++w) {
    if (best && !ranks_before(waiting_[w], waiting_[*best])) continue;
    if (meets(agent.skills, queues_[waiting_[w].queue].requirements)) best = w;
  }
  if (!best) return std::nullopt;
  const InteractionId id = waiting_[*best].id;
  waiting_[*best] = waiting_.back();  // order does not matter: every choice scans all
  waiting_.pop_back();
  return offer(now_ms, id, a);
}

}  // namespace guichet::bench
