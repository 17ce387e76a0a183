// The contact-center simulator: a discrete-event simulation of a day (queues,
// an agent roster with shifts and skills, arrivals per interval, handle-time
// and patience distributions) driving the real routing engine.
//
// The simulator is the engine's first user: every routing decision in a
// simulated day is made by routing::Engine, the same code as in production.
// It is pure: a scenario and a seed give the same report, on any machine.
//
// Metrics follow the conventions of erlang.h (service level counts abandons
// against it; ASA is over answered interactions) so that runs can be pinned
// to Erlang C and Erlang A.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "routing/engine.h"

namespace guichet::sim {

struct Distribution {
  enum class Kind { kNone, kConstant, kExponential, kLognormal };
  Kind kind = Kind::kNone;  // kNone: never (infinite patience)
  double mean_s = 0;
  double sd_s = 0;  // lognormal only
};

struct QueueSpec {
  std::string name;
  routing::Channel channel = routing::Channel::kVoice;
  std::vector<std::pair<std::string, int>> skills;  // required skill, minimum level
  int priority = 0;
  double threshold_s = 20;
  double target = 0.8;
  routing::Strategy strategy = routing::Strategy::kLongestIdle;
  double wrapup_s = 0;
  Distribution handle_time{Distribution::Kind::kExponential, 180, 0};
  Distribution patience;
  std::vector<double> arrivals;  // expected arrivals per interval (Poisson)
};

struct AgentSpec {
  std::string name;
  int count = 1;
  std::vector<std::pair<std::string, int>> skills;  // skill, level
  std::array<int, routing::kChannelCount> capacity{};
  double shift_start_s = 0;           // since the first interval
  std::optional<double> shift_end_s;  // none: stays until the work is done
};

struct Scenario {
  std::string name;
  double day_start_s = 0;   // clock time of the first interval (08:00 -> 28800), for reports
  double interval_s = 900;  // 15 minutes
  std::vector<QueueSpec> queues;
  std::vector<AgentSpec> agents;
};

// Reads a scenario in JSON (format in docs/simulator.md). Errors name the field.
Result<Scenario> parse_scenario(std::string_view json);

// One queue, one team, Poisson arrivals and exponential handle times (and
// exponential patience if given) — the Erlang models' world.
struct SingleQueue {
  int agents = 0;
  double arrivals_per_hour = 0;
  double aht_s = 0;
  std::optional<double> patience_s;
  double threshold_s = 20;
  double hours = 8;
};
Result<Scenario> single_queue_scenario(const SingleQueue& question);

// Counts for one queue (or all) over one interval (or the day).
struct Counts {
  std::uint64_t offered = 0;  // arrivals
  std::uint64_t answered = 0;
  std::uint64_t answered_in_threshold = 0;
  std::uint64_t waited = 0;  // did not find an agent at once
  std::uint64_t abandoned = 0;
  std::uint64_t closed = 0;    // ended by overflow with no target
  double answered_wait_s = 0;  // sum of waits of answered interactions
  double busy_s = 0;           // agent time spent on the interactions (slot-weighted)
  double staffed_s = 0;        // agent time logged in (eligible agents, for a queue)

  void add(const Counts& other);
  double service_level() const;
  double asa_s() const;
  double p_wait() const;
  double abandon_rate() const;
  double occupancy() const;
};

struct Report {
  std::string scenario;
  std::uint64_t seed = 0;
  double day_start_s = 0;
  double interval_s = 900;
  std::vector<std::string> queue_names;
  std::vector<double> thresholds_s;
  std::vector<Counts> queues;  // per queue, whole day
  Counts overall;
  std::vector<std::vector<Counts>> intervals;  // [interval][queue], by arrival time
  std::uint64_t engine_commands = 0;
  std::uint64_t engine_events = 0;
};

struct Options {
  std::uint64_t seed = 1;
  // Only arrivals at or after this time are counted (steady-state studies).
  double warmup_s = 0;
};

Result<Report> simulate(const Scenario& scenario, const Options& options);

// {"scenario", "seed", "overall": {...}, "queues": {"name": {...}}} with, for
// each: offered, answered, abandoned, service_level, asa_s, p_wait,
// abandon_rate, occupancy.
std::string report_json(const Report& report);
// One row per interval and queue, plus the interval's total ("*").
std::string report_csv(const Report& report);

}  // namespace guichet::sim
