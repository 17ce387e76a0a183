// Staffing formulas: Erlang C (M/M/n, callers wait forever) and Erlang A
// (M/M/n+M, callers abandon after an exponential patience).
//
// Conventions shared with the simulator, so the two can be compared:
// - p_wait: share of arrivals that find every agent busy (they wait > 0);
// - asa_s: mean wait of the answered calls, in seconds (0-wait calls included);
// - service_level: share of *all* arrivals answered within the threshold —
//   an abandon counts against it;
// - abandon_rate: share of arrivals that abandon (Erlang A only);
// - occupancy: share of agent time spent handling calls.
// Pure functions; safe from any thread.
#pragma once

#include <optional>

#include "core/result.h"

namespace guichet::sim {

struct StaffingQuestion {
  int agents = 0;
  double arrivals_per_hour = 0;
  double aht_s = 0;                  // mean handle time
  double threshold_s = 20;           // service-level threshold
  std::optional<double> patience_s;  // mean patience; set: Erlang A
};

struct StaffingAnswer {
  double p_wait = 0;
  double asa_s = 0;
  double service_level = 0;
  double occupancy = 0;
  std::optional<double> abandon_rate;  // Erlang A only
};

// Erlang C. Refuses agents <= offered load (the queue grows without bound),
// and non-positive or non-finite inputs.
Result<StaffingAnswer> erlang_c(const StaffingQuestion& question);

// Erlang A: exact stationary solution of the M/M/n+M birth-death chain
// (truncated where the remaining probability is below 1e-12), with the tagged
// caller's wait computed from the chain of "callers ahead". Any load works.
Result<StaffingAnswer> erlang_a(const StaffingQuestion& question);

// Erlang A when patience_s is set, Erlang C otherwise.
Result<StaffingAnswer> erlang(const StaffingQuestion& question);

// The fewest agents whose service level reaches `target` (0 < target < 1);
// question.agents is ignored. Refuses when more than 100,000 would be needed.
Result<int> agents_needed(const StaffingQuestion& question, double target);

}  // namespace guichet::sim
