// The simulator pinned to queueing theory: one queue, FIFO, Poisson arrivals,
// exponential handle times agree with Erlang C, and with exponential patience
// with Erlang A — within a tolerance taken from the run's own confidence
// interval (batch means).
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/erlang.h"

namespace guichet::sim {
namespace {

struct Estimate {
  double mean = 0;
  double half_width = 0;  // 99.9 % confidence, from batch means
};

// Batch means over consecutive groups of intervals: each batch is long (hours)
// against the correlation time of a queue, so batches are near independent.
template <typename Metric>
Estimate batch_estimate(const Report& report, std::size_t intervals_per_batch,
                        std::size_t skip_intervals, Metric metric) {
  std::vector<double> batches;
  for (std::size_t start = skip_intervals; start + intervals_per_batch <= report.intervals.size();
       start += intervals_per_batch) {
    Counts batch;
    for (std::size_t k = start; k < start + intervals_per_batch; ++k) {
      batch.add(report.intervals[k][0]);
    }
    if (batch.offered > 0) batches.push_back(metric(batch));
  }
  const auto n = static_cast<double>(batches.size());
  double sum = 0, squares = 0;
  for (double b : batches)
    sum += b;
  const double mean = sum / n;
  for (double b : batches)
    squares += (b - mean) * (b - mean);
  const double standard_error = std::sqrt(squares / (n - 1) / n);
  return {mean, 3.29 * standard_error};
}

struct Agreement {
  std::string metric;
  double simulated;
  double theory;
  double tolerance;
};

void expect_agreement(const Agreement& a) {
  std::printf("%-14s simulated %9.4f  theory %9.4f  tolerance %.4f\n", a.metric.c_str(),
              a.simulated, a.theory, a.tolerance);
  EXPECT_LE(std::abs(a.simulated - a.theory), a.tolerance)
      << a.metric << ": simulated " << a.simulated << ", theory " << a.theory << " ± "
      << a.tolerance;
}

// Runs `question` for `hours` and checks it against `theory`.
void check_against_theory(const SingleQueue& question, const StaffingAnswer& theory) {
  auto scenario = single_queue_scenario(question);
  ASSERT_TRUE(scenario.is_ok()) << scenario.status().to_string();
  Options options;
  options.seed = 2026;
  options.warmup_s = 3600;  // start empty: the first hour is not steady state
  auto report = simulate(*scenario, options);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const std::size_t per_batch = 16;  // 4 hours
  const std::size_t skip = 4;        // the warm-up hour
  auto sl =
      batch_estimate(*report, per_batch, skip, [](const Counts& c) { return c.service_level(); });
  auto asa = batch_estimate(*report, per_batch, skip, [](const Counts& c) { return c.asa_s(); });
  auto p_wait =
      batch_estimate(*report, per_batch, skip, [](const Counts& c) { return c.p_wait(); });
  const Counts& all = report->overall;
  ASSERT_GT(all.offered, 100'000u);
  // The estimate is the whole run's figure; its uncertainty, the batches'. A
  // thousandth absolute is added for the millisecond clock of the engine.
  expect_agreement(
      {"service_level", all.service_level(), theory.service_level, sl.half_width + 1e-3});
  expect_agreement({"asa_s", all.asa_s(), theory.asa_s, asa.half_width + 1e-3});
  expect_agreement({"p_wait", all.p_wait(), theory.p_wait, p_wait.half_width + 1e-3});
  if (theory.abandon_rate) {
    auto abandon =
        batch_estimate(*report, per_batch, skip, [](const Counts& c) { return c.abandon_rate(); });
    expect_agreement(
        {"abandon_rate", all.abandon_rate(), *theory.abandon_rate, abandon.half_width + 1e-3});
  }
  // Half-widths stay meaningful: a loose tolerance would prove nothing.
  EXPECT_LT(sl.half_width, 0.06);
  EXPECT_LT(p_wait.half_width, 0.06);
}

TEST(SimulatorTheory, AgreesWithErlangC) {
  SingleQueue question;
  question.agents = 50;
  question.arrivals_per_hour = 900;
  question.aht_s = 180;
  question.threshold_s = 20;
  question.hours = 160;
  auto theory = erlang_c({question.agents, question.arrivals_per_hour, question.aht_s,
                          question.threshold_s, std::nullopt});
  ASSERT_TRUE(theory.is_ok());
  check_against_theory(question, *theory);
}

TEST(SimulatorTheory, AgreesWithErlangA) {
  SingleQueue question;
  question.agents = 40;
  question.arrivals_per_hour = 850;  // 42.5 Erlangs on 40 agents: only abandons keep it stable
  question.aht_s = 180;
  question.patience_s = 120;
  question.threshold_s = 20;
  question.hours = 160;
  auto theory = erlang_a({question.agents, question.arrivals_per_hour, question.aht_s,
                          question.threshold_s, question.patience_s});
  ASSERT_TRUE(theory.is_ok());
  ASSERT_TRUE(theory->abandon_rate.has_value());
  check_against_theory(question, *theory);
}

std::string read_file(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(Simulator, TheDemoScenarioRunsEveryQueue) {
  auto scenario =
      parse_scenario(read_file(GUICHET_SOURCE_DIR "/scenarios/mairie-lundi-matin.json"));
  ASSERT_TRUE(scenario.is_ok()) << scenario.status().to_string();
  auto report = simulate(*scenario, Options{});
  ASSERT_TRUE(report.is_ok());
  ASSERT_EQ(report->queues.size(), 6u);
  for (std::size_t q = 0; q < report->queues.size(); ++q) {
    const Counts& c = report->queues[q];
    EXPECT_GT(c.offered, 0u) << report->queue_names[q];
    EXPECT_EQ(c.offered, c.answered + c.abandoned + c.closed) << report->queue_names[q];
  }
  EXPECT_GT(report->overall.occupancy(), 0.3);
  EXPECT_LT(report->overall.occupancy(), 1.0);
  // The CSV has a row per interval and queue plus the interval's total.
  const std::string csv = report_csv(*report);
  EXPECT_EQ(csv.rfind("interval_start,queue,offered", 0), 0u);
  EXPECT_NE(csv.find("\n09:00,etat-civil,"), std::string::npos);
  EXPECT_NE(csv.find("\n11:45,*,"), std::string::npos);
}

TEST(Simulator, SameSeedSameReport) {
  auto scenario =
      parse_scenario(read_file(GUICHET_SOURCE_DIR "/scenarios/mairie-lundi-matin.json"));
  ASSERT_TRUE(scenario.is_ok());
  Options options;
  options.seed = 9;
  EXPECT_EQ(report_json(*simulate(*scenario, options)), report_json(*simulate(*scenario, options)));
  options.seed = 10;
  EXPECT_NE(report_json(*simulate(*scenario, Options{})),
            report_json(*simulate(*scenario, options)));
}

TEST(Simulator, ADayOfAThousandAgentsRunsInSeconds) {
  SingleQueue question;
  question.agents = 1000;
  question.arrivals_per_hour = 18'000;
  question.aht_s = 180;
  question.patience_s = 120;
  question.hours = 8;
  auto scenario = single_queue_scenario(question);
  ASSERT_TRUE(scenario.is_ok());
  const auto start = std::chrono::steady_clock::now();
  auto report = simulate(*scenario, Options{});
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(report.is_ok());
  EXPECT_GT(report->overall.offered, 140'000u);
  EXPECT_LT(elapsed, 30.0) << "sanitizer builds are slow; an optimised build takes well under 1 s";
  std::printf("1,000 agents, 8 hours, %llu interactions: %.3f s\n",
              static_cast<unsigned long long>(report->overall.offered), elapsed);
}

TEST(Simulator, BadScenariosAreRefusedNamingTheField) {
  struct Case {
    const char* json;
    const char* field;
  };
  const Case cases[] = {
      {"not json", "scenario"},
      {"[]", "scenario"},
      {R"({"queues": []})", "scenario.queues"},
      {R"({"queues": [{"name": "q", "arrivals": [1]}], "agents": [{"name": "a"}]})",
       "agents[0].capacity"},
      {R"({"queues": [{"name": "q", "channel": "fax", "arrivals": [1]}], "agents": []})",
       "queues[0].channel"},
      {R"({"queues": [{"name": "q", "arrivals": [-1]}], "agents": []})", "queues[0].arrivals"},
      {R"({"queues": [{"name": "q", "skills": {"fr": 9}, "arrivals": [1]}], "agents": []})",
       "queues[0].skills.fr"},
      {R"({"queues": [{"name": "q", "arrivals": [1], "handle_time": {"distribution": "weibull", "mean_s": 3}}], "agents": []})",
       "queues[0].handle_time.distribution"},
      {R"({"queues": [{"name": "q", "arrivals": [1]}], "agents": [{"name": "a", "capacity": {"voice": 1}, "shift": {"start": "25:99"}}]})",
       "agents[0].shift.start"},
      {R"({"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
       "scenario"},
  };
  for (const Case& c : cases) {
    auto scenario = parse_scenario(c.json);
    ASSERT_FALSE(scenario.is_ok()) << c.json;
    EXPECT_EQ(scenario.error().field, c.field) << c.json << ": " << scenario.error().message;
  }
}

}  // namespace
}  // namespace guichet::sim
