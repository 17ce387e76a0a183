#include "server/routes/views.h"

#include <boost/json.hpp>

#include "core/calendar.h"
#include "core/json_body.h"
#include "core/json_format.h"
#include "core/text.h"

namespace guichet::server::routes {

namespace json = boost::json;
using namespace conversations;

namespace {

// Without its closing brace, for the record to go on.
std::string interaction_fields(const InteractionView& view) {
  const store::Interaction& it = view.stored;
  std::string out = "{\"id\":" + std::to_string(it.id) + ",\"channel\":" + json_quote(it.channel) +
                    ",\"queue_id\":" + std::to_string(it.queue_id) +
                    ",\"citizen_id\":" + std::to_string(it.citizen_id) +
                    ",\"priority\":" + std::to_string(it.priority) +
                    ",\"attributes\":" + it.attributes_json +
                    ",\"enqueued_at\":" + json_quote(iso8601(it.enqueued_at)) +
                    ",\"status\":" + json_quote(it.status);
  if (it.ended_at) out += ",\"ended_at\":" + json_quote(iso8601(*it.ended_at));
  if (it.answer_due) out += ",\"answer_due\":" + json_quote(iso8601(*it.answer_due));
  if (view.phase) {
    out += ",\"phase\":" + json_quote(routing::to_string(*view.phase));
    if (view.agent) out += ",\"agent_id\":" + std::to_string(view.agent);
  }
  if (view.due_at) out += ",\"due_at\":" + json_quote(iso8601(*view.due_at));
  return out;
}

}  // namespace

std::string interaction_json(const InteractionView& view) {
  return interaction_fields(view) + "}";
}

std::string interaction_json(const InteractionRecord& record) {
  std::string out = interaction_fields(record.view) + ",\"timeline\":[";
  for (std::size_t i = 0; i < record.timeline.size(); ++i) {
    const store::InteractionEvent& e = record.timeline[i];
    if (i > 0) out += ",";
    out += "{\"sequence\":" + std::to_string(e.sequence) + ",\"at\":" + json_quote(iso8601(e.at)) +
           ",\"type\":" + json_quote(e.type) + ",\"data\":" + e.data_json + "}";
  }
  return out + "]}";
}

std::string interactions_json(const std::vector<InteractionView>& views) {
  std::string out = "[";
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (i > 0) out += ",";
    out += interaction_json(views[i]);
  }
  return out + "]";
}

std::string page_json(const InteractionPage& page) {
  std::string out = "{\"interactions\":" + interactions_json(page.interactions);
  if (page.next_before_id) out += ",\"next_before_id\":" + std::to_string(page.next_before_id);
  return out + "}";
}

std::string message_json(const Message& message) {
  return "{\"interaction_id\":" + std::to_string(message.interaction) +
         ",\"at\":" + json_quote(iso8601(message.at)) + ",\"from\":\"" + to_string(message.from) +
         "\",\"text\":" + json_quote(message.text) + "}";
}

std::string queue_figures_json(const std::vector<QueueFigures>& queues) {
  std::string out = "[";
  for (const QueueFigures& q : queues) {
    if (out.size() > 1) out += ",";
    out += "{\"queue_id\":" + std::to_string(q.queue) + ",\"name\":" + json_quote(q.name) +
           ",\"waiting\":" + std::to_string(q.waiting) +
           ",\"longest_wait_s\":" + json_number(q.longest_wait_s, 1) +
           ",\"ready_agents\":" + std::to_string(q.ready_agents) +
           ",\"offered_today\":" + std::to_string(q.offered_today) +
           ",\"answered_today\":" + std::to_string(q.answered_today) +
           ",\"abandoned_today\":" + std::to_string(q.abandoned_today) +
           ",\"service_level_today\":" + json_number(q.service_level_today, 4) +
           ",\"service_level_target\":" + json_number(q.service_level_target, 4) +
           ",\"asa_s\":" + json_number(q.asa_s, 1) + "}";
  }
  return out + "]";
}

std::string agent_figures_json(const std::vector<AgentFigures>& agents) {
  std::string out = "[";
  for (const AgentFigures& a : agents) {
    if (out.size() > 1) out += ",";
    out += "{\"agent_id\":" + std::to_string(a.agent) + ",\"name\":" + json_quote(a.name) +
           ",\"login\":" + json_quote(a.login) + ",\"team\":" + json_quote(a.team) +
           ",\"state\":" + json_quote(routing::to_string(a.state)) +
           ",\"reason\":" + json_quote(a.reason) +
           ",\"state_since\":" + json_quote(iso8601(a.state_since)) +
           ",\"time_in_state_s\":" + json_number(a.time_in_state_s, 0) +
           ",\"interactions_in_hand\":" + std::to_string(a.interactions_in_hand) +
           ",\"offered_today\":" + std::to_string(a.offered_today) +
           ",\"handled_today\":" + std::to_string(a.handled_today) +
           ",\"missed_today\":" + std::to_string(a.missed_today) + "}";
  }
  return out + "]";
}

namespace {

std::string stretches_json(const std::vector<Stretch>& stretches) {
  std::string out = "[";
  for (const Stretch& s : stretches) {
    if (out.size() > 1) out += ",";
    out +=
        "{\"from\":" + json_quote(iso8601(s.from)) + ",\"to\":" + json_quote(iso8601(s.to)) + "}";
  }
  return out + "]";
}

}  // namespace

std::string coverage_json(const std::vector<AccessibleCoverage>& queues) {
  // The hours as the service lives them: its time zone, for the screens.
  std::string out =
      "{\"time_zone\":" + json_quote(TimeZone::europe_paris().name()) + ",\"queues\":[";
  for (const AccessibleCoverage& c : queues) {
    if (out.back() != '[') out += ",";
    out += "{\"queue_id\":" + std::to_string(c.queue) + ",\"name\":" + json_quote(c.name);
    if (c.phone_queue) {
      out += ",\"phone_queue_id\":" + std::to_string(c.phone_queue) +
             ",\"phone_queue_name\":" + json_quote(c.phone_name);
    }
    out += ",\"week\":[";
    for (const AccessibleCoverage::Day& day : c.week) {
      if (out.back() != '[') out += ",";
      out += "{\"date\":" + json_quote(date_text(day.date)) +
             ",\"phone\":" + stretches_json(day.phone) +
             ",\"accessible\":" + stretches_json(day.accessible) + "}";
    }
    out += "],\"since\":" + json_quote(iso8601(c.since)) + ",\"open_today_s\":" +
           json_number(std::chrono::duration<double>(c.open_today).count(), 0) +
           ",\"covered_today_s\":" +
           json_number(std::chrono::duration<double>(c.covered_today).count(), 0) +
           ",\"gaps_today\":" + stretches_json(c.gaps_today) +
           ",\"trained\":" + std::to_string(c.trained) +
           ",\"trained_signed_in\":" + std::to_string(c.trained_signed_in) + "}";
  }
  return out + "]}";
}

Result<NewInteraction> new_interaction(const std::string& body, std::string idempotency_key) {
  auto object = json_body::parse_object(body, {{"channel", json::kind::string, true},
                                               {"queue_id", json::kind::int64, true},
                                               {"citizen_id", json::kind::int64, false},
                                               {"priority", json::kind::int64, false},
                                               {"attributes", json::kind::object, false}});
  if (!object) return object.error();
  NewInteraction asked;
  auto channel = routing::channel_from_string(json_body::string_or(*object, "channel", ""));
  if (!channel) return invalid_argument("unknown channel", "channel");
  asked.channel = *channel;
  const std::int64_t queue = json_body::int_or(*object, "queue_id", 0);
  if (queue <= 0) return invalid_argument("must be a positive id", "queue_id");
  asked.queue = static_cast<std::uint64_t>(queue);
  asked.citizen = static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, json_body::int_or(*object, "citizen_id", 0)));
  const std::int64_t priority = json_body::int_or(*object, "priority", 0);
  if (priority < -1000 || priority > 1000)
    return invalid_argument("must be -1000..1000", "priority");
  asked.priority = static_cast<int>(priority);
  if (const json::value* attributes = object->if_contains("attributes")) {
    for (const auto& [key, value] : attributes->as_object()) {
      if (!value.is_string()) {
        return invalid_argument("attribute values are strings", "attributes." + std::string(key));
      }
      asked.attributes.emplace_back(std::string(key), std::string(value.as_string()));
    }
  }
  if (!idempotency_key.empty()) {
    asked.idempotency_key = std::move(idempotency_key);
    asked.request_digest = fnv1a(body);
  }
  return asked;
}

}  // namespace guichet::server::routes
