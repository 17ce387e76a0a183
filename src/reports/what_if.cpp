// The what-if: today's queues and agents through the simulator.
#include "reports/what_if.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "core/json_body.h"
#include "core/json_format.h"
#include "sim/simulator.h"

namespace guichet::reports {

namespace json = boost::json;

Result<std::string> what_if(const std::string& body, conversations::ContactCenter& center) {
  auto object = json_body::parse_object(body, {{"arrivals", json::kind::object, true},
                                               {"interval_s", json::kind::double_, false},
                                               {"day_start", json::kind::string, false},
                                               {"aht_s", json::kind::double_, false},
                                               {"patience_s", json::kind::double_, false},
                                               {"agents", json::kind::string, false},
                                               {"seed", json::kind::int64, false}});
  if (!object) return object.error();
  sim::Scenario scenario;
  scenario.name = "what-if";
  scenario.interval_s = json_body::number_or(*object, "interval_s", 900);
  if (scenario.interval_s < 60 || scenario.interval_s > 3600) {
    return invalid_argument("60 to 3600 seconds", "interval_s");
  }
  int hour = 0, minute = 0;
  char extra = 0;
  const std::string day_start = json_body::string_or(*object, "day_start", "08:00");
  if (std::sscanf(day_start.c_str(), "%d:%d%c", &hour, &minute, &extra) != 2 || hour < 0 ||
      hour > 23 || minute < 0 || minute > 59) {
    return invalid_argument("a time as HH:MM", "day_start");
  }
  scenario.day_start_s = hour * 3600.0 + minute * 60.0;
  const double aht = json_body::number_or(*object, "aht_s", 180);
  if (aht < 1 || aht > 3'600) return invalid_argument("1 to 3600 seconds", "aht_s");
  sim::Distribution patience;
  if (object->contains("patience_s")) {
    const double mean = json_body::number_or(*object, "patience_s", 0);
    if (mean < 1 || mean > 3'600) return invalid_argument("1 to 3600 seconds", "patience_s");
    patience = {sim::Distribution::Kind::kExponential, mean, 0};
  }
  const std::string who = json_body::string_or(*object, "agents", "connected");
  if (who != "connected" && who != "all") return invalid_argument("connected or all", "agents");

  auto queues = center.queue_settings();
  if (!queues) return queues.error();
  const json::object& arrivals = object->at("arrivals").as_object();
  std::size_t intervals = 0;
  double total = 0;
  for (const auto& [queue, counts] : arrivals) {
    const std::string where = "arrivals." + std::string(queue);
    if (!counts.is_array() || counts.as_array().empty() || counts.as_array().size() > 96) {
      return invalid_argument("1 to 96 numbers, one per interval", where);
    }
    for (const json::value& count : counts.as_array()) {
      if (!count.is_number() || count.to_number<double>() < 0) {
        return invalid_argument("arrivals are numbers, 0 or more", where);
      }
      total += count.to_number<double>();
    }
    intervals = std::max(intervals, counts.as_array().size());
    const bool known = std::any_of(queues->begin(), queues->end(), [&](const auto& q) {
      return std::to_string(q.id) == std::string_view(queue);
    });
    if (!known) return not_found("no such queue", where);
  }
  if (total > 200'000) return invalid_argument("at most 200,000 arrivals", "arrivals");
  for (const conversations::QueueSetting& queue : *queues) {
    const routing::QueueConfig* config = &queue.config;
    sim::QueueSpec spec;
    spec.name = queue.name;
    spec.channel = config->channel;
    for (const routing::Requirement& r : config->requirements)
      spec.skills.emplace_back(std::to_string(r.skill), r.min_level);
    spec.priority = config->priority;
    spec.threshold_s = std::chrono::duration<double>(config->sl_threshold).count();
    spec.target = config->sl_target;
    spec.strategy = config->strategy;
    spec.wrapup_s = std::chrono::duration<double>(config->wrapup).count();
    spec.handle_time = {sim::Distribution::Kind::kExponential, aht, 0};
    spec.patience = patience;
    spec.arrivals.assign(intervals, 0);
    if (const json::value* counts = arrivals.if_contains(std::to_string(queue.id))) {
      for (std::size_t i = 0; i < counts->as_array().size(); ++i)
        spec.arrivals[i] = counts->as_array()[i].to_number<double>();
    }
    scenario.queues.push_back(std::move(spec));
  }
  auto agents = center.agent_settings();
  if (!agents) return agents.error();
  for (const conversations::AgentSetting& agent : *agents) {
    if (who == "connected" && !agent.connected) continue;
    const routing::AgentConfig* config = &agent.config;
    sim::AgentSpec spec;
    spec.name = agent.name;
    for (const routing::SkillLevel& skill : config->skills)
      spec.skills.emplace_back(std::to_string(skill.skill), skill.level);
    spec.capacity = config->capacity;
    scenario.agents.push_back(std::move(spec));
  }
  // The simulated day runs until the last interaction is served: bound the
  // work the request may ask for (a week of the agents' time).
  const double work_s =
      total * aht / static_cast<double>(std::max<std::size_t>(1, scenario.agents.size()));
  if (work_s > 7 * 86'400.0) {
    return invalid_argument("more work than these agents could do in a week: fewer arrivals",
                            "arrivals");
  }
  sim::Options options;
  options.seed =
      static_cast<std::uint64_t>(std::max<std::int64_t>(1, json_body::int_or(*object, "seed", 1)));
  auto report = sim::simulate(scenario, options);
  if (!report) return report.error();
  auto figures = [](const sim::Counts& c) {
    return "\"offered\":" + std::to_string(c.offered) +
           ",\"answered\":" + std::to_string(c.answered) +
           ",\"abandoned\":" + std::to_string(c.abandoned) +
           ",\"service_level\":" + json_number(c.service_level(), 4) +
           ",\"asa_s\":" + json_number(c.asa_s(), 1) +
           ",\"occupancy\":" + json_number(c.occupancy(), 4);
  };
  std::string out = "{\"agents\":" + std::to_string(scenario.agents.size()) +
                    ",\"day_start\":" + json_quote(day_start) +
                    ",\"interval_s\":" + json_number(scenario.interval_s, 0) + ",\"overall\":{" +
                    figures(report->overall) + "},\"queues\":[";
  bool first = true;
  for (std::size_t q = 0; q < report->queues.size(); ++q) {
    if (report->queues[q].offered == 0) continue;
    if (!first) out += ",";
    first = false;
    out +=
        "{\"name\":" + json_quote(report->queue_names[q]) + "," + figures(report->queues[q]) + "}";
  }
  out += "],\"intervals\":[";
  for (std::size_t i = 0; i < report->intervals.size(); ++i) {
    sim::Counts sum;
    for (const sim::Counts& c : report->intervals[i])
      sum.add(c);
    if (i > 0) out += ",";
    out += "{\"start_s\":" +
           json_number(scenario.day_start_s + static_cast<double>(i) * scenario.interval_s, 0) +
           "," + figures(sum) + "}";
  }
  return out + "]}";
}

}  // namespace guichet::reports
