// Held interactions: a written conversation its channel serves first (the
// chat's bot answering from the knowledge base), stored from its first
// message, routed when a person is asked for, or ended without one.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"
#include "core/text.h"

namespace guichet::conversations {

using namespace detail;

Result<store::Interaction> ContactCenter::Impl::held(std::uint64_t interaction) {
  auto it = store_.interaction(interaction);
  if (!it) return not_found("no such interaction", "id");
  if (it->status != "waiting") return failed_precondition("the interaction has ended", "id");
  bool routed_now = false;
  engine_.inspect(
      [&](const routing::Engine& e) { routed_now = e.interaction(interaction).has_value(); });
  if (routed_now) return failed_precondition("the interaction is in its queue already", "id");
  return it;
}

Status ContactCenter::Impl::route(std::uint64_t interaction) {
  auto it = held(interaction);
  if (!it) return it.status();
  // Its wait starts now: the bot's minutes are not the queue's.
  it->enqueued_at = now();
  bool ended = false;
  return arrive(*it, &ended);
}

Result<store::InteractionEvent> ContactCenter::Impl::held_message(std::uint64_t interaction,
                                                                  Author from,
                                                                  const std::string& text) {
  if (text.empty() || utf8_length(text) > 4000)
    return invalid_argument("1 to 4000 characters", "text");
  if (from == Author::kAgent)
    return invalid_argument("agents write to routed interactions", "from");
  auto it = held(interaction);
  if (!it) return it.error();
  store::InteractionEvent event;
  event.interaction_id = interaction;
  event.type = "message";
  event.at = now();
  event.data_json = std::string("{\"from\":\"") + to_string(from) +
                    "\",\"agent_id\":0,\"text\":" + json_quote(text) + "}";
  return event;
}

Result<Time> ContactCenter::Impl::record_message(std::uint64_t interaction, Author from,
                                                 std::string text) {
  auto event = held_message(interaction, from, text);
  if (!event) return event.error();
  if (Status s = writer_.wait(writer_.enqueue({*event})); !s) return s.error();
  return event->at;
}

void ContactCenter::Impl::record_message_async(std::uint64_t interaction, Author from,
                                               std::string text, ContactCenter::Written written) {
  auto event = held_message(interaction, from, text);
  if (!event) return written(event.error());
  const Time at = event->at;
  writer_.when_written(writer_.enqueue({std::move(*event)}),
                       [at, written = std::move(written)](Status s) {
                         written(s ? Result<Time>(at) : Result<Time>(s.error()));
                       });
}

Status ContactCenter::Impl::end_held(std::uint64_t interaction, bool answered) {
  auto it = held(interaction);
  if (!it) return it.status();
  store::InteractionEvent event;
  event.interaction_id = interaction;
  // "closed", not "completed" or "abandoned": no agent handled it and no
  // queue made it wait, so neither counts in the queue's figures.
  event.type = "closed";
  event.at = now();
  event.data_json = answered ? R"({"reason":"answered by the bot","by_bot":true})"
                             : R"({"reason":"left before asking for a person","by_bot":false})";
  return writer_.wait(writer_.enqueue({event}));
}

void ContactCenter::Impl::tell_agent(std::uint64_t interaction, const std::string& type,
                                     const std::string& data_json) {
  std::optional<routing::InteractionStatus> status;
  engine_.inspect([&](const routing::Engine& e) { status = e.interaction(interaction); });
  if (!status || status->agent == 0) return;
  live_.publish(status->agent, status->queue,
                "{\"type\":" + json_quote(type) + ",\"at\":" + json_quote(iso8601(now())) +
                    ",\"interaction_id\":" + std::to_string(interaction) +
                    ",\"agent_id\":" + std::to_string(status->agent) + ",\"queue_id\":" +
                    std::to_string(status->queue) + ",\"data\":" + data_json + "}");
}

}  // namespace guichet::conversations
