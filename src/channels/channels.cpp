#include "channels/channels.h"

#include <mutex>

namespace guichet::channels {

void Channels::add(std::unique_ptr<Channel> channel) {
  std::unique_lock lock(mutex_);
  channels_.push_back(std::move(channel));
}

void Channels::remove_all() {
  std::vector<std::unique_ptr<Channel>> gone;
  {
    std::unique_lock lock(mutex_);
    gone = std::move(channels_);
    channels_.clear();
  }
  // Stopped outside the lock: a channel stopping ends its contacts, whose
  // engine events come back through on_events().
  while (!gone.empty())
    gone.pop_back();
}

Channel* Channels::find(std::string_view name) const {
  for (const auto& channel : channels_) {
    if (channel->name() == name) return channel.get();
  }
  return nullptr;
}

Status Channels::deliver(routing::Channel medium, const Reply& reply) {
  std::shared_lock lock(mutex_);
  for (auto channel = channels_.rbegin(); channel != channels_.rend(); ++channel) {
    if (!(*channel)->carries(medium)) continue;
    Status delivered = (*channel)->deliver(reply);
    // Not one of its conversations (a chat an integration brings, beside
    // the web chat's own): the channel added before it takes it.
    if (!delivered && delivered.error().code == ErrorCode::kNotFound &&
        delivered.error().field == "interaction") {
      continue;
    }
    return delivered;
  }
  return failed_precondition(
      std::string("no channel delivers ") + routing::to_string(medium) + " replies", "channel");
}

void Channels::on_events(const std::vector<routing::Event>& events) {
  std::shared_lock lock(mutex_);
  for (const auto& channel : channels_)
    channel->on_events(events);
}

void Channels::on_config(const std::string& kind) {
  std::shared_lock lock(mutex_);
  for (const auto& channel : channels_)
    channel->on_config(kind);
}

std::string Channels::metrics() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& channel : channels_)
    out += channel->metrics();
  return out;
}

}  // namespace guichet::channels
