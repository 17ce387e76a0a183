#include "conversations/today.h"

namespace guichet::conversations {

using routing::EventType;

double TodayFigures::Queue::service_level() const {
  const auto reached = answered + abandoned;
  return reached == 0 ? 1.0
                      : static_cast<double>(answered_in_threshold) / static_cast<double>(reached);
}

double TodayFigures::Queue::asa_s() const {
  return answered == 0 ? 0.0 : answered_wait_s / static_cast<double>(answered);
}

void TodayFigures::roll_day(Time at) {
  const auto day = std::chrono::floor<std::chrono::days>(zone_.to_local(at));
  if (day == day_) return;
  const bool first = day_ == std::chrono::local_days{};
  day_ = day;
  queues_.clear();
  agents_.clear();
  presence_.clear();
  // Today starts at midnight for those signed in across it; the first day
  // seen starts at the first event (nothing is known before).
  const Time midnight = zone_.to_utc(LocalTime(day));
  since_ = first ? at : midnight;
  for (auto& [agent, since] : signed_in_since_)
    since = std::max(since, midnight);
}

std::vector<Stretch> TodayFigures::signed_in(std::uint64_t id, Time now) const {
  std::vector<Stretch> out;
  if (auto found = presence_.find(id); found != presence_.end()) out = found->second;
  if (auto now_in = signed_in_since_.find(id);
      now_in != signed_in_since_.end() && now_in->second < now)
    out.push_back({now_in->second, now});
  return out;
}

void TodayFigures::wait_starts(std::uint64_t queue, std::uint64_t interaction, Time since) {
  wait_ends(interaction);
  waiting_[interaction] = {queue, since};
  waiting_by_queue_[queue].insert({since, interaction});
}

void TodayFigures::wait_ends(std::uint64_t interaction) {
  auto found = waiting_.find(interaction);
  if (found == waiting_.end()) return;
  const auto [queue, since] = found->second;
  waiting_by_queue_[queue].erase({since, interaction});
  waiting_.erase(found);
}

void TodayFigures::on_event(const routing::Event& e) {
  roll_day(e.at);
  const Time enqueued = e.at - e.waited;
  switch (e.type) {
    case EventType::kAgentState:
      if (e.agent_state != routing::AgentState::kOffline) {
        signed_in_since_.try_emplace(e.agent, e.at);
      } else if (auto in = signed_in_since_.find(e.agent); in != signed_in_since_.end()) {
        if (in->second < e.at) presence_[e.agent].push_back({in->second, e.at});
        signed_in_since_.erase(in);
      }
      break;
    case EventType::kQueued:
      ++queues_[e.queue].offered;
      wait_starts(e.queue, e.interaction, enqueued);
      break;
    case EventType::kOffered:
      wait_ends(e.interaction);  // ringing an agent, no longer waiting in the queue
      ++agents_[e.agent].offered;
      break;
    case EventType::kAccepted: {
      // Answered when the agent takes it: the wait includes the ringing.
      Queue& q = queues_[e.queue];
      ++q.answered;
      q.answered_wait_s += std::chrono::duration<double>(e.waited).count();
      auto threshold = thresholds_.find(e.queue);
      if (threshold == thresholds_.end() || e.waited <= threshold->second)
        ++q.answered_in_threshold;
      break;
    }
    case EventType::kRejected:
    case EventType::kOfferTimeout:
      ++agents_[e.agent].missed;
      wait_starts(e.queue, e.interaction, enqueued);  // back to its place
      break;
    case EventType::kOfferRevoked:
      wait_starts(e.queue, e.interaction, enqueued);
      break;
    case EventType::kAbandoned:
      ++queues_[e.queue].abandoned;
      wait_ends(e.interaction);
      break;
    case EventType::kOverflowed:
    case EventType::kCallbackRequested:
    case EventType::kTransferred:
      wait_ends(e.interaction);  // a queued event follows where it goes
      break;
    case EventType::kCompleted:
      ++agents_[e.agent].handled;
      break;
    default:
      break;
  }
}

TodayFigures::Queue TodayFigures::queue(std::uint64_t id, Time now) const {
  Queue out;
  if (auto found = queues_.find(id); found != queues_.end()) out = found->second;
  if (auto found = waiting_by_queue_.find(id); found != waiting_by_queue_.end()) {
    out.waiting = found->second.size();
    if (!found->second.empty()) {
      out.longest_wait_s =
          std::chrono::duration<double>(now - found->second.begin()->first).count();
    }
  }
  return out;
}

TodayFigures::Agent TodayFigures::agent(std::uint64_t id) const {
  auto found = agents_.find(id);
  return found == agents_.end() ? Agent{} : found->second;
}

}  // namespace guichet::conversations
