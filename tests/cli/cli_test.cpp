// Drives the real `guichet` binary as a user would and reads its JSON output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace json = boost::json;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout and stderr together
};

Outcome run(const std::string& arguments) {
  const std::string command = std::string(GUICHET_BINARY) + " " + arguments + " 2>&1";
  Outcome result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe))
    result.out.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << text;
    return {};
  }
  return value.as_object();
}

TEST(Cli, ErlangPrintsStaffingFiguresAndAgentsNeeded) {
  Outcome r =
      run("erlang --agents 50 --arrivals-per-hour 900 --aht 180 --threshold 20 --target 0.8");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json::object o = parse_object(r.out);
  EXPECT_EQ(o["model"], "erlang_c");
  for (const char* key : {"p_wait", "asa_s", "service_level", "occupancy"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_NEAR(o["occupancy"].to_number<double>(), 0.9, 1e-9);
  const auto needed = o["agents_needed"].to_number<int>();
  EXPECT_GT(needed, 45);
  EXPECT_LT(needed, 60);
}

TEST(Cli, ErlangWithPatienceIsErlangA) {
  Outcome r =
      run("erlang --agents 40 --arrivals-per-hour 850 --aht 180 --threshold 20 --patience 120");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json::object o = parse_object(r.out);
  EXPECT_EQ(o["model"], "erlang_a");
  EXPECT_GT(o["abandon_rate"].to_number<double>(), 0.0);
}

TEST(Cli, ErlangRefusesAnOverloadedQueueClearly) {
  Outcome r = run("erlang --agents 10 --arrivals-per-hour 900 --aht 180 --threshold 20");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("guichet: invalid_argument"), std::string::npos) << r.out;
}

TEST(Cli, SimulateOneQueueFromFlags) {
  Outcome r =
      run("simulate --agents 50 --arrivals-per-hour 900 --aht 180 --patience 120 "
          "--threshold 20 --hours 8 --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json::object o = parse_object(r.out);
  json::object overall = o["overall"].as_object();
  for (const char* key : {"offered", "answered", "abandoned", "service_level", "asa_s", "p_wait",
                          "abandon_rate", "occupancy"}) {
    EXPECT_TRUE(overall.contains(key)) << key;
  }
  EXPECT_GT(overall["offered"].to_number<int>(), 6500);
  EXPECT_EQ(run("simulate --agents 50 --arrivals-per-hour 900 --aht 180 --patience 120 "
                "--threshold 20 --hours 8 --seed 1")
                .out,
            r.out)
      << "same seed, same figures";
}

TEST(Cli, SimulateTheDemoScenarioWithCsv) {
  const auto csv = std::filesystem::temp_directory_path() / "guichet_cli_test.csv";
  std::filesystem::remove(csv);
  Outcome r =
      run("simulate --scenario " GUICHET_SOURCE_DIR "/scenarios/mairie-lundi-matin.json --csv " +
          csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json::object o = parse_object(r.out);
  EXPECT_EQ(o["queues"].as_object().size(), 6u);
  EXPECT_TRUE(o["queues"].as_object().contains("etat-civil"));
  std::ifstream file(csv);
  std::string header;
  std::getline(file, header);
  EXPECT_EQ(header,
            "interval_start,queue,offered,answered,abandoned,service_level,asa_s,p_wait,"
            "abandon_rate,occupancy");
  int rows = 0;
  for (std::string line; std::getline(file, line);)
    ++rows;
  EXPECT_GE(rows, 16 * 7) << "16 intervals of 6 queues and a total";
  std::filesystem::remove(csv);
}

TEST(Cli, MigrateBringsADatabaseToTheLatestSchema) {
  const auto data = std::filesystem::temp_directory_path() / "guichet_cli_migrate";
  std::filesystem::remove_all(data);
  Outcome r = run("migrate --data " + data.string());
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("schema version"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(data / "guichet.db"));
  std::filesystem::remove_all(data);
}

TEST(Cli, SimulateRefusesBadInputWithAMessage) {
  const auto bad = std::filesystem::temp_directory_path() / "guichet_bad_scenario.json";
  std::ofstream(bad)
      << R"({"queues": [{"name": "q", "channel": "fax", "arrivals": [1]}], "agents": []})";
  Outcome r = run("simulate --scenario " + bad.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("queues[0].channel"), std::string::npos) << r.out;
  std::filesystem::remove(bad);
  r = run("simulate --scenario /nonexistent/file.json");
  EXPECT_NE(r.exit_code, 0);
  r = run("simulate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--scenario"), std::string::npos) << r.out;
}

}  // namespace
