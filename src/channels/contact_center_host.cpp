// A channel's calls to the contact center: the channel's words (an
// address, an arrival, a delivery) put into the domain's values. Stored
// documents and attributes are JSON by design (store.h): read here.
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
  conversations::NewInteraction asked;
  asked.channel = arrival.channel;
  if (arrival.queue_channel) {
    if (auto queue = center_.document("queue", arrival.queue_id)) {
      const json::value body = parsed(queue->body_json);
      if (body.is_object()) {
        auto channel =
            routing::channel_from_string(json_body::string_or(body.as_object(), "channel", ""));
        if (channel) asked.channel = *channel;
      }
    }
  }
  asked.queue = arrival.queue_id;
  asked.priority = arrival.priority;
  asked.hold = arrival.hold;
  asked.answer_due = arrival.answer_due;
  asked.citizen = citizen_of(arrival.from);
  for (auto& [key, value] : arrival.attributes)
    asked.attributes.emplace_back(key, value);
  center_.create_interaction_async(
      std::move(asked), [done = std::move(done)](Result<conversations::InteractionView> view) {
        if (!view) return done(view.error());
        done(view->stored.id);
      });
}

Status ContactCenterHost::answer_offer(std::uint64_t offer, std::uint64_t agent, bool accept) {
  return center_.answer_offer(offer, agent, accept);
}

Status ContactCenterHost::requeue(std::uint64_t interaction, std::uint64_t queue) {
  conversations::Transfer to;
  to.queue = queue;
  return center_.transfer(interaction, 0, true, to);
}

Status ContactCenterHost::abandon(std::uint64_t interaction) {
  return center_.abandon(interaction);
}

Status ContactCenterHost::request_callback(std::uint64_t interaction) {
  return center_.request_callback(interaction);
}

Status ContactCenterHost::route(std::uint64_t interaction) {
  return center_.route(interaction);
}

Result<Time> ContactCenterHost::record_message(std::uint64_t interaction, bool from_bot,
                                               std::string text) {
  return center_.record_message(
      interaction, from_bot ? conversations::Author::kBot : conversations::Author::kCitizen,
      std::move(text));
}

void ContactCenterHost::record_message_async(std::uint64_t interaction, bool from_bot,
                                             std::string text, Written written) {
  center_.record_message_async(
      interaction, from_bot ? conversations::Author::kBot : conversations::Author::kCitizen,
      std::move(text), std::move(written));
}

void ContactCenterHost::receive_async(std::uint64_t interaction, std::string text,
                                      Written written) {
  center_.post_message_async(interaction, 0, true, conversations::Author::kCitizen, std::move(text),
                             std::move(written));
}

Status ContactCenterHost::end_held(std::uint64_t interaction, bool answered) {
  return center_.end_held(interaction, answered);
}

Result<std::vector<knowledge::Hit>> ContactCenterHost::search_knowledge(std::string_view question,
                                                                        std::size_t limit) {
  if (!knowledge_) return std::vector<knowledge::Hit>{};
  return knowledge_->search(question, limit);
}

void ContactCenterHost::tell_agent(std::uint64_t interaction, const std::string& type,
                                   const std::string& data_json) {
  center_.tell_agent(interaction, type, data_json);
}

Result<QueueNow> ContactCenterHost::queue_now(std::uint64_t queue) {
  auto figures = center_.queue_stats();
  if (!figures) return figures.error();
  for (const conversations::QueueFigures& q : *figures) {
    if (q.queue != queue) continue;
    QueueNow now;
    now.waiting = q.waiting;
    now.ready_agents = q.ready_agents;
    now.expected_wait_s = q.waiting == 0 && q.ready_agents > 0 ? 0.0
                          : q.answered_today > 0               ? q.asa_s
                                                               : q.longest_wait_s;
    return now;
  }
  return not_found("no such queue", "queue_id");
}

Result<Time> ContactCenterHost::receive(std::uint64_t interaction, std::string text) {
  // From the channel: as an integration's account would post it.
  auto message =
      center_.post_message(interaction, 0, true, conversations::Author::kCitizen, std::move(text));
  if (!message) return message.error();
  return message->at;
}

Status ContactCenterHost::note_durably(std::uint64_t interaction, const std::string& type,
                                       const std::string& data_json) {
  return center_.note_durably(interaction, type, data_json);
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
    for (const conversations::InteractionView& view : page->interactions) {
      OpenInteraction open;
      open.id = view.stored.id;
      if (view.phase) open.phase = routing::to_string(*view.phase);
      open.answer_due = view.stored.answer_due;
      const json::value attributes = parsed(view.stored.attributes_json);
      if (attributes.is_object()) {
        for (const auto& [key, value] : attributes.as_object()) {
          if (value.is_string()) open.attributes[std::string(key)] = std::string(value.as_string());
        }
      }
      out.push_back(std::move(open));
    }
    if (page->next_before_id == 0) break;
    filter.before_id = page->next_before_id;
  }
  return out;
}

std::map<std::uint64_t, int> ContactCenterHost::ready_agents() {
  std::map<std::uint64_t, int> ready;
  auto queues = center_.queue_stats();
  if (!queues) return ready;
  for (const conversations::QueueFigures& q : *queues)
    ready[q.queue] = static_cast<int>(q.ready_agents);
  return ready;
}

Result<std::vector<store::Document>> ContactCenterHost::documents(const std::string& kind) {
  return center_.documents(kind);
}

Result<store::Document> ContactCenterHost::document(const std::string& kind, std::uint64_t id) {
  return center_.document(kind, id);
}

std::shared_ptr<const BusinessCalendar> ContactCenterHost::queue_hours(std::uint64_t queue) {
  return center_.queue_hours(queue);
}

Result<std::shared_ptr<const BusinessCalendar>> ContactCenterHost::calendar(std::uint64_t id) {
  return center_.calendar(id);
}

Status ContactCenterHost::keep(const std::string& channel,
                               const std::vector<store::ChannelEntry>& entries) {
  if (!store_) return failed_precondition("nowhere to keep a channel's entries");
  return store_->put_channel_entries(channel, entries);
}

Result<std::string> ContactCenterHost::kept(const std::string& channel, const std::string& key) {
  if (!store_) return failed_precondition("nowhere to keep a channel's entries");
  return store_->channel_entry(channel, key);
}

Result<std::vector<store::ChannelEntry>> ContactCenterHost::kept_from(const std::string& channel,
                                                                      const std::string& prefix) {
  if (!store_) return failed_precondition("nowhere to keep a channel's entries");
  return store_->channel_entries(channel, prefix);
}

}  // namespace guichet::channels
