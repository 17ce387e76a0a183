#include "sim/erlang.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace guichet::sim {
namespace {

StaffingQuestion question_c(int agents, double per_hour, double aht_s, double threshold_s) {
  return {agents, per_hour, aht_s, threshold_s, std::nullopt};
}

StaffingQuestion question_a(int agents, double per_hour, double aht_s, double threshold_s,
                            double patience_s) {
  return {agents, per_hour, aht_s, threshold_s, patience_s};
}

// --- Independent references, computed the long way in long double ---

// Erlang C by direct summation: C = (A^n/n! n/(n-A)) / (sum_{k<n} A^k/k! + A^n/n! n/(n-A)).
long double direct_erlang_c(int n, long double load) {
  long double term = 1;  // A^k / k!
  long double below = 0;
  for (int k = 0; k < n; ++k) {
    below += term;
    term *= load / (k + 1);
  }
  const long double top = term * n / (n - load);
  return top / (below + top);
}

// Erlang B by direct summation: (A^n/n!) / sum_{k<=n} A^k/k!.
long double direct_erlang_b(int n, long double load) {
  long double term = 1;
  long double sum = 1;
  for (int k = 1; k <= n; ++k) {
    term *= load / k;
    sum += term;
  }
  return term / sum;
}

// The M/M/n+M chain solved without the shortcuts of erlang.cpp: plain products
// over a generous fixed truncation, and the tagged caller's fate by a
// Runge-Kutta integration of the forward equations of "k callers ahead".
struct DirectErlangA {
  long double p_wait = 0;
  long double abandon_rate = 0;  // by Little's law: theta E[queue] / lambda
  long double occupancy = 0;     // E[busy agents] / n
  double service_level = 0;
  double asa_s = 0;  // only when integrated to completion
};

DirectErlangA direct_erlang_a(int n, double per_hour, double aht_s, double threshold_s,
                              double patience_s, double horizon_s = 0, double step_s = 0.05) {
  const double lambda = per_hour / 3600;
  const double mu = 1 / aht_s;
  const double theta = 1 / patience_s;
  const double full = n * mu;
  std::vector<long double> weight{1};
  long double peak = 1;
  for (int i = 1;; ++i) {
    const double death = std::min(i, n) * mu + std::max(i - n, 0) * theta;
    weight.push_back(weight.back() * lambda / death);
    peak = std::max(peak, weight.back());
    if (i > n && lambda < death && weight.back() < 1e-20L * peak) break;
  }
  long double sum = 0;
  for (long double w : weight)
    sum += w;
  DirectErlangA out;
  long double below = 0;
  long double queue = 0;
  long double busy = 0;
  for (std::size_t i = 0; i < weight.size(); ++i) {
    const long double pi = weight[i] / sum;
    const int in_system = static_cast<int>(i);
    if (in_system < n) below += pi;
    queue += pi * std::max(in_system - n, 0);
    busy += pi * std::min(in_system, n);
  }
  out.p_wait = 1 - below;
  out.abandon_rate = theta * queue / lambda;
  out.occupancy = busy / n;

  // State: mass with j ahead (j = 0..K-1), then served, then E[wait, served].
  const std::size_t ahead_states = weight.size() - n;
  const std::size_t size = ahead_states + 2;
  std::vector<double> y(size, 0.0);
  for (std::size_t j = 0; j < ahead_states; ++j) {
    y[j] = static_cast<double>(weight[n + j] / sum);
  }
  const auto derivative = [&](double t, const std::vector<double>& state, std::vector<double>& d) {
    std::fill(d.begin(), d.end(), 0.0);
    for (std::size_t j = 0; j < ahead_states; ++j) {
      const double forward = full + static_cast<double>(j) * theta;
      d[j] -= (forward + theta) * state[j];
      if (j > 0) d[j - 1] += forward * state[j];
    }
    d[ahead_states] = full * state[0];
    d[ahead_states + 1] = t * full * state[0];
  };
  std::vector<double> k1(size), k2(size), k3(size), k4(size), tmp(size);
  const auto integrate_to = [&](double start, double end) {
    if (end <= start) return;
    const int steps = static_cast<int>(std::ceil((end - start) / step_s));
    const double h = (end - start) / steps;
    for (int s = 0; s < steps; ++s) {
      const double t = start + s * h;
      derivative(t, y, k1);
      for (std::size_t i = 0; i < size; ++i)
        tmp[i] = y[i] + h / 2 * k1[i];
      derivative(t + h / 2, tmp, k2);
      for (std::size_t i = 0; i < size; ++i)
        tmp[i] = y[i] + h / 2 * k2[i];
      derivative(t + h / 2, tmp, k3);
      for (std::size_t i = 0; i < size; ++i)
        tmp[i] = y[i] + h * k3[i];
      derivative(t + h, tmp, k4);
      for (std::size_t i = 0; i < size; ++i) {
        y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      }
    }
  };
  integrate_to(0, threshold_s);
  out.service_level = static_cast<double>(below) + y[ahead_states];
  if (horizon_s > threshold_s) {
    integrate_to(threshold_s, horizon_s);
    out.asa_s = y[ahead_states + 1] / static_cast<double>(1 - out.abandon_rate);
  }
  return out;
}

void expect_sane(const StaffingAnswer& answer) {
  for (double share : {answer.p_wait, answer.service_level, answer.occupancy}) {
    EXPECT_TRUE(std::isfinite(share));
    EXPECT_GE(share, 0.0);
    EXPECT_LE(share, 1.0);
  }
  EXPECT_TRUE(std::isfinite(answer.asa_s));
  EXPECT_GE(answer.asa_s, 0.0);
  if (answer.abandon_rate) {
    EXPECT_TRUE(std::isfinite(*answer.abandon_rate));
    EXPECT_GE(*answer.abandon_rate, 0.0);
    EXPECT_LE(*answer.abandon_rate, 1.0);
  }
}

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// --- Erlang C ---

TEST(ErlangC, MatchesDirectSummation) {
  const double aht = 180;
  const double threshold = 20;
  for (int n : {1, 2, 5, 14, 50, 120}) {
    for (double utilization : {0.2, 0.7, 0.95, 0.999}) {
      const double load = utilization * n;
      const double per_hour = load * 3600 / aht;
      auto answer = erlang_c(question_c(n, per_hour, aht, threshold));
      ASSERT_TRUE(answer.is_ok()) << answer.status().to_string();
      const double c = static_cast<double>(direct_erlang_c(n, load));
      SCOPED_TRACE(testing::Message() << "n=" << n << " A=" << load);
      EXPECT_NEAR(answer->p_wait, c, 1e-12 * c);
      EXPECT_NEAR(answer->asa_s, c * aht / (n - load), 1e-9 * answer->asa_s);
      EXPECT_NEAR(answer->service_level, 1 - c * std::exp(-(n - load) * threshold / aht), 1e-12);
      EXPECT_NEAR(answer->occupancy, utilization, 1e-12);
      EXPECT_FALSE(answer->abandon_rate.has_value());
      expect_sane(*answer);
    }
  }
}

TEST(ErlangC, TextbookExample) {
  // 100 calls per half hour, 3-minute calls: 10 Erlangs. On 14 agents the
  // usual worked example finds P(wait) 17.4 %, ASA 7.8 s, 88.8 % in 20 s.
  auto answer = erlang_c(question_c(14, 200, 180, 20));
  ASSERT_TRUE(answer.is_ok());
  EXPECT_NEAR(answer->p_wait, 0.1741, 5e-5);
  EXPECT_NEAR(answer->asa_s, 7.836, 5e-4);
  EXPECT_NEAR(answer->service_level, 0.8884, 5e-5);
  EXPECT_NEAR(answer->occupancy, 10.0 / 14, 1e-12);
}

TEST(ErlangC, RefusesAnUnstableQueue) {
  // 900 calls/h of 180 s: 45 Erlangs.
  for (int agents : {10, 45}) {
    auto answer = erlang_c(question_c(agents, 900, 180, 20));
    ASSERT_FALSE(answer.is_ok()) << agents;
    EXPECT_EQ(answer.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(answer.error().field, "agents");
    EXPECT_NE(answer.error().message.find("45 Erlangs"), std::string::npos)
        << answer.error().message;
  }
  EXPECT_TRUE(erlang_c(question_c(46, 900, 180, 20)).is_ok());
}

TEST(ErlangC, RefusesBadInputs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    StaffingQuestion question;
    const char* field;
  };
  const Case cases[] = {
      {question_c(0, 900, 180, 20), "agents"},
      {question_c(-3, 900, 180, 20), "agents"},
      {question_c(1'000'000, 900, 180, 20), "agents"},
      {question_c(50, 0, 180, 20), "arrivals_per_hour"},
      {question_c(50, -900, 180, 20), "arrivals_per_hour"},
      {question_c(50, nan, 180, 20), "arrivals_per_hour"},
      {question_c(50, inf, 180, 20), "arrivals_per_hour"},
      {question_c(50, 900, 0, 20), "aht_s"},
      {question_c(50, 900, -180, 20), "aht_s"},
      {question_c(50, 900, nan, 20), "aht_s"},
      {question_c(50, 900, 180, -1), "threshold_s"},
      {question_c(50, 900, 180, nan), "threshold_s"},
      {question_c(50, 900, 180, inf), "threshold_s"},
  };
  for (const Case& c : cases) {
    auto answer = erlang_c(c.question);
    ASSERT_FALSE(answer.is_ok()) << c.field;
    EXPECT_EQ(answer.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(answer.error().field, c.field);
    auto a = erlang_a({c.question.agents, c.question.arrivals_per_hour, c.question.aht_s,
                       c.question.threshold_s, 120.0});
    ASSERT_FALSE(a.is_ok()) << c.field;
    EXPECT_EQ(a.error().field, c.field);
  }
}

TEST(ErlangC, ZeroThresholdIsAnsweredAtOnce) {
  auto answer = erlang_c(question_c(50, 900, 180, 0));
  ASSERT_TRUE(answer.is_ok());
  EXPECT_NEAR(answer->service_level, 1 - answer->p_wait, 1e-15);
}

// --- Erlang A ---

TEST(ErlangA, RefusesBadPatience) {
  for (double patience : {0.0, -5.0, std::numeric_limits<double>::quiet_NaN(),
                          std::numeric_limits<double>::infinity()}) {
    auto answer = erlang_a(question_a(50, 900, 180, 20, patience));
    ASSERT_FALSE(answer.is_ok()) << patience;
    EXPECT_EQ(answer.error().field, "patience_s");
  }
  auto missing = erlang_a(question_c(50, 900, 180, 20));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.error().field, "patience_s");
}

TEST(ErlangA, EndlessPatienceIsErlangC) {
  for (int n : {5, 50, 300}) {
    const double per_hour = 0.9 * n * 3600 / 180;
    auto c = erlang_c(question_c(n, per_hour, 180, 20));
    auto a = erlang_a(question_a(n, per_hour, 180, 20, 1e9));
    ASSERT_TRUE(c.is_ok());
    ASSERT_TRUE(a.is_ok()) << a.status().to_string();
    SCOPED_TRACE(n);
    EXPECT_NEAR(a->p_wait, c->p_wait, 1e-6);
    EXPECT_NEAR(a->asa_s, c->asa_s, 1e-5 * c->asa_s);
    EXPECT_NEAR(a->service_level, c->service_level, 1e-6);
    EXPECT_NEAR(a->occupancy, c->occupancy, 1e-6);
    EXPECT_LT(*a->abandon_rate, 1e-6);
  }
}

TEST(ErlangA, ImpatientCallersMakeALossSystem) {
  // Callers who give up at once: those who find every agent busy are lost,
  // the Erlang B share, and nobody waits long.
  for (int n : {1, 10, 50}) {
    for (double utilization : {0.5, 0.9, 2.0}) {
      const double load = utilization * n;
      auto a = erlang_a(question_a(n, load * 20, 180, 20, 1e-5));
      ASSERT_TRUE(a.is_ok()) << a.status().to_string();
      const double b = static_cast<double>(direct_erlang_b(n, load));
      SCOPED_TRACE(testing::Message() << "n=" << n << " A=" << load);
      EXPECT_NEAR(*a->abandon_rate, b, 1e-4 * b);
      EXPECT_NEAR(a->p_wait, b, 1e-4 * b);
      EXPECT_NEAR(a->service_level, 1 - b, 1e-4);
      EXPECT_LT(a->asa_s, 1e-3);
      EXPECT_NEAR(a->occupancy, load * (1 - b) / n, 1e-4);
    }
  }
}

TEST(ErlangA, MatchesTheChainIntegratedDirectly) {
  struct Case {
    int n;
    double per_hour, aht, threshold, patience;
    double horizon;  // > threshold: also integrate to the end for ASA
  };
  const Case cases[] = {
      {1, 50, 60, 20, 45, 2000},   // a single agent
      {3, 150, 60, 20, 30, 1200},  // below capacity
      {3, 300, 60, 20, 30, 1200},  // twice the capacity: abandons keep it stable
      {3, 300, 60, 20, 600, 0},    // long patience: the tail of callers ahead is cut
      {3, 150, 60, 0, 30, 0},      // threshold 0: only the calls answered at once
      {12, 700, 60, 45, 90, 0},    // a threshold many services long
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "n=" << c.n << " per_hour=" << c.per_hour
                                    << " patience=" << c.patience << " T=" << c.threshold);
    auto a = erlang_a(question_a(c.n, c.per_hour, c.aht, c.threshold, c.patience));
    ASSERT_TRUE(a.is_ok()) << a.status().to_string();
    expect_sane(*a);
    const auto direct = direct_erlang_a(c.n, c.per_hour, c.aht, c.threshold, c.patience, c.horizon);
    EXPECT_NEAR(a->p_wait, static_cast<double>(direct.p_wait), 1e-10);
    EXPECT_NEAR(*a->abandon_rate, static_cast<double>(direct.abandon_rate), 1e-10);
    EXPECT_NEAR(a->occupancy, static_cast<double>(direct.occupancy), 1e-10);
    EXPECT_NEAR(a->service_level, direct.service_level, 1e-8);
    if (c.horizon > 0) {
      EXPECT_NEAR(a->asa_s, direct.asa_s, 1e-6 * direct.asa_s);
    }
  }
}

TEST(ErlangA, SingleAgentSingleCallerClosedForm) {
  // With one agent and rare calls, an arrival that waits almost always has
  // nobody ahead: P(answered within T | 0 ahead) = mu/(mu+theta) (1 - e^-(mu+theta)T).
  const double mu = 1.0 / 60;
  const double theta = 1.0 / 40;
  const double threshold = 20;
  auto a = erlang_a(question_a(1, 0.036, 60, threshold, 40));  // A = 6e-4
  ASSERT_TRUE(a.is_ok());
  const double within_if_waiting = mu / (mu + theta) * (1 - std::exp(-(mu + theta) * threshold));
  const double expected = (1 - a->p_wait) + a->p_wait * within_if_waiting;
  // Two or more in the system: a share of order A^2 of arrivals.
  EXPECT_NEAR(a->service_level, expected, 1e-6);
  const double wait_served_if_waiting = mu / ((mu + theta) * (mu + theta));
  EXPECT_NEAR(a->asa_s / a->p_wait * (1 - *a->abandon_rate), wait_served_if_waiting,
              1e-3 * wait_served_if_waiting);
}

TEST(ErlangA, OverloadedQueuesStayFinite) {
  // 45 Erlangs on 10 agents: Erlang C refuses, Erlang A answers.
  auto a = erlang_a(question_a(10, 900, 180, 20, 120));
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  expect_sane(*a);
  EXPECT_GT(a->p_wait, 0.999);
  EXPECT_NEAR(a->occupancy, 1.0, 1e-6);
  // Every agent busy: 10 of the 45 Erlangs are answered.
  EXPECT_NEAR(*a->abandon_rate, 1 - 10.0 / 45, 1e-6);
}

TEST(ErlangA, ThresholdLongerThanAnyWait) {
  // Twice the capacity, 5-minute patience, 2-hour threshold (a mailbox, say):
  // whoever is answered is answered in time.
  for (double threshold : {2 * 3600.0, 1e9}) {
    auto a = erlang_a(question_a(20, 2400, 60, threshold, 300));
    ASSERT_TRUE(a.is_ok()) << a.status().to_string();
    EXPECT_NEAR(a->service_level, 1 - *a->abandon_rate, 1e-12);
    EXPECT_NEAR(*a->abandon_rate, 0.5, 1e-3);
  }
  // A large centre likewise, and quickly.
  const auto start = std::chrono::steady_clock::now();
  auto big = erlang_a(question_a(100'000, 2.2e6, 180, 300, 600));
  ASSERT_TRUE(big.is_ok()) << big.status().to_string();
  EXPECT_NEAR(big->service_level, 1 - *big->abandon_rate, 1e-12);
  EXPECT_LT(elapsed_ms(start), 500.0);
}

TEST(ErlangA, RefusesAQueueTooLongToSolve) {
  // 50 Erlangs on 50 agents, callers who never give up: the chain has no end.
  auto a = erlang_a(question_a(50, 1000, 180, 20, 1e15));
  ASSERT_FALSE(a.is_ok());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(a.error().field, "patience_s");
}

TEST(ErlangA, NeverNanOnValidInput) {
  for (int n : {1, 3, 20, 200}) {
    for (double utilization : {0.01, 0.9, 1.0, 1.5, 5.0}) {
      for (double patience : {1.0, 60.0, 600.0, 1e5}) {
        for (double threshold : {0.0, 20.0, 300.0}) {
          const double per_hour = utilization * n * 20;  // AHT 180 s
          auto a = erlang_a(question_a(n, per_hour, 180, threshold, patience));
          ASSERT_TRUE(a.is_ok()) << n << " " << utilization << " " << patience << " " << threshold
                                 << ": " << a.status().to_string();
          expect_sane(*a);
        }
      }
    }
  }
}

TEST(Erlang, DispatchesOnPatience) {
  auto c = erlang(question_c(50, 900, 180, 20));
  auto a = erlang(question_a(50, 900, 180, 20, 120));
  ASSERT_TRUE(c.is_ok());
  ASSERT_TRUE(a.is_ok());
  EXPECT_FALSE(c->abandon_rate.has_value());
  EXPECT_TRUE(a->abandon_rate.has_value());
  EXPECT_EQ(c->p_wait, erlang_c(question_c(50, 900, 180, 20))->p_wait);
  EXPECT_EQ(a->service_level, erlang_a(question_a(50, 900, 180, 20, 120))->service_level);
  // Abandons shorten the queue for those who stay.
  EXPECT_GT(a->service_level, c->service_level);
  EXPECT_LT(a->asa_s, c->asa_s);
}

TEST(Erlang, LargeCentreIsFast) {
  const auto start = std::chrono::steady_clock::now();
  auto c = erlang(question_c(2000, 36000, 180, 20));
  auto a = erlang(question_a(2000, 36000, 180, 20, 120));
  auto slow = erlang(question_a(2000, 36000, 180, 20, 3600));
  const double ms = elapsed_ms(start);
  ASSERT_TRUE(c.is_ok());
  ASSERT_TRUE(a.is_ok());
  ASSERT_TRUE(slow.is_ok());
  for (const auto* answer : {&*c, &*a, &*slow})
    expect_sane(*answer);
  EXPECT_LT(c->p_wait, 1e-3);  // 1800 Erlangs on 2000 agents: the pooling effect
  EXPECT_LT(ms, 50.0);
}

// --- agents_needed ---

TEST(AgentsNeeded, ErlangCFirstToReachTheTarget) {
  // 900 calls/h of 180 s, 80 % in 20 s.
  StaffingQuestion question = question_c(0, 900, 180, 20);
  auto needed = agents_needed(question, 0.8);
  ASSERT_TRUE(needed.is_ok()) << needed.status().to_string();
  // The same search done with the direct formula.
  int expected = 46;
  while (1 - direct_erlang_c(expected, 45) * std::exp(-(expected - 45) * 20.0 / 180) < 0.8L) {
    ++expected;
  }
  EXPECT_EQ(*needed, expected);
  question.agents = *needed;
  EXPECT_GE(erlang_c(question)->service_level, 0.8);
  question.agents = *needed - 1;
  EXPECT_LT(erlang_c(question)->service_level, 0.8);
}

TEST(AgentsNeeded, ErlangAFirstToReachTheTarget) {
  for (double target : {0.5, 0.8, 0.95}) {
    StaffingQuestion question = question_a(0, 900, 180, 20, 120);
    auto needed = agents_needed(question, target);
    ASSERT_TRUE(needed.is_ok()) << needed.status().to_string();
    question.agents = *needed;
    EXPECT_GE(erlang_a(question)->service_level, target);
    question.agents = *needed - 1;
    if (question.agents > 0) {
      EXPECT_LT(erlang_a(question)->service_level, target);
    }
    // Abandons help those who stay: never more agents than Erlang C.
    auto c = agents_needed(question_c(0, 900, 180, 20), target);
    ASSERT_TRUE(c.is_ok());
    EXPECT_LE(*needed, *c);
  }
}

TEST(AgentsNeeded, LargeCentreWithAbandons) {
  // 1800 Erlangs, patience 2 minutes.
  const auto start = std::chrono::steady_clock::now();
  StaffingQuestion question = question_a(0, 36000, 180, 20, 120);
  auto needed = agents_needed(question, 0.8);
  ASSERT_TRUE(needed.is_ok()) << needed.status().to_string();
  EXPECT_LT(elapsed_ms(start), 1000.0);
  question.agents = *needed;
  EXPECT_GE(erlang_a(question)->service_level, 0.8);
  question.agents = *needed - 1;
  EXPECT_LT(erlang_a(question)->service_level, 0.8);
}

TEST(AgentsNeeded, RefusesBadTargetsAndHugeCentres) {
  const StaffingQuestion question = question_c(0, 900, 180, 20);
  for (double target : {0.0, 1.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    auto needed = agents_needed(question, target);
    ASSERT_FALSE(needed.is_ok()) << target;
    EXPECT_EQ(needed.error().field, "target");
  }
  EXPECT_FALSE(agents_needed(question_c(0, -1, 180, 20), 0.8).is_ok());
  // 5 million Erlangs.
  EXPECT_FALSE(agents_needed(question_c(0, 1e8, 180, 20), 0.8).is_ok());
  EXPECT_FALSE(agents_needed(question_a(0, 1e8, 180, 20, 120), 0.8).is_ok());
}

}  // namespace
}  // namespace guichet::sim
