// Live figures: the wallboard's per queue and per agent, the Prometheus
// gauges.
#include "conversations/detail/contact_center_impl.h"

#include "core/json_format.h"

namespace guichet::conversations {

using namespace detail;

std::string ContactCenter::Impl::metrics_gauges() {
  auto queues = store_.documents(kQueue);
  std::string waiting =
      "# HELP guichet_queue_waiting Interactions waiting in the queue.\n"
      "# TYPE guichet_queue_waiting gauge\n";
  std::string ready =
      "# HELP guichet_queue_ready_agents Agents ready to take the queue's next interaction.\n"
      "# TYPE guichet_queue_ready_agents gauge\n";
  if (!queues) return waiting + ready;
  engine_.inspect([&](const routing::Engine& e) {
    for (const store::Document& queue : *queues) {
      auto status = e.queue(queue.id);
      const std::string labels = "{queue=" + json_quote(queue.name) + "}";
      waiting += "guichet_queue_waiting" + labels + " " +
                 std::to_string(status ? status->waiting : 0) + "\n";
      ready += "guichet_queue_ready_agents" + labels + " " +
               std::to_string(status ? status->ready_agents : 0) + "\n";
    }
  });
  return waiting + ready;
}

Result<std::string> ContactCenter::Impl::queue_stats() {
  const Time at = now();
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard stats(stats_mutex_);
    if (at - ready_read_at_ >= kReadyRefresh) {
      for (const auto& [id, name] : queue_names_)
        ids.push_back(id);
    }
  }
  if (!ids.empty()) {
    std::map<std::uint64_t, std::size_t> ready;
    engine_.inspect([&](const routing::Engine& e) {
      for (std::uint64_t id : ids) {
        auto status = e.queue(id);
        ready[id] = status ? status->ready_agents : 0;
      }
    });
    std::lock_guard stats(stats_mutex_);
    ready_ = std::move(ready);
    ready_read_at_ = at;
  }
  std::lock_guard stats(stats_mutex_);
  std::string out = "[";
  bool first = true;
  for (const auto& [id, name] : queue_names_) {
    const TodayFigures::Queue q = today_.queue(id, at);
    if (!first) out += ",";
    first = false;
    out += "{\"queue_id\":" + std::to_string(id) + ",\"name\":" + json_quote(name) +
           ",\"waiting\":" + std::to_string(q.waiting) +
           ",\"longest_wait_s\":" + json_number(q.longest_wait_s, 1) +
           ",\"ready_agents\":" + std::to_string(ready_[id]) +
           ",\"offered_today\":" + std::to_string(q.offered) +
           ",\"answered_today\":" + std::to_string(q.answered) +
           ",\"abandoned_today\":" + std::to_string(q.abandoned) +
           ",\"service_level_today\":" + json_number(q.service_level(), 4) +
           ",\"service_level_target\":" + json_number(sl_targets_[id], 4) +
           ",\"asa_s\":" + json_number(q.asa_s(), 1) + "}";
  }
  return out + "]";
}

Result<std::string> ContactCenter::Impl::agent_stats() {
  auto agents = store_.documents(kAgent);
  if (!agents) return agents.error();
  const Time at = now();
  std::string out = "[";
  bool first = true;
  engine_.inspect([&](const routing::Engine& e) {
    std::lock_guard stats(stats_mutex_);
    for (const store::Document& agent : *agents) {
      auto status = e.agent(agent.id);
      if (!status) continue;
      const TodayFigures::Agent today = today_.agent(agent.id);
      int load = 0;
      for (int slots : status->load)
        load += slots;
      if (!first) out += ",";
      first = false;
      out += "{\"agent_id\":" + std::to_string(agent.id) + ",\"name\":" + json_quote(agent.name) +
             ",\"state\":" + json_quote(routing::to_string(status->state)) +
             ",\"reason\":" + json_quote(status->reason) +
             ",\"state_since\":" + json_quote(iso8601(status->state_since)) +
             ",\"time_in_state_s\":" +
             json_number(std::chrono::duration<double>(at - status->state_since).count(), 0) +
             ",\"interactions_in_hand\":" + std::to_string(load) +
             ",\"offered_today\":" + std::to_string(today.offered) +
             ",\"handled_today\":" + std::to_string(today.handled) +
             ",\"missed_today\":" + std::to_string(today.missed) + "}";
    }
  });
  return out + "]";
}

}  // namespace guichet::conversations
