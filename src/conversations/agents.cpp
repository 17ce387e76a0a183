// Agents' states and offers, and the engine's events as they come: offers
// kept for the API, timelines written, live events published.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"

namespace guichet::conversations {

using namespace detail;

Result<AgentStatus> ContactCenter::Impl::set_agent_state(std::uint64_t agent,
                                                         routing::AgentState state,
                                                         std::string reason) {
  if (state == routing::AgentState::kPaused && reason.empty()) reason = "pause";
  if (reason.size() > 64) return invalid_argument("at most 64 characters", "reason");
  if (state == routing::AgentState::kPaused) {
    if (Status s = one_of(kPauseReason, reason, "reason"); !s) return s.error();
  }
  Status status = engine_.run(
      [&](routing::Engine& e, Time now) { return e.set_agent_state(now, agent, state, reason); });
  if (!status) {
    if (status.error().code == ErrorCode::kNotFound) {
      return not_found("no agent profile for this user", "id");
    }
    return status.error();
  }
  return agent_status(agent);
}

Result<std::vector<Offer>> ContactCenter::Impl::offers(std::uint64_t agent) {
  std::vector<Offer> mine;
  {
    std::lock_guard lock(offers_mutex_);
    for (const auto& [offer, pending] : offers_) {
      if (pending.agent != agent) continue;
      Offer o;
      o.id = offer;
      o.interaction = pending.interaction;
      o.queue = pending.queue;
      o.channel = pending.channel;
      o.citizen = pending.citizen;
      o.deadline = pending.deadline;
      if (auto sent = transfers_.find(pending.interaction);
          sent != transfers_.end() && sent->second.to == agent) {
        o.transferred_by = sent->second.from;
        o.transfer_note = sent->second.note;
      }
      mine.push_back(std::move(o));
    }
  }
  // The citizen's name, read outside the lock: the agent sees who it is.
  for (Offer& offer : mine) {
    if (offer.citizen == 0) continue;
    if (auto citizen = store_.citizen(offer.citizen)) offer.citizen_name = citizen->name;
  }
  return mine;
}

Status ContactCenter::Impl::answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
  {
    std::lock_guard lock(offers_mutex_);
    auto found = offers_.find(offer);
    if (found == offers_.end()) return not_found("no such offer, or it expired", "id");
    if (found->second.agent != agent) return not_found("no such offer for you", "id");
  }
  Status status = engine_.run([&](routing::Engine& e, Time now) {
    return accept ? e.accept(now, offer) : e.reject(now, offer);
  });
  if (!status) return status;
  return writer_.wait(writer_.ticket());
}

Result<AgentStatus> ContactCenter::Impl::agent_status(std::uint64_t agent) {
  std::optional<AgentStatus> found;
  engine_.inspect([&](const routing::Engine& e) {
    if (auto status = e.agent(agent)) {
      found = AgentStatus{agent, status->state, status->reason, status->state_since};
    }
  });
  if (!found) return not_found("no agent profile for this user", "id");
  return *found;
}

// An offer made by a colleague's transfer says who sent it, with their
// note, as GET /offers does. On the engine thread, offers_mutex_ held.
void ContactCenter::Impl::with_transfer(const routing::Event& e, std::string& json) {
  auto sent = transfers_.find(e.interaction);
  if (sent == transfers_.end() || sent->second.to != e.agent || json.empty()) return;
  json.insert(json.size() - 1, ",\"transferred_by\":" + std::to_string(sent->second.from) +
                                   ",\"transfer_note\":" + json_quote(sent->second.note));
}

// Whoever transferred it (the agent, or a supervisor) is told, once, that
// the colleague did not take it: declined, not answered in time, gone
// offline with it offered, or their personal wait over (it goes back to
// its queue). On the engine thread, offers_mutex_ held.
void ContactCenter::Impl::tell_if_bounced(const routing::Event& e) {
  auto sent = transfers_.find(e.interaction);
  if (sent == transfers_.end()) return;
  const bool colleague =
      e.type == routing::EventType::kPreferredExpired || e.agent == sent->second.to;
  if (!colleague) return;
  const char* why = e.type == routing::EventType::kRejected       ? "declined"
                    : e.type == routing::EventType::kOfferTimeout ? "not_answered"
                    : e.type == routing::EventType::kOfferRevoked ? "offline"
                                                                  : "expired";
  live_.publish(sent->second.from, e.queue,
                "{\"type\":\"transfer_bounced\",\"at\":" + json_quote(iso8601(e.at)) +
                    ",\"interaction_id\":" + std::to_string(e.interaction) +
                    ",\"agent_id\":" + std::to_string(sent->second.from) +
                    ",\"colleague_id\":" + std::to_string(sent->second.to) + ",\"reason\":\"" +
                    why + "\",\"queue_id\":" + std::to_string(e.queue) + "}");
  transfers_.erase(sent);
}

// On the engine thread: keep the offers the API shows, and queue the
// events for the store.
void ContactCenter::Impl::on_events(const std::vector<routing::Event>& events) {
  std::vector<store::InteractionEvent> stored;
  {
    std::lock_guard lock(offers_mutex_);
    for (const routing::Event& e : events) {
      switch (e.type) {
        case routing::EventType::kOffered:
          offers_[e.offer] = {e.interaction, e.agent, e.queue, e.channel, e.citizen, e.deadline};
          break;
        case routing::EventType::kAccepted:
          held_[e.agent].insert(e.interaction);
          offers_.erase(e.offer);
          transfers_.erase(e.interaction);
          break;
        case routing::EventType::kAbandoned:
        case routing::EventType::kOverflowed:
          transfers_.erase(e.interaction);
          break;
        case routing::EventType::kPreferredExpired:
          tell_if_bounced(e);
          break;
        case routing::EventType::kTransferred:
          // Sent on elsewhere (a queue, another colleague): the pending
          // transfer is no longer the one to tell about.
          if (auto sent = transfers_.find(e.interaction);
              sent != transfers_.end() && sent->second.to != e.to_agent) {
            transfers_.erase(sent);
          }
          [[fallthrough]];
        case routing::EventType::kWrapupEnded:
          if (auto found = held_.find(e.agent); found != held_.end()) {
            found->second.erase(e.interaction);
          }
          break;
        case routing::EventType::kRejected:
        case routing::EventType::kOfferTimeout:
          offers_.erase(e.offer);
          tell_if_bounced(e);
          break;
        case routing::EventType::kOfferRevoked:
          offers_.erase(e.offer);
          // The colleague went offline with it offered: back to its queue.
          if (e.reason == "agent_offline") tell_if_bounced(e);
          break;
        default:
          break;
      }
      std::string said = live_json(e);
      if (e.type == routing::EventType::kOffered) with_transfer(e, said);
      live_.publish(e.agent, e.queue, said);
      {
        std::lock_guard stats(stats_mutex_);
        today_.on_event(e);
      }
      if (e.interaction == 0) continue;  // agent states: not an interaction's timeline
      if (recovering_ && e.type == routing::EventType::kQueued) continue;
      stored.push_back(to_stored(e));
    }
  }
  if (!stored.empty()) writer_.enqueue(std::move(stored));
  std::lock_guard lock(observer_mutex_);
  if (event_observer_) event_observer_(events);
}

}  // namespace guichet::conversations
