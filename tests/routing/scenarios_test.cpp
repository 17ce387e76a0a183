// Runs every scenario file of tests/routing/scenarios as one test each.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "scenario_runner.h"

namespace guichet::routing::testing {
namespace {

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(GUICHET_SCENARIO_DIR)) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class Scenario : public ::testing::TestWithParam<std::string> {};

TEST_P(Scenario, Passes) {
  const ScenarioOutcome outcome = run_scenario_file(GetParam());
  EXPECT_TRUE(outcome.ok) << outcome.failure;
  EXPECT_GT(outcome.expectations, 0) << "a scenario must check something";
}

INSTANTIATE_TEST_SUITE_P(Routing, Scenario, ::testing::ValuesIn(scenario_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = std::filesystem::path(param.param).stem().string();
                           std::replace_if(
                               name.begin(), name.end(), [](char c) { return !std::isalnum(c); },
                               '_');
                           return name;
                         });

// The runner itself must catch a wrong expectation and an unchecked event.
TEST(ScenarioRunner, CatchesAWrongExpectation) {
  const char* text =
      "queue q channel=chat\n"
      "agent a chat=1\n"
      "available a\n"
      "expect agent_state agent=a state=available\n"
      "arrive i queue=q\n"
      "expect queued interaction=i\n"
      "expect offered interaction=i agent=b\n";
  const ScenarioOutcome outcome = run_scenario_text(text, "inline");
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.failure.find("inline:7"), std::string::npos) << outcome.failure;
}

TEST(ScenarioRunner, CatchesAnUncheckedEvent) {
  const char* text =
      "queue q channel=chat\n"
      "agent a chat=1\n"
      "available a\n"
      "arrive i queue=q\n";
  const ScenarioOutcome outcome = run_scenario_text(text, "inline");
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.failure.find("unchecked"), std::string::npos) << outcome.failure;
}

}  // namespace
}  // namespace guichet::routing::testing
