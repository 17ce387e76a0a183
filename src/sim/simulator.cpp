#include "sim/simulator.h"

#include "core/json_format.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <queue>
#include <random>

namespace guichet::sim {

namespace json = boost::json;
using routing::Channel;

namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();
constexpr int kMaxAgents = 100'000;
constexpr int kMaxIntervals = 4 * 24 * 7;  // a week of 15-minute intervals

// ---- scenario parsing ---------------------------------------------------------

Result<double> number_field(const json::object& object, std::string_view key,
                            const std::string& where, std::optional<double> fallback) {
  const json::value* value = object.if_contains(key);
  if (!value) {
    if (fallback) return *fallback;
    return invalid_argument("missing", where + "." + std::string(key));
  }
  if (!value->is_number())
    return invalid_argument("must be a number", where + "." + std::string(key));
  const double number = value->to_number<double>();
  if (!std::isfinite(number) || number < 0) {
    return invalid_argument("must be a finite number >= 0", where + "." + std::string(key));
  }
  return number;
}

Result<std::string> string_field(const json::object& object, std::string_view key,
                                 const std::string& where, std::optional<std::string> fallback) {
  const json::value* value = object.if_contains(key);
  if (!value) {
    if (fallback) return *fallback;
    return invalid_argument("missing", where + "." + std::string(key));
  }
  if (!value->is_string())
    return invalid_argument("must be a string", where + "." + std::string(key));
  return std::string(value->as_string());
}

// "08:30" -> 30600 seconds.
Result<double> clock_field(const json::object& object, std::string_view key,
                           const std::string& where) {
  auto text = string_field(object, key, where, std::nullopt);
  if (!text) return text.error();
  int hours = 0, minutes = 0;
  char extra = 0;
  if (std::sscanf(text->c_str(), "%d:%d%c", &hours, &minutes, &extra) != 2 || hours < 0 ||
      hours > 48 || minutes < 0 || minutes > 59) {
    return invalid_argument("expected a time like 08:30", where + "." + std::string(key));
  }
  return hours * 3600.0 + minutes * 60.0;
}

Result<std::vector<std::pair<std::string, int>>> skills_field(const json::object& object,
                                                              const std::string& where) {
  std::vector<std::pair<std::string, int>> skills;
  const json::value* value = object.if_contains("skills");
  if (!value) return skills;
  if (!value->is_object()) return invalid_argument("must be an object", where + ".skills");
  for (const auto& [name, level] : value->as_object()) {
    if (!level.is_int64() || level.as_int64() < routing::kMinLevel ||
        level.as_int64() > routing::kMaxLevel) {
      return invalid_argument("level must be an integer 1..5",
                              where + ".skills." + std::string(name));
    }
    skills.emplace_back(std::string(name), static_cast<int>(level.as_int64()));
  }
  return skills;
}

Result<Distribution> distribution_field(const json::object& object, std::string_view key,
                                        const std::string& where, Distribution fallback) {
  const json::value* value = object.if_contains(key);
  if (!value) return fallback;
  const std::string field = where + "." + std::string(key);
  if (!value->is_object()) return invalid_argument("must be an object", field);
  const json::object& spec = value->as_object();
  auto kind = string_field(spec, "distribution", field, "exponential");
  if (!kind) return kind.error();
  Distribution d;
  if (*kind == "none") return d;
  if (*kind == "exponential") {
    d.kind = Distribution::Kind::kExponential;
  } else if (*kind == "lognormal") {
    d.kind = Distribution::Kind::kLognormal;
  } else if (*kind == "constant") {
    d.kind = Distribution::Kind::kConstant;
  } else {
    return invalid_argument("expected exponential, lognormal, constant or none",
                            field + ".distribution");
  }
  auto mean = number_field(spec, "mean_s", field, std::nullopt);
  if (!mean) return mean.error();
  if (*mean <= 0) return invalid_argument("must be positive", field + ".mean_s");
  d.mean_s = *mean;
  if (d.kind == Distribution::Kind::kLognormal) {
    auto sd = number_field(spec, "sd_s", field, std::nullopt);
    if (!sd) return sd.error();
    d.sd_s = *sd;
  }
  return d;
}

Result<QueueSpec> parse_queue(const json::value& value, const std::string& where) {
  if (!value.is_object()) return invalid_argument("must be an object", where);
  const json::object& object = value.as_object();
  QueueSpec queue;
  auto name = string_field(object, "name", where, std::nullopt);
  if (!name) return name.error();
  queue.name = *name;
  auto channel_name = string_field(object, "channel", where, "voice");
  if (!channel_name) return channel_name.error();
  auto channel = routing::channel_from_string(*channel_name);
  if (!channel) return invalid_argument("unknown channel", where + ".channel");
  queue.channel = *channel;
  auto skills = skills_field(object, where);
  if (!skills) return skills.error();
  queue.skills = *skills;
  auto strategy_name = string_field(object, "strategy", where, "longest_idle");
  if (!strategy_name) return strategy_name.error();
  auto strategy = routing::strategy_from_string(*strategy_name);
  if (!strategy) return invalid_argument("unknown strategy", where + ".strategy");
  queue.strategy = *strategy;
  if (const json::value* priority = object.if_contains("priority")) {
    if (!priority->is_int64() || std::abs(priority->as_int64()) > 1000) {
      return invalid_argument("must be an integer in -1000..1000", where + ".priority");
    }
    queue.priority = static_cast<int>(priority->as_int64());
  }
  auto threshold = number_field(object, "threshold_s", where, 20.0);
  auto target = number_field(object, "target", where, 0.8);
  auto wrapup = number_field(object, "wrapup_s", where, 0.0);
  if (!threshold) return threshold.error();
  if (!target) return target.error();
  if (!wrapup) return wrapup.error();
  if (*target > 1) return invalid_argument("must be within 0..1", where + ".target");
  queue.threshold_s = *threshold;
  queue.target = *target;
  queue.wrapup_s = *wrapup;
  auto handle = distribution_field(object, "handle_time", where, queue.handle_time);
  if (!handle) return handle.error();
  if (handle->kind == Distribution::Kind::kNone) {
    return invalid_argument("a handle time is needed", where + ".handle_time");
  }
  queue.handle_time = *handle;
  auto patience = distribution_field(object, "patience", where, Distribution{});
  if (!patience) return patience.error();
  queue.patience = *patience;
  const json::value* arrivals = object.if_contains("arrivals");
  if (!arrivals || !arrivals->is_array()) {
    return invalid_argument("expected an array of arrivals per interval", where + ".arrivals");
  }
  if (arrivals->as_array().size() > kMaxIntervals) {
    return invalid_argument("too many intervals", where + ".arrivals");
  }
  for (const json::value& count : arrivals->as_array()) {
    if (!count.is_number() || count.to_number<double>() < 0 ||
        !std::isfinite(count.to_number<double>())) {
      return invalid_argument("arrivals must be numbers >= 0", where + ".arrivals");
    }
    queue.arrivals.push_back(count.to_number<double>());
  }
  return queue;
}

Result<AgentSpec> parse_agent(const json::value& value, const std::string& where,
                              double day_start_s) {
  if (!value.is_object()) return invalid_argument("must be an object", where);
  const json::object& object = value.as_object();
  AgentSpec agent;
  auto name = string_field(object, "name", where, std::nullopt);
  if (!name) return name.error();
  agent.name = *name;
  if (const json::value* count = object.if_contains("count")) {
    if (!count->is_int64() || count->as_int64() < 0 || count->as_int64() > kMaxAgents) {
      return invalid_argument("must be an integer 0..100000", where + ".count");
    }
    agent.count = static_cast<int>(count->as_int64());
  }
  auto skills = skills_field(object, where);
  if (!skills) return skills.error();
  agent.skills = *skills;
  const json::value* capacity = object.if_contains("capacity");
  if (!capacity || !capacity->is_object()) {
    return invalid_argument("expected slots per channel, e.g. {\"voice\": 1}", where + ".capacity");
  }
  for (const auto& [channel_name, slots] : capacity->as_object()) {
    auto channel = routing::channel_from_string(channel_name);
    if (!channel) return invalid_argument("unknown channel", where + ".capacity");
    if (!slots.is_int64() || slots.as_int64() < 0 || slots.as_int64() > 255) {
      return invalid_argument("slots must be an integer 0..255", where + ".capacity");
    }
    agent.capacity[static_cast<int>(*channel)] = static_cast<int>(slots.as_int64());
  }
  if (const json::value* shift = object.if_contains("shift")) {
    if (!shift->is_object()) return invalid_argument("must be an object", where + ".shift");
    auto start = clock_field(shift->as_object(), "start", where + ".shift");
    if (!start) return start.error();
    agent.shift_start_s = std::max(0.0, *start - day_start_s);
    if (shift->as_object().contains("end")) {
      auto end = clock_field(shift->as_object(), "end", where + ".shift");
      if (!end) return end.error();
      if (*end <= *start) return invalid_argument("ends before it starts", where + ".shift.end");
      agent.shift_end_s = *end - day_start_s;
    }
  }
  return agent;
}

// ---- random ---------------------------------------------------------------------

class Sampler {
 public:
  explicit Sampler(std::uint64_t seed) : random_(seed) {}

  double exponential(double mean) { return -std::log(1.0 - uniform()) * mean; }
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }
  double sample(const Distribution& d) {
    switch (d.kind) {
      case Distribution::Kind::kNone:
        return kNever;
      case Distribution::Kind::kConstant:
        return d.mean_s;
      case Distribution::Kind::kExponential:
        return exponential(d.mean_s);
      case Distribution::Kind::kLognormal: {
        const double variance = std::log(1.0 + (d.sd_s * d.sd_s) / (d.mean_s * d.mean_s));
        const double mu = std::log(d.mean_s) - variance / 2.0;
        return std::exp(mu + std::sqrt(variance) * normal_(random_));
      }
    }
    return kNever;
  }

 private:
  std::mt19937_64 random_;
  std::normal_distribution<double> normal_;
};

// The interval's total: the queues' counts, with agent time from the last
// column — not the sum over queues, since agents serve several queues.
Counts interval_total(const std::vector<Counts>& row) {
  Counts total;
  for (std::size_t q = 0; q + 1 < row.size(); ++q)
    total.add(row[q]);
  total.busy_s = row.back().busy_s;
  total.staffed_s = row.back().staffed_s;
  return total;
}

// ---- the simulation ---------------------------------------------------------------

class Simulation {
 public:
  Simulation(const Scenario& scenario, const Options& options)
      : scenario_(scenario), options_(options), sampler_(options.seed), engine_(engine_config()) {}

  Result<Report> run() {
    if (Status s = set_up(); !s) return s.error();
    while (true) {
      const double next_event = events_.empty() ? kNever : events_.top().time_s;
      const std::optional<Time> deadline = engine_.next_deadline();
      const double next_timer = deadline ? to_seconds(*deadline - origin_) : kNever;
      if (next_event == kNever && next_timer == kNever) break;
      if (next_timer <= next_event) {
        clock_to(next_timer);
        if (Status s = command(engine_.advance(at(next_timer))); !s) return s.error();
        continue;
      }
      const Event event = events_.top();
      events_.pop();
      clock_to(event.time_s);
      if (Status s = dispatch(event); !s) return s.error();
    }
    return finish();
  }

 private:
  enum class Kind { kArrival, kAbandon, kComplete, kShiftStart, kShiftEnd };
  struct Event {
    double time_s = 0;
    std::uint64_t sequence = 0;
    Kind kind = Kind::kArrival;
    std::size_t index = 0;
    bool operator>(const Event& other) const {
      return time_s != other.time_s ? time_s > other.time_s : sequence > other.sequence;
    }
  };
  struct Interaction {
    std::size_t queue = 0;
    double arrival_s = 0;
    double patience_s = kNever;
    double busy_weight = 0;  // share of an agent while handled
    bool counted = false;    // arrived after the warm-up
    bool answered = false;
    bool ended = false;
  };
  struct Agent {
    std::size_t spec = 0;
    routing::AgentId id = 0;
    std::vector<std::size_t> eligible_queues;
  };

  static routing::EngineConfig engine_config() {
    routing::EngineConfig config;
    config.auto_accept.fill(true);  // simulated agents answer every offer at once
    return config;
  }

  Time at(double seconds_since_start) const { return origin_ + seconds(seconds_since_start); }

  void push(double time_s, Kind kind, std::size_t index) {
    events_.push(Event{time_s, ++sequence_, kind, index});
  }

  Status set_up() {
    if (scenario_.queues.empty()) return invalid_argument("a scenario needs a queue", "queues");
    if (!(scenario_.interval_s > 0)) return invalid_argument("must be positive", "interval_s");
    const std::size_t queue_count = scenario_.queues.size();
    std::map<std::string, routing::SkillId> skill_ids;
    auto skill_id = [&](const std::string& name) {
      return skill_ids.emplace(name, static_cast<routing::SkillId>(skill_ids.size() + 1))
          .first->second;
    };
    for (std::size_t q = 0; q < queue_count; ++q) {
      const QueueSpec& spec = scenario_.queues[q];
      routing::QueueConfig config;
      config.id = q + 1;
      config.channel = spec.channel;
      for (const auto& [skill, level] : spec.skills) {
        config.requirements.push_back({skill_id(skill), level});
      }
      config.priority = spec.priority;
      config.sl_threshold = seconds(spec.threshold_s);
      config.sl_target = spec.target;
      config.strategy = spec.strategy;
      config.wrapup = seconds(spec.wrapup_s);
      if (Status s = engine_.upsert_queue(origin_, config); !s) {
        Error error = s.error();
        error.field = "queues[" + std::to_string(q) + "]." + error.field;
        return error;
      }
      schedule_arrival(q, 0.0);
    }
    std::size_t total_agents = 0;
    for (const AgentSpec& spec : scenario_.agents)
      total_agents += static_cast<std::size_t>(spec.count);
    if (total_agents > kMaxAgents) return invalid_argument("at most 100000 agents", "agents");
    for (std::size_t g = 0; g < scenario_.agents.size(); ++g) {
      const AgentSpec& spec = scenario_.agents[g];
      for (int n = 0; n < spec.count; ++n) {
        routing::AgentConfig config;
        config.id = agents_.size() + 1;
        for (const auto& [skill, level] : spec.skills) {
          config.skills.push_back({skill_id(skill), level});
        }
        config.capacity = spec.capacity;
        Agent agent;
        agent.spec = g;
        agent.id = config.id;
        for (std::size_t q = 0; q < queue_count; ++q) {
          if (qualifies(spec, scenario_.queues[q])) agent.eligible_queues.push_back(q);
        }
        if (Status s = engine_.upsert_agent(origin_, config); !s) return s;
        agents_.push_back(agent);
        push(spec.shift_start_s, Kind::kShiftStart, agents_.size() - 1);
        if (spec.shift_end_s) push(*spec.shift_end_s, Kind::kShiftEnd, agents_.size() - 1);
      }
    }
    busy_.assign(queue_count + 1, 0.0);
    staffed_.assign(queue_count + 1, 0.0);
    return Status::ok();
  }

  static bool qualifies(const AgentSpec& agent, const QueueSpec& queue) {
    if (agent.capacity[static_cast<int>(queue.channel)] == 0) return false;
    for (const auto& [skill, level] : queue.skills) {
      bool found = false;
      for (const auto& [held, held_level] : agent.skills)
        found |= held == skill && held_level >= level;
      if (!found) return false;
    }
    return true;
  }

  // Poisson arrivals with a rate constant within each interval: memoryless, so
  // crossing an interval boundary just restarts the draw at the new rate.
  void schedule_arrival(std::size_t q, double from_s) {
    const QueueSpec& spec = scenario_.queues[q];
    const double interval = scenario_.interval_s;
    double t = from_s;
    while (true) {
      const auto k = static_cast<std::size_t>(t / interval);
      if (k >= spec.arrivals.size()) return;
      const double rate = spec.arrivals[k] / interval;
      const double boundary = static_cast<double>(k + 1) * interval;
      if (rate > 0) {
        const double next = t + sampler_.exponential(1.0 / rate);
        if (next < boundary) {
          push(next, Kind::kArrival, q);
          return;
        }
      }
      t = boundary;
    }
  }

  std::vector<Counts>& interval_row(double time_s) {
    const auto k = static_cast<std::size_t>(std::max(0.0, time_s) / scenario_.interval_s);
    while (intervals_.size() <= k)
      intervals_.emplace_back(scenario_.queues.size() + 1);
    return intervals_[k];
  }

  // Integrates busy and staffed agent time up to `time_s`, interval by interval.
  void clock_to(double time_s) {
    while (clock_s_ < time_s) {
      const double boundary =
          (std::floor(clock_s_ / scenario_.interval_s) + 1.0) * scenario_.interval_s;
      const double until = std::min(time_s, boundary);
      const double from = std::max(clock_s_, options_.warmup_s);
      if (until > from) {
        std::vector<Counts>& row = interval_row(clock_s_);
        for (std::size_t q = 0; q < busy_.size(); ++q) {
          row[q].busy_s += busy_[q] * (until - from);
          row[q].staffed_s += staffed_[q] * (until - from);
        }
      }
      clock_s_ = until;
    }
  }

  Counts& counts_for(const Interaction& it) { return interval_row(it.arrival_s)[it.queue]; }

  Status dispatch(const Event& event) {
    switch (event.kind) {
      case Kind::kArrival:
        return arrive(event.index, event.time_s);
      case Kind::kAbandon: {
        const Interaction& it = interactions_[event.index];
        if (it.answered || it.ended) return Status::ok();
        return command(engine_.abandon(at(event.time_s), event.index + 1));
      }
      case Kind::kComplete: {
        const Interaction& it = interactions_[event.index];
        Status s = command(engine_.complete(at(event.time_s), event.index + 1, "done"));
        if (s && scenario_.queues[it.queue].wrapup_s <= 0) end_busy(event.index);
        return s;
      }
      case Kind::kShiftStart:
      case Kind::kShiftEnd: {
        const bool start = event.kind == Kind::kShiftStart;
        const Agent& agent = agents_[event.index];
        const double change = start ? 1.0 : -1.0;
        staffed_.back() += change;
        for (std::size_t q : agent.eligible_queues)
          staffed_[q] += change;
        return command(engine_.set_agent_state(
            at(event.time_s), agent.id,
            start ? routing::AgentState::kAvailable : routing::AgentState::kOffline));
      }
    }
    return Status::ok();
  }

  Status arrive(std::size_t q, double time_s) {
    schedule_arrival(q, time_s);
    Interaction it;
    it.queue = q;
    it.arrival_s = time_s;
    it.counted = time_s >= options_.warmup_s;
    it.patience_s = sampler_.sample(scenario_.queues[q].patience);
    interactions_.push_back(it);
    const std::size_t index = interactions_.size() - 1;
    if (it.counted) {
      ++counts_for(it).offered;
    }
    if (it.patience_s != kNever) push(time_s + it.patience_s, Kind::kAbandon, index);
    routing::InteractionSpec spec;
    spec.id = index + 1;
    spec.channel = scenario_.queues[q].channel;
    spec.queue = q + 1;
    return command(engine_.arrive(at(time_s), spec));
  }

  void end_busy(std::size_t index) {
    const Interaction& it = interactions_[index];
    busy_[it.queue] -= it.busy_weight;
    busy_.back() -= it.busy_weight;
  }

  // Runs one engine command and reacts to what it emitted.
  Status command(const Status& status) {
    ++commands_;
    if (!status) return status;
    engine_.drain_events_into(drained_);
    events_count_ += drained_.size();
    for (const routing::Event& e : drained_)
      on_engine_event(e);
    drained_.clear();
    return Status::ok();
  }

  void on_engine_event(const routing::Event& e) {
    if (e.interaction == 0) return;
    const std::size_t index = e.interaction - 1;
    Interaction& it = interactions_[index];
    const double now_s = to_seconds(e.at - origin_);
    switch (e.type) {
      case routing::EventType::kOffered: {
        it.answered = true;
        // Both ends in the engine's milliseconds, so an immediate answer waits exactly 0.
        const double wait = to_seconds(e.at - at(it.arrival_s));
        if (it.counted) {
          Counts& counts = counts_for(it);
          ++counts.answered;
          counts.answered_wait_s += wait;
          if (wait <= scenario_.queues[it.queue].threshold_s + 1e-9) ++counts.answered_in_threshold;
          if (wait > 0) ++counts.waited;
        }
        const AgentSpec& agent = scenario_.agents[agents_[e.agent - 1].spec];
        it.busy_weight = 1.0 / std::max(1, agent.capacity[static_cast<int>(e.channel)]);
        busy_[it.queue] += it.busy_weight;
        busy_.back() += it.busy_weight;
        push(now_s + sampler_.sample(scenario_.queues[it.queue].handle_time), Kind::kComplete,
             index);
        break;
      }
      case routing::EventType::kWrapupEnded:
        end_busy(index);
        break;
      case routing::EventType::kAbandoned:
        it.ended = true;
        if (it.counted) {
          ++counts_for(it).abandoned;
          ++counts_for(it).waited;
        }
        break;
      case routing::EventType::kOverflowed:
        if (e.to_queue == 0) {
          it.ended = true;
          if (it.counted) ++counts_for(it).closed;
        }
        break;
      default:
        break;
    }
  }

  Report finish() {
    Report report;
    report.scenario = scenario_.name;
    report.seed = options_.seed;
    report.day_start_s = scenario_.day_start_s;
    report.interval_s = scenario_.interval_s;
    const std::size_t queue_count = scenario_.queues.size();
    report.queues.resize(queue_count);
    for (const QueueSpec& q : scenario_.queues) {
      report.queue_names.push_back(q.name);
      report.thresholds_s.push_back(q.threshold_s);
    }
    for (const std::vector<Counts>& row : intervals_) {
      for (std::size_t q = 0; q < queue_count; ++q)
        report.queues[q].add(row[q]);
      report.overall.add(interval_total(row));
    }
    report.intervals = intervals_;
    report.engine_commands = commands_;
    report.engine_events = events_count_;
    return report;
  }

  const Scenario& scenario_;
  const Options options_;
  Sampler sampler_;
  routing::Engine engine_;
  const Time origin_ = Time(std::chrono::sys_days(std::chrono::year{2026} / 11 / 30));
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t sequence_ = 0;
  std::vector<Interaction> interactions_;
  std::vector<Agent> agents_;
  std::vector<std::vector<Counts>> intervals_;  // [interval][queue, then the total]
  std::vector<double> busy_;                    // per queue then total: agents' shares now handling
  std::vector<double> staffed_;  // per queue (eligible agents) then total: agents logged in
  double clock_s_ = 0;
  std::vector<routing::Event> drained_;
  std::uint64_t commands_ = 0;
  std::uint64_t events_count_ = 0;
};

double ratio(double part, double whole) {
  return whole > 0 ? part / whole : 0.0;
}
std::string counts_json(const Counts& c) {
  return "{\"offered\":" + std::to_string(c.offered) +
         ",\"answered\":" + std::to_string(c.answered) +
         ",\"abandoned\":" + std::to_string(c.abandoned) +
         ",\"service_level\":" + json_number(c.service_level(), 4) +
         ",\"asa_s\":" + json_number(c.asa_s(), 2) + ",\"p_wait\":" + json_number(c.p_wait(), 4) +
         ",\"abandon_rate\":" + json_number(c.abandon_rate(), 4) +
         ",\"occupancy\":" + json_number(c.occupancy(), 4) + "}";
}

}  // namespace

void Counts::add(const Counts& other) {
  offered += other.offered;
  answered += other.answered;
  answered_in_threshold += other.answered_in_threshold;
  waited += other.waited;
  abandoned += other.abandoned;
  closed += other.closed;
  answered_wait_s += other.answered_wait_s;
  busy_s += other.busy_s;
  staffed_s += other.staffed_s;
}
double Counts::service_level() const {
  return ratio(static_cast<double>(answered_in_threshold), static_cast<double>(offered));
}
double Counts::asa_s() const {
  return ratio(answered_wait_s, static_cast<double>(answered));
}
double Counts::p_wait() const {
  return ratio(static_cast<double>(waited), static_cast<double>(offered));
}
double Counts::abandon_rate() const {
  return ratio(static_cast<double>(abandoned), static_cast<double>(offered));
}
double Counts::occupancy() const {
  return ratio(busy_s, staffed_s);
}

Result<Scenario> parse_scenario(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options limits;
  limits.max_depth = 16;
  json::value root = json::parse(text, ec, {}, limits);
  if (ec) return invalid_argument("not valid JSON: " + ec.message(), "scenario");
  if (!root.is_object()) return invalid_argument("must be a JSON object", "scenario");
  const json::object& object = root.as_object();
  Scenario scenario;
  auto name = string_field(object, "name", "scenario", "scenario");
  if (!name) return name.error();
  scenario.name = *name;
  if (object.contains("start")) {
    auto start = clock_field(object, "start", "scenario");
    if (!start) return start.error();
    scenario.day_start_s = *start;
  }
  auto minutes = number_field(object, "interval_minutes", "scenario", 15.0);
  if (!minutes) return minutes.error();
  if (*minutes < 1 || *minutes > 1440) {
    return invalid_argument("must be within 1..1440", "scenario.interval_minutes");
  }
  scenario.interval_s = *minutes * 60.0;
  const json::value* queues = object.if_contains("queues");
  if (!queues || !queues->is_array() || queues->as_array().empty()) {
    return invalid_argument("expected a non-empty array", "scenario.queues");
  }
  for (std::size_t i = 0; i < queues->as_array().size(); ++i) {
    auto queue = parse_queue(queues->as_array()[i], "queues[" + std::to_string(i) + "]");
    if (!queue) return queue.error();
    scenario.queues.push_back(std::move(*queue));
  }
  const json::value* agents = object.if_contains("agents");
  if (!agents || !agents->is_array())
    return invalid_argument("expected an array", "scenario.agents");
  for (std::size_t i = 0; i < agents->as_array().size(); ++i) {
    auto agent = parse_agent(agents->as_array()[i], "agents[" + std::to_string(i) + "]",
                             scenario.day_start_s);
    if (!agent) return agent.error();
    scenario.agents.push_back(std::move(*agent));
  }
  return scenario;
}

Result<Scenario> single_queue_scenario(const SingleQueue& question) {
  if (question.agents < 1 || question.agents > kMaxAgents) {
    return invalid_argument("must be within 1..100000", "agents");
  }
  if (!(question.arrivals_per_hour > 0) || !std::isfinite(question.arrivals_per_hour)) {
    return invalid_argument("must be positive", "arrivals-per-hour");
  }
  if (!(question.aht_s > 0) || !std::isfinite(question.aht_s)) {
    return invalid_argument("must be positive", "aht");
  }
  if (question.patience_s && !(*question.patience_s > 0 && std::isfinite(*question.patience_s))) {
    return invalid_argument("must be positive", "patience");
  }
  if (!(question.threshold_s >= 0) || !std::isfinite(question.threshold_s)) {
    return invalid_argument("must be >= 0", "threshold");
  }
  if (!(question.hours > 0) || question.hours > 24.0 * 7) {
    return invalid_argument("must be within 0..168", "hours");
  }
  Scenario scenario;
  scenario.name = "single queue";
  QueueSpec queue;
  queue.name = "queue";
  queue.threshold_s = question.threshold_s;
  queue.handle_time = {Distribution::Kind::kExponential, question.aht_s, 0};
  if (question.patience_s) {
    queue.patience = {Distribution::Kind::kExponential, *question.patience_s, 0};
  }
  const auto intervals = static_cast<std::size_t>(std::ceil(question.hours * 4.0));
  const double per_interval = question.arrivals_per_hour / 4.0;
  queue.arrivals.assign(intervals, per_interval);
  // A last partial interval gets its share of arrivals.
  const double last_share = question.hours * 4.0 - static_cast<double>(intervals - 1);
  queue.arrivals.back() = per_interval * last_share;
  scenario.queues.push_back(queue);
  AgentSpec team;
  team.name = "agents";
  team.count = question.agents;
  team.capacity[static_cast<int>(queue.channel)] = 1;
  scenario.agents.push_back(team);
  return scenario;
}

Result<Report> simulate(const Scenario& scenario, const Options& options) {
  return Simulation(scenario, options).run();
}

std::string report_json(const Report& report) {
  std::string out = "{\"scenario\":" + json_quote(report.scenario) +
                    ",\"seed\":" + std::to_string(report.seed) +
                    ",\"overall\":" + counts_json(report.overall) + ",\"queues\":{";
  for (std::size_t q = 0; q < report.queues.size(); ++q) {
    if (q > 0) out += ",";
    out += json_quote(report.queue_names[q]) + ":" + counts_json(report.queues[q]);
  }
  return out + "}}";
}

std::string report_csv(const Report& report) {
  std::string out =
      "interval_start,queue,offered,answered,abandoned,service_level,asa_s,p_wait,abandon_rate,"
      "occupancy\n";
  char line[512];
  for (std::size_t k = 0; k < report.intervals.size(); ++k) {
    const auto start =
        static_cast<long>(report.day_start_s + static_cast<double>(k) * report.interval_s);
    char clock[32];
    std::snprintf(clock, sizeof clock, "%02ld:%02ld", (start / 3600) % 24 + (start / 86400) * 24,
                  (start / 60) % 60);
    const std::size_t queue_count = report.queue_names.size();
    for (std::size_t q = 0; q <= queue_count; ++q) {
      const Counts c =
          q < queue_count ? report.intervals[k][q] : interval_total(report.intervals[k]);
      const std::string name = q < queue_count ? report.queue_names[q] : "*";
      std::snprintf(line, sizeof line, "%s,%s,%llu,%llu,%llu,%.4f,%.2f,%.4f,%.4f,%.4f\n", clock,
                    name.c_str(), static_cast<unsigned long long>(c.offered),
                    static_cast<unsigned long long>(c.answered),
                    static_cast<unsigned long long>(c.abandoned), c.service_level(), c.asa_s(),
                    c.p_wait(), c.abandon_rate(), c.occupancy());
      out += line;
    }
  }
  return out;
}

}  // namespace guichet::sim
