#include "conversations/detail/timeline.h"

namespace guichet::conversations::detail {

std::string event_type(const routing::Event& e) {
  if (e.type == routing::EventType::kOverflowed && e.to_queue == 0) return "closed";
  return routing::to_string(e.type);
}

store::InteractionEvent to_stored(const routing::Event& e) {
  store::InteractionEvent stored;
  stored.interaction_id = e.interaction;
  stored.at = e.at;
  stored.type = event_type(e);
  std::string data = "{\"queue_id\":" + std::to_string(e.queue);
  if (e.agent) data += ",\"agent_id\":" + std::to_string(e.agent);
  if (e.offer) data += ",\"offer_id\":" + std::to_string(e.offer);
  if (e.to_queue) data += ",\"to_queue_id\":" + std::to_string(e.to_queue);
  if (e.to_agent) data += ",\"to_agent_id\":" + std::to_string(e.to_agent);
  if (e.stage) data += ",\"stage\":" + std::to_string(e.stage);
  data += ",\"priority\":" + std::to_string(e.priority);
  data += ",\"waited_ms\":" + std::to_string(e.waited.count());
  if (!e.reason.empty()) data += ",\"reason\":" + json_quote(e.reason);
  if (e.type == routing::EventType::kOffered) {
    data += ",\"deadline\":" + json_quote(iso8601(e.deadline));
  }
  stored.data_json = data + "}";
  if (e.type == routing::EventType::kQueued) {
    stored.queue_id = e.queue;
    stored.channel = routing::to_string(e.channel);
  }
  return stored;
}

std::string live_json(const routing::Event& e) {
  std::string out =
      "{\"type\":" + json_quote(event_type(e)) + ",\"at\":" + json_quote(iso8601(e.at));
  if (e.interaction) {
    out += ",\"interaction_id\":" + std::to_string(e.interaction) +
           ",\"channel\":" + json_quote(routing::to_string(e.channel)) +
           ",\"citizen_id\":" + std::to_string(e.citizen) +
           ",\"waited_ms\":" + std::to_string(e.waited.count());
  }
  if (e.agent) out += ",\"agent_id\":" + std::to_string(e.agent);
  if (e.queue) out += ",\"queue_id\":" + std::to_string(e.queue);
  if (e.offer) out += ",\"offer_id\":" + std::to_string(e.offer);
  if (e.to_queue) out += ",\"to_queue_id\":" + std::to_string(e.to_queue);
  if (e.to_agent) out += ",\"to_agent_id\":" + std::to_string(e.to_agent);
  if (e.type == routing::EventType::kOffered)
    out += ",\"deadline\":" + json_quote(iso8601(e.deadline));
  if (e.type == routing::EventType::kAgentState) {
    out += ",\"state\":" + json_quote(routing::to_string(e.agent_state));
  }
  if (!e.reason.empty()) out += ",\"reason\":" + json_quote(e.reason);
  return out + "}";
}

}  // namespace guichet::conversations::detail
