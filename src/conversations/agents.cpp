// Agents' states and offers, and the engine's events as they come: offers
// kept for the API, timelines written, live events published.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"

namespace guichet::conversations {

using namespace detail;

Result<std::string> ContactCenter::Impl::set_agent_state(std::uint64_t agent,
                                                         const std::string& body) {
  auto object = json_body::parse_object(
      body, {{"state", json::kind::string, true}, {"reason", json::kind::string, false}});
  if (!object) return object.error();
  auto state = routing::agent_state_from_string(json_body::string_or(*object, "state", ""));
  if (!state) return invalid_argument("available, paused or offline", "state");
  std::string reason = json_body::string_or(*object, "reason", "");
  if (*state == routing::AgentState::kPaused && reason.empty()) reason = "pause";
  if (reason.size() > 64) return invalid_argument("at most 64 characters", "reason");
  if (*state == routing::AgentState::kPaused) {
    if (Status s = one_of(kPauseReason, reason, "reason"); !s) return s.error();
  }
  Status status = engine_.run(
      [&](routing::Engine& e, Time now) { return e.set_agent_state(now, agent, *state, reason); });
  if (!status) {
    if (status.error().code == ErrorCode::kNotFound) {
      return not_found("no agent profile for this user", "id");
    }
    return status.error();
  }
  return agent_status(agent);
}

Result<std::string> ContactCenter::Impl::offers(std::uint64_t agent) {
  std::vector<std::pair<std::uint64_t, detail::PendingOffer>> mine;
  {
    std::lock_guard lock(offers_mutex_);
    for (const auto& [offer, pending] : offers_) {
      if (pending.agent == agent) mine.emplace_back(offer, pending);
    }
  }
  // The citizen's name, read outside the lock: the agent sees who it is.
  std::string out = "[";
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const auto& [offer, pending] = mine[i];
    std::string citizen_name;
    if (pending.citizen != 0) {
      if (auto citizen = store_.citizen(pending.citizen)) citizen_name = citizen->name;
    }
    if (i > 0) out += ",";
    out += "{\"id\":" + std::to_string(offer) +
           ",\"interaction_id\":" + std::to_string(pending.interaction) +
           ",\"queue_id\":" + std::to_string(pending.queue) +
           ",\"channel\":" + json_quote(routing::to_string(pending.channel)) +
           ",\"citizen_id\":" + std::to_string(pending.citizen) +
           ",\"citizen_name\":" + json_quote(citizen_name) +
           ",\"deadline\":" + json_quote(iso8601(pending.deadline)) + "}";
  }
  return out + "]";
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

Result<std::string> ContactCenter::Impl::agent_status(std::uint64_t agent) {
  std::string out;
  engine_.inspect([&](const routing::Engine& e) {
    auto status = e.agent(agent);
    if (!status) return;
    out = "{\"id\":" + std::to_string(agent) +
          ",\"state\":" + json_quote(routing::to_string(status->state)) +
          ",\"reason\":" + json_quote(status->reason) +
          ",\"since\":" + json_quote(iso8601(status->state_since)) + "}";
  });
  if (out.empty()) return not_found("no agent profile for this user", "id");
  return out;
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
          break;
        case routing::EventType::kWrapupEnded:
        case routing::EventType::kTransferred:
          if (auto found = held_.find(e.agent); found != held_.end()) {
            found->second.erase(e.interaction);
          }
          break;
        case routing::EventType::kRejected:
        case routing::EventType::kOfferTimeout:
        case routing::EventType::kOfferRevoked:
          offers_.erase(e.offer);
          break;
        default:
          break;
      }
      live_.publish(e.agent, e.queue, live_json(e));
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
