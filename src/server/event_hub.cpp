#include "server/event_hub.h"

namespace guichet::server {

namespace {

const std::string kReset =
    R"({"type":"reset","message":"events were missed: reload the state, then reconnect"})";

}  // namespace

Subscription::Subscription(EventHub& hub, std::uint64_t agent, bool supervisor)
    : hub_(hub), agent_(agent), supervisor_(supervisor) {}

Subscription::~Subscription() {
  std::lock_guard lock(hub_.mutex_);
  hub_.subscribers_.erase(this);
}

std::vector<std::string> Subscription::take() {
  std::lock_guard lock(hub_.mutex_);
  std::vector<std::string> out(std::make_move_iterator(pending_.begin()),
                               std::make_move_iterator(pending_.end()));
  pending_.clear();
  return out;
}

void Subscription::on_ready(std::function<void()> notify) {
  std::lock_guard lock(hub_.mutex_);
  notify_ = std::move(notify);
  if (!pending_.empty() && notify_) notify_();
}

void Subscription::set_queues(std::set<std::uint64_t> queues) {
  std::lock_guard lock(hub_.mutex_);
  queues_ = std::move(queues);
}

bool Subscription::ended() const {
  std::lock_guard lock(hub_.mutex_);
  return ended_;
}

bool Subscription::wants(const HubEvent& event) const {
  if (supervisor_) return queues_.empty() || event.queue == 0 || queues_.count(event.queue) > 0;
  return event.agent == agent_;
}

void EventHub::deliver(Subscription& subscription, const std::string& message) {
  if (subscription.ended_) return;
  if (subscription.pending_.size() >= max_pending_) {
    // Too slow a reader: drop what it has not read, tell it to reload.
    subscription.pending_.clear();
    subscription.pending_.push_back(kReset);
    subscription.ended_ = true;
  } else {
    subscription.pending_.push_back(message);
  }
  if (subscription.notify_) subscription.notify_();
}

std::uint64_t EventHub::publish(std::uint64_t agent, std::uint64_t queue,
                                const std::string& json_without_id) {
  std::lock_guard lock(mutex_);
  HubEvent event;
  event.id = next_id_++;
  event.agent = agent;
  event.queue = queue;
  event.json = "{\"id\":" + std::to_string(event.id) +
               (json_without_id.size() > 2 ? "," + json_without_id.substr(1) : "}");
  for (Subscription* subscription : subscribers_) {
    if (subscription->wants(event)) deliver(*subscription, event.json);
  }
  recent_.push_back(std::move(event));
  if (recent_.size() > window_) recent_.pop_front();
  return next_id_ - 1;
}

std::unique_ptr<Subscription> EventHub::subscribe(std::uint64_t agent, bool supervisor,
                                                  std::uint64_t last_seen) {
  std::unique_ptr<Subscription> subscription(new Subscription(*this, agent, supervisor));
  std::lock_guard lock(mutex_);
  if (last_seen > 0) {
    const std::uint64_t oldest = recent_.empty() ? next_id_ : recent_.front().id;
    if (last_seen + 1 < oldest) {
      subscription->pending_.push_back(kReset);  // some are gone: the client reloads
    }
    for (const HubEvent& event : recent_) {
      if (event.id > last_seen && subscription->wants(event)) {
        subscription->pending_.push_back(event.json);
      }
    }
  }
  subscribers_.insert(subscription.get());
  return subscription;
}

std::size_t EventHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

std::uint64_t EventHub::last_id() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

}  // namespace guichet::server
