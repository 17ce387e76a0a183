#include "channels/messages/messages_channel.h"

namespace guichet::channels {

Result<Time> MessagesChannel::receive(std::uint64_t interaction, std::string text) {
  auto at = host_.receive(interaction, std::move(text));
  if (at) received_.fetch_add(1, std::memory_order_relaxed);
  return at;
}

bool MessagesChannel::carries(routing::Channel channel) const {
  return routing::is_written(channel);
}

Status MessagesChannel::control(std::uint64_t, const std::string& action, std::uint64_t, bool) {
  return invalid_argument("a written conversation has no " + action, "action");
}

// The domain put the reply on the event stream when it stored it (before
// this is called): that is the integration's delivery.
Status MessagesChannel::deliver(const Reply& reply) {
  if (!reply.files.empty()) return failed_precondition("an integration carries no files", "files");
  host_.note_delivery(reply, Delivery::kSent, "event stream");
  sent_.fetch_add(1, std::memory_order_relaxed);
  return Status::ok();
}

std::string MessagesChannel::metrics() const {
  return "# HELP guichet_messages_received_total Citizens' messages brought by integrations.\n"
         "# TYPE guichet_messages_received_total counter\n"
         "guichet_messages_received_total " +
         std::to_string(received_.load(std::memory_order_relaxed)) +
         "\n"
         "# HELP guichet_messages_sent_total Agents' replies put on the integrations' stream.\n"
         "# TYPE guichet_messages_sent_total counter\n"
         "guichet_messages_sent_total " +
         std::to_string(sent_.load(std::memory_order_relaxed)) + "\n";
}

std::string MessagesChannel::stats_json() const {
  return "{\"received\":" + std::to_string(received_.load(std::memory_order_relaxed)) +
         ",\"sent\":" + std::to_string(sent_.load(std::memory_order_relaxed)) + "}";
}

}  // namespace guichet::channels
