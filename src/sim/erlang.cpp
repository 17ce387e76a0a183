// Erlang C (closed form over Erlang B) and Erlang A (M/M/n+M birth-death
// chain, tagged-caller wait by uniformization).
#include "sim/erlang.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace guichet::sim {
namespace {

// agents_needed's ceiling, applied to every question: a bigger floor is not a
// contact centre, and every formula here is at least linear in the agents.
constexpr int kMaxAgents = 100'000;
// Above this the floating-point products of the chain could overflow; no real
// queue comes near it.
constexpr double kMaxLoad = 1e12;
// Erlang A: the stationary chain is cut where the rest weighs less than this,
// relative to the queue states kept (stricter than 1e-12 of the total).
constexpr double kTailTolerance = 1e-13;
// Callers waiting at once beyond which the chain is refused: only a patience
// of years on an overloaded queue gets there, and memory and time are linear
// in it.
constexpr std::int64_t kMaxQueueStates = 10'000'000;
// Work (states x jumps) allowed to the uniformization: a few seconds.
constexpr double kMaxUniformizationWork = 2e9;
// Below this much work the uniformization runs even when a shortcut exists.
constexpr double kSmallUniformizationWork = 1e6;
// Unnormalized stationary weights are rescaled past this to stay finite.
constexpr double kRescaleAbove = 1e200;
constexpr double kRescaleBy = 1e-200;

struct Rates {
  double lambda = 0;     // arrivals per second
  double mu = 0;         // completions per second per busy agent
  double load = 0;       // offered load A = lambda / mu, in Erlangs
  double threshold = 0;  // service-level threshold, seconds
};

std::string format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

bool positive_finite(double x) {
  return std::isfinite(x) && x > 0;
}

// The fields every model needs; agents is checked apart since agents_needed
// ignores it.
Result<Rates> rates_of(const StaffingQuestion& question) {
  if (!positive_finite(question.arrivals_per_hour)) {
    return invalid_argument("arrivals_per_hour must be a positive finite number",
                            "arrivals_per_hour");
  }
  if (!positive_finite(question.aht_s)) {
    return invalid_argument("aht_s must be a positive finite number", "aht_s");
  }
  if (!std::isfinite(question.threshold_s) || question.threshold_s < 0) {
    return invalid_argument("threshold_s must be a finite number >= 0", "threshold_s");
  }
  Rates rates;
  rates.lambda = question.arrivals_per_hour / 3600;
  rates.mu = 1 / question.aht_s;
  rates.load = rates.lambda * question.aht_s;
  rates.threshold = question.threshold_s;
  // Denormal inputs survive the checks above yet give a zero or infinite rate.
  if (!(rates.lambda > 0) || !(rates.load > 0)) {
    return invalid_argument("arrivals_per_hour is too small to compute with", "arrivals_per_hour");
  }
  if (!std::isfinite(rates.mu)) {
    return invalid_argument("aht_s is too small to compute with", "aht_s");
  }
  if (!(rates.load <= kMaxLoad)) {
    return invalid_argument("offered load (arrivals_per_hour x aht_s / 3600) above 1e12 Erlangs",
                            "arrivals_per_hour");
  }
  return rates;
}

Status check_agents(int agents) {
  if (agents < 1) return invalid_argument("agents must be at least 1", "agents");
  if (agents > kMaxAgents) {
    return invalid_argument("agents must be at most " + std::to_string(kMaxAgents), "agents");
  }
  return Status::ok();
}

Result<double> patience_rate(const StaffingQuestion& question) {
  if (!question.patience_s) {
    return invalid_argument("Erlang A needs patience_s", "patience_s");
  }
  if (!positive_finite(*question.patience_s)) {
    return invalid_argument("patience_s must be a positive finite number", "patience_s");
  }
  const double theta = 1 / *question.patience_s;
  if (!std::isfinite(theta)) {
    return invalid_argument("patience_s is too small to compute with", "patience_s");
  }
  return theta;
}

// One step of the Erlang B recurrence, from n - 1 agents to n. Every value
// stays in (0, 1], unlike A^n / n!, so any n and load are safe.
double erlang_b_step(double b, int n, double load) {
  return load * b / (n + load * b);
}

double erlang_b(int agents, double load) {
  double b = 1;
  // Once it underflows to 0 it stays there: stop early for n >> A.
  for (int n = 1; n <= agents && b > 0; ++n) {
    b = erlang_b_step(b, n, load);
  }
  return b;
}

// Erlang C for n agents, given Erlang B for the same n and load (so that
// agents_needed can advance B one agent at a time). Needs n > load.
StaffingAnswer erlang_c_answer(const Rates& rates, int n, double b) {
  const double c = std::min(1.0, n * b / (n - rates.load * (1 - b)));
  // Rate at which a full system works through its queue.
  const double drain = n * rates.mu - rates.lambda;
  StaffingAnswer answer;
  answer.p_wait = c;
  answer.asa_s = c / drain;
  answer.service_level = std::clamp(1 - c * std::exp(-drain * rates.threshold), 0.0, 1.0);
  answer.occupancy = rates.load / n;
  return answer;
}

// Decides, one k at a time, past which number of callers ahead an arrival
// is answered within the threshold with probability below e^-40, so that the
// uniformization can leave those callers out. Conditioned on being served,
// a caller with k ahead waits H_k = sum_{j<=k} Exp(r_j), r_j = n mu + (j+1)
// theta (the way out of "j ahead" does not depend on which way it is), so
// P(answered within T) <= P(H_k <= T) <= e^(sT) prod_j r_j / (r_j + s) for
// every s > 0 (Chernoff). For a fixed s the bound only falls as k grows, so
// once it is small for one s, every larger k is past the cut too. The best s
// depends on k (about k - n mu T): a grid of s T = 2^-3 .. 2^26 (k up to the
// 1e7 states allowed) loses little.
class ThresholdCutoff {
 public:
  ThresholdCutoff(double full_rate, double theta, double threshold)
      : full_rate_(full_rate), theta_(theta), threshold_(threshold), cut_(threshold <= 0) {
    for (int i = 0; i < kGridSize; ++i) {
      log_bound_[i] = std::ldexp(1.0, i - 3);  // s T
    }
  }

  // Adds k callers ahead (k = 0, 1, ... in turn); true when k and every
  // larger k are past the cut.
  bool past(std::int64_t k) {
    if (cut_) return true;
    const double rate_t = (full_rate_ + static_cast<double>(k + 1) * theta_) * threshold_;
    // Only a threshold of about 1e-300 s gets here: nobody is that quick.
    if (!(rate_t > 0)) return cut_ = true;
    for (int i = 0; i < kGridSize; ++i) {
      log_bound_[i] -= std::log1p(std::ldexp(1.0, i - 3) / rate_t);
      if (log_bound_[i] < kLogNegligible) cut_ = true;
    }
    return cut_;
  }

 private:
  static constexpr int kGridSize = 30;
  static constexpr double kLogNegligible = -40;
  double full_rate_;
  double theta_;
  double threshold_;
  bool cut_;
  double log_bound_[kGridSize];  // s T - sum_j log(1 + s / r_j), per grid s
};

// Erlang A chain parameters for one number of agents.
struct ChainA {
  double lambda = 0;
  double full_rate = 0;  // n mu: completions per second with every agent busy
  double theta = 0;      // abandons per second per waiting caller
  double threshold = 0;
};

// True when a caller with top ahead (so any fewer too) who is answered at
// all is answered within the threshold but for a chance below e^-40: then
// the share within the threshold is the share answered, and a threshold many
// services long needs no uniformization. Chernoff again, upper tail:
// P(H_top > T) <= e^(-sT) prod_j r_j / (r_j - s) for 0 < s < r_0.
bool all_answered_in_time(const ChainA& chain, std::size_t top) {
  constexpr double kLogNegligible = -40;
  const double first_rate = chain.full_rate + chain.theta;
  // s = r_0 (1 - 2^(-i/2)): the best s nears r_0 as the threshold grows.
  for (int i = 1; i <= 60; ++i) {
    const double s = first_rate * (1 - std::exp2(-0.5 * i));
    double log_bound = -s * chain.threshold;
    // Every term is positive: stop as soon as this s cannot do.
    for (std::size_t j = 0; j <= top && log_bound < kLogNegligible; ++j) {
      const double rate = chain.full_rate + static_cast<double>(j + 1) * chain.theta;
      log_bound -= std::log1p(-s / rate);
    }
    if (log_bound < kLogNegligible) return true;
  }
  return false;
}

// Share of arrivals that find k callers ahead (mass[k], unnormalized, any
// scale) and are answered within the threshold: the uniformized chain of
// "k ahead" run until it is done, weighting absorption into "served" after m
// jumps by the Poisson(Lambda T) probability of m jumps. Same scale as mass;
// answered is the share of the same arrivals answered at all.
Result<double> answered_within_threshold(const ChainA& chain, std::vector<double> mass,
                                         double answered) {
  if (mass.empty() || chain.threshold == 0) return 0.0;
  const std::size_t top = mass.size() - 1;
  // The top state's exit rate is the largest; it is the uniformization rate.
  const double uniform = chain.full_rate + static_cast<double>(top + 1) * chain.theta;
  std::vector<double> stay(top + 1), down(top + 1);
  for (std::size_t j = 0; j <= top; ++j) {
    // Written as a product rather than 1 - exits/uniform: no cancellation.
    stay[j] = static_cast<double>(top - j) * chain.theta / uniform;
    down[j] = (chain.full_rate + static_cast<double>(j) * chain.theta) / uniform;
  }
  double live = 0;
  for (double m : mass) {
    live += m;
  }
  const double initial = live;
  if (!(initial > 0)) return 0.0;
  // Dropped mass counts as late; across at most 1e7 states it stays < 1e-15.
  const double drop_below = 1e-22 * initial;
  const double done_below = 1e-16 * initial;

  const double mean_jumps = uniform * chain.threshold;
  // Poisson(mean_jumps) mass past last_jump is below 1e-30.
  const double last_jump = mean_jumps + 12 * std::sqrt(mean_jumps) + 30;
  if (static_cast<double>(top + 1) * last_jump > kSmallUniformizationWork &&
      all_answered_in_time(chain, top)) {
    return answered;
  }
  // With an astronomic mean the weights of every jump we can run are zero:
  // only "served eventually" matters, and the loop ends on live mass.
  const bool weighted_jumps = mean_jumps < 1e15;
  const double log_mean = weighted_jumps ? std::log(mean_jumps) : 0;
  double log_weight = -mean_jumps;

  double served = 0;
  double within = 0;      // sum over jumps m of P(m jumps by T) x served by jump m
  double weight_sum = 0;  // sum of those Poisson weights
  std::size_t hi = top;   // highest state still holding mass
  double work = 0;
  for (std::int64_t jump = 0;; ++jump) {
    if (weighted_jumps) {
      if (jump > 0) log_weight += log_mean - std::log(static_cast<double>(jump));
      // Skip exp() of weights too small to matter (and of underflow).
      if (log_weight > -745) {
        const double weight = std::exp(log_weight);
        within += weight * served;
        weight_sum += weight;
      }
      if (static_cast<double>(jump) >= last_jump) break;
    }
    if (live < done_below) break;
    work += static_cast<double>(hi + 1);
    if (work > kMaxUniformizationWork) {
      return invalid_argument(
          "Erlang A: the service level needs more work than allowed (too many callers "
          "ahead within the threshold)");
    }
    // One jump: j ahead goes to j - 1 (j = 0: served), stays, or abandons.
    served += mass[0] * down[0];
    live = 0;
    for (std::size_t j = 0; j < hi; ++j) {
      mass[j] = mass[j] * stay[j] + mass[j + 1] * down[j + 1];
      live += mass[j];
    }
    mass[hi] *= stay[hi];
    live += mass[hi];
    // Mass only flows down, so a drained top state never refills.
    while (hi > 0 && mass[hi] < drop_below) {
      live -= mass[hi];
      mass[hi] = 0;
      --hi;
    }
  }
  // The jumps not run: either their Poisson weight is negligible, or the
  // remaining live mass is; "served" is final up to that.
  within += std::max(0.0, 1 - weight_sum) * served;
  return within;
}

// Erlang A for n agents, given Erlang B for the same n and load: below n the
// chain is the Erlang loss system, so sum_{i<n} pi_i / pi_n = (1 - B) / B.
Result<StaffingAnswer> erlang_a_answer(const Rates& rates, double theta, int n, double b) {
  ChainA chain;
  chain.lambda = rates.lambda;
  chain.full_rate = n * rates.mu;
  chain.theta = theta;
  chain.threshold = rates.threshold;
  ThresholdCutoff cutoff(chain.full_rate, theta, rates.threshold);

  // Queue states n + k, k = 0..K, with weights q_k = pi_{n+k} / pi_n kept as
  // s_k x 1e200^epoch so that overloaded queues (weights up to e^(huge)) fit.
  double s = 1;
  int epoch = 0;
  double total = 0;          // sum of s_k
  double abandoned = 0;      // sum of s_k (1 - a_k)
  double waited = 0;         // sum of s_k b_k
  double head_answered = 0;  // sum of s_k a_k over the head
  std::vector<double> head;  // s_k for the k within the cutoff, for the threshold
  std::vector<int> head_epoch;
  // Tagged caller with k ahead: a_k = P(served), u_k = 1 - a_k (kept apart:
  // accurate when tiny), b_k = E[wait, served]. Starting at k = -1: served.
  double served_prob = 1;
  double abandon_prob = 0;
  double wait_served = 0;
  for (std::int64_t k = 0;; ++k) {
    const double ahead = static_cast<double>(k);
    if (k > 0) {
      s *= chain.lambda / (chain.full_rate + ahead * theta);
      if (s > kRescaleAbove) {
        s *= kRescaleBy;
        total *= kRescaleBy;
        abandoned *= kRescaleBy;
        waited *= kRescaleBy;
        head_answered *= kRescaleBy;
        ++epoch;
      }
    }
    // Out of "k ahead": the ahead count falls (k = 0: the caller is served)
    // at full_rate + k theta, or the caller gives up at theta.
    const double forward = chain.full_rate + ahead * theta;
    const double exit = forward + theta;
    const double p_forward = forward / exit;
    wait_served = p_forward * (served_prob / exit + wait_served);
    abandon_prob = theta / exit + p_forward * abandon_prob;
    served_prob *= p_forward;

    total += s;
    abandoned += s * abandon_prob;
    waited += s * wait_served;
    if (!cutoff.past(k)) {
      head.push_back(s);
      head_epoch.push_back(epoch);
      head_answered += s * served_prob;
    }
    // Past the peak the ratios only shrink, so the tail is below a geometric
    // series of ratio next.
    const double next = chain.lambda / (chain.full_rate + (ahead + 1) * theta);
    if (next < 1 && s * next / (1 - next) < kTailTolerance * total) break;
    if (k >= kMaxQueueStates) {
      return invalid_argument("Erlang A: more than " + std::to_string(kMaxQueueStates) +
                                  " callers would queue; patience_s is too long for this load",
                              "patience_s");
    }
  }
  for (std::size_t k = 0; k < head.size(); ++k) {
    head[k] *= std::pow(kRescaleBy, epoch - head_epoch[k]);
  }
  auto within = answered_within_threshold(chain, std::move(head), head_answered);
  if (!within) return within.status();

  // Normalize: pi_n = 1 / ((1 - B) / B + Q) with Q = total x 1e200^epoch.
  // In logs, since B may underflow and Q overflow. below = sum_{i<n} pi_i.
  const double log_queue =
      std::log(b) + std::log(total) + epoch * std::log(kRescaleAbove);   // log(B Q)
  const double below_over_queue = std::exp(std::log1p(-b) - log_queue);  // (1 - B) / (B Q)
  double p_wait = 0;
  double below = 1;
  if (std::isinf(below_over_queue)) {
    p_wait = 0;  // B underflowed: nobody waits, to double precision
  } else {
    p_wait = 1 / (1 + below_over_queue);
    below = below_over_queue / (1 + below_over_queue);
  }
  // Per unit of s: the share of arrivals each scaled weight stands for.
  const double per_weight = p_wait / total;
  StaffingAnswer answer;
  answer.p_wait = p_wait;
  const double abandon_rate = std::clamp(abandoned * per_weight, 0.0, 1.0);
  answer.abandon_rate = abandon_rate;
  const double answered = 1 - abandon_rate;
  answer.asa_s = answered > 0 ? waited * per_weight / answered : 0;
  answer.service_level = std::clamp(below + *within * per_weight, 0.0, 1.0);
  answer.occupancy = std::clamp(rates.load * answered / n, 0.0, 1.0);
  return answer;
}

}  // namespace

Result<StaffingAnswer> erlang_c(const StaffingQuestion& question) {
  auto rates = rates_of(question);
  if (!rates) return rates.status();
  if (auto status = check_agents(question.agents); !status) return status;
  if (!(question.agents > rates->load)) {
    return invalid_argument("agents must exceed the offered load (" + format_number(rates->load) +
                                " Erlangs): otherwise the queue grows without bound",
                            "agents");
  }
  return erlang_c_answer(*rates, question.agents, erlang_b(question.agents, rates->load));
}

Result<StaffingAnswer> erlang_a(const StaffingQuestion& question) {
  auto rates = rates_of(question);
  if (!rates) return rates.status();
  if (auto status = check_agents(question.agents); !status) return status;
  auto theta = patience_rate(question);
  if (!theta) return theta.status();
  return erlang_a_answer(*rates, *theta, question.agents, erlang_b(question.agents, rates->load));
}

Result<StaffingAnswer> erlang(const StaffingQuestion& question) {
  return question.patience_s ? erlang_a(question) : erlang_c(question);
}

Result<int> agents_needed(const StaffingQuestion& question, double target) {
  if (!(target > 0 && target < 1)) {
    return invalid_argument("target must be strictly between 0 and 1", "target");
  }
  auto rates = rates_of(question);
  if (!rates) return rates.status();
  const double load = rates->load;
  const auto too_many = [] {
    return invalid_argument("more than " + std::to_string(kMaxAgents) + " agents would be needed");
  };

  if (!question.patience_s) {
    // Erlang C is only defined above the load.
    if (load >= kMaxAgents) return too_many();
    int n = std::max(1, static_cast<int>(std::floor(load)) + 1);
    double b = erlang_b(n, load);
    for (;;) {
      if (erlang_c_answer(*rates, n, b).service_level >= target) return n;
      if (++n > kMaxAgents) return too_many();
      b = erlang_b_step(b, n, load);
    }
  }

  auto theta = patience_rate(question);
  if (!theta) return theta.status();
  // Answered calls cannot outnumber what n agents handle (n / A of the
  // arrivals), and service_level <= answered: no n below target x A can do.
  if (target * load > kMaxAgents) return too_many();
  int low = std::max(1, static_cast<int>(std::floor(target * load)));
  // One evaluation can take long for a big overloaded centre (it is linear
  // in the queue and the threshold), so rather than trying every n, gallop
  // up from the bound, then bisect: the service level grows with n.
  const auto reaches = [&](int n) -> Result<bool> {
    auto answer = erlang_a_answer(*rates, *theta, n, erlang_b(n, load));
    if (!answer) return answer.status();
    return answer->service_level >= target;
  };
  auto at_low = reaches(low);
  if (!at_low) return at_low.status();
  if (*at_low) return low;
  // Invariant: low falls short; high reaches the target.
  int high = low;
  for (int step = 1;; step *= 2) {
    if (low == kMaxAgents) return too_many();
    high = std::min(kMaxAgents, low + step);
    auto at_high = reaches(high);
    if (!at_high) return at_high.status();
    if (*at_high) break;
    low = high;
  }
  while (high - low > 1) {
    const int mid = low + (high - low) / 2;
    auto at_mid = reaches(mid);
    if (!at_mid) return at_mid.status();
    if (*at_mid) {
      high = mid;
    } else {
      low = mid;
    }
  }
  return high;
}

}  // namespace guichet::sim
