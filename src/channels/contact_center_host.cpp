// The contact center's calls speak JSON still (issue 11 types them one
// resource at a time): this is the one place a channel's typed calls meet
// them.
#include "channels/contact_center_host.h"

#include <boost/json.hpp>

#include "core/json_body.h"
#include "core/text.h"

namespace guichet::channels {

namespace json = boost::json;

namespace {

json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  return ec ? json::value() : value;
}

std::uint64_t id_in(const json::object& object, const char* key) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, json_body::int_or(object, key, 0)));
}

}  // namespace

Time ContactCenterHost::now() {
  return center_.now();
}

std::uint64_t ContactCenterHost::citizen_of(const Address& from) {
  if (from.value.empty()) return 0;
  std::string value = from.value;
  if (from.kind == "phone") {
    // In the form contacts are kept in (E.164), however the trunk wrote it.
    value = e164(from.value).value_or("");
    if (value.empty()) return 0;
  }
  auto found = center_.find_citizens(value);
  if (!found) return 0;
  for (const store::Citizen& citizen : *found) {
    for (const store::Contact& contact : citizen.contacts) {
      if (contact.value == value) return citizen.id;
    }
  }
  return 0;
}

void ContactCenterHost::arrive(Arrival arrival, std::function<void(Result<std::uint64_t>)> done) {
  json::object attributes;
  for (const auto& [key, value] : arrival.attributes)
    attributes[key] = value;
  std::string channel = routing::to_string(arrival.channel);
  if (arrival.queue_channel) {
    if (auto queue = center_.document("queue", arrival.queue_id)) {
      const json::value body = parsed(queue->body_json);
      if (body.is_object()) channel = json_body::string_or(body.as_object(), "channel", channel);
    }
  }
  json::object body{{"channel", channel},
                    {"queue_id", arrival.queue_id},
                    {"priority", arrival.priority},
                    {"attributes", std::move(attributes)}};
  if (const std::uint64_t citizen = citizen_of(arrival.from)) body["citizen_id"] = citizen;
  center_.create_interaction_async(
      json::serialize(body), [done = std::move(done)](Result<std::string> view) {
        if (!view) return done(view.error());
        const json::value created = parsed(*view);
        done(created.is_object() ? id_in(created.as_object(), "id") : 0);
      });
}

Status ContactCenterHost::answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
  return center_.answer_offer(offer, agent, accept);
}

Status ContactCenterHost::requeue(std::uint64_t interaction, std::uint64_t queue) {
  return center_.transfer(interaction, 0, true, conversations::Transfer{queue, 0, 30});
}

Status ContactCenterHost::abandon(std::uint64_t interaction) {
  return center_.abandon(interaction);
}

Status ContactCenterHost::request_callback(std::uint64_t interaction) {
  return center_.request_callback(interaction);
}

void ContactCenterHost::note(std::uint64_t interaction, const std::string& type,
                             const std::string& data_json) {
  center_.note(interaction, type, data_json);
}

void ContactCenterHost::note_contact(std::uint64_t interaction, std::uint64_t agent,
                                     const std::string& state) {
  center_.note_call(interaction, agent, state);
}

void ContactCenterHost::note_delivery(const Reply& reply, Delivery delivery,
                                      const std::string& detail) {
  const char* what = delivery == Delivery::kSent        ? "sent"
                     : delivery == Delivery::kDelivered ? "delivered"
                                                        : "failed";
  json::object data{{"agent_id", reply.agent}, {"status", what}};
  if (!detail.empty()) data["detail"] = detail;
  center_.note(reply.interaction, "delivery", json::serialize(data));
}

Result<std::vector<OpenInteraction>> ContactCenterHost::open_interactions(
    routing::Channel channel) {
  store::InteractionFilter filter;
  filter.status = "waiting";
  filter.channel = routing::to_string(channel);
  filter.limit = 500;
  std::vector<OpenInteraction> out;
  for (;;) {
    auto page = center_.list_interactions(filter);
    if (!page) return page.error();
    const json::value listed = parsed(*page);
    const json::value* items =
        listed.is_object() ? listed.as_object().if_contains("interactions") : nullptr;
    if (!items || !items->is_array()) break;
    for (const json::value& item : items->as_array()) {
      if (!item.is_object()) continue;
      const json::object& it = item.as_object();
      OpenInteraction open;
      open.id = id_in(it, "id");
      open.phase = json_body::string_or(it, "phase", "");
      if (const json::value* attributes = it.if_contains("attributes");
          attributes && attributes->is_object()) {
        for (const auto& [key, value] : attributes->as_object()) {
          if (value.is_string()) open.attributes[std::string(key)] = std::string(value.as_string());
        }
      }
      out.push_back(std::move(open));
    }
    const std::uint64_t next = id_in(listed.as_object(), "next_before_id");
    if (next == 0) break;
    filter.before_id = next;
  }
  return out;
}

std::map<std::uint64_t, int> ContactCenterHost::ready_agents() {
  std::map<std::uint64_t, int> ready;
  auto stats = center_.queue_stats();
  if (!stats) return ready;
  const json::value queues = parsed(*stats);
  if (!queues.is_array()) return ready;
  for (const json::value& q : queues.as_array()) {
    if (!q.is_object()) continue;
    ready[id_in(q.as_object(), "queue_id")] =
        static_cast<int>(json_body::int_or(q.as_object(), "ready_agents", 0));
  }
  return ready;
}

Result<std::vector<store::Document>> ContactCenterHost::documents(const std::string& kind) {
  return center_.documents(kind);
}

Result<store::Document> ContactCenterHost::document(const std::string& kind, std::uint64_t id) {
  return center_.document(kind, id);
}

Result<std::shared_ptr<const BusinessCalendar>> ContactCenterHost::calendar(std::uint64_t id) {
  return center_.calendar(id);
}

}  // namespace guichet::channels
