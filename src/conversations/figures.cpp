// Live figures: the wallboard's per queue and per agent, the Prometheus
// gauges.
#include "conversations/detail/contact_center_impl.h"

#include <map>

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

Result<std::vector<QueueFigures>> ContactCenter::Impl::queue_stats() {
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
  std::vector<QueueFigures> out;
  out.reserve(queue_names_.size());
  for (const auto& [id, name] : queue_names_) {
    const TodayFigures::Queue q = today_.queue(id, at);
    QueueFigures& f = out.emplace_back();
    f.queue = id;
    f.name = name;
    f.waiting = q.waiting;
    f.longest_wait_s = q.longest_wait_s;
    f.ready_agents = ready_[id];
    f.offered_today = q.offered;
    f.answered_today = q.answered;
    f.abandoned_today = q.abandoned;
    f.service_level_today = q.service_level();
    f.service_level_target = sl_targets_[id];
    f.asa_s = q.asa_s();
  }
  return out;
}

namespace {

std::string team_of(const store::Document& agent) {
  if (agent.body_json.find("\"team\"") == std::string::npos) return {};  // most have none
  boost::system::error_code ec;
  json::value body = json::parse(agent.body_json, ec);
  return !ec && body.is_object() ? json_body::string_or(body.as_object(), "team", "") : "";
}

}  // namespace

Result<std::vector<AgentFigures>> ContactCenter::Impl::agent_stats() {
  auto agents = store_.documents(kAgent);
  if (!agents) return agents.error();
  // People are shown by their name ("Léa Martin"), not their login.
  std::map<std::uint64_t, std::string> display_names;
  if (auto users = store_.list_users()) {
    for (const store::User& user : *users)
      if (!user.display_name.empty()) display_names[user.id] = user.display_name;
  }
  const Time at = now();
  std::vector<AgentFigures> out;
  engine_.inspect([&](const routing::Engine& e) {
    std::lock_guard stats(stats_mutex_);
    for (const store::Document& agent : *agents) {
      auto status = e.agent(agent.id);
      if (!status) continue;
      const TodayFigures::Agent today = today_.agent(agent.id);
      AgentFigures& f = out.emplace_back();
      f.agent = agent.id;
      f.login = agent.name;
      auto named = display_names.find(agent.id);
      f.name = named != display_names.end() ? named->second : agent.name;
      f.team = team_of(agent);
      f.state = status->state;
      f.reason = status->reason;
      f.state_since = status->state_since;
      f.time_in_state_s = std::chrono::duration<double>(at - status->state_since).count();
      for (int slots : status->load)
        f.interactions_in_hand += slots;
      f.offered_today = today.offered;
      f.handled_today = today.handled;
      f.missed_today = today.missed;
    }
  });
  return out;
}

}  // namespace guichet::conversations
