// Sensitivity: on a runbook whose one step dominates the RTO's spread, both the tornado and
// the regression put that step first.
#include "scenarios/sensitivity.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace drsim::scenarios {
namespace {

TEST(Sensitivity, TheDominantStepComesFirstInTheTornadoAndTheRegression) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("drsim-sensitivity-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The clean lint scenario, with three manual steps before the failover: two short and
  // steady, one (the approval) that takes anything from minutes to hours.
  nlohmann::json j =
      nlohmann::json::parse(std::ifstream(std::string(DRSIM_SOURCE_DIR) + "/tests/lint/base.json"));
  nlohmann::json runbook = nlohmann::json::array();
  runbook.push_back(
      {{"id", "page-team"}, {"owner", "oncall"}, {"manual", {{"uniform", {"5m", "8m"}}}}});
  runbook.push_back({{"id", "approval"},
                     {"owner", "oncall"},
                     {"after", {"page-team"}},
                     {"manual", {{"lognormal", {{"p50", "1h"}, {"p95", "5h"}}}}}});
  runbook.push_back({{"id", "brief"},
                     {"owner", "oncall"},
                     {"after", {"approval"}},
                     {"manual", {{"uniform", {"3m", "6m"}}}}});
  for (auto step : j["runbook"]) {
    if (step["id"] == "latest") step["after"] = {"brief"};
    runbook.push_back(step);
  }
  j["runbook"] = runbook;
  j["objectives"]["rto"] = "12h";
  const std::string path = (dir / "dominant.json").string();
  std::ofstream(path) << j.dump(1);

  sim::RunOptions o;
  o.trials = 600;
  o.threads = 2;
  const Sensitivity s = run_sensitivity(path, {}, o);
  fs::remove_all(dir);
  ASSERT_FALSE(s.inputs.empty());
  EXPECT_EQ(s.quantile, 0.95);
  EXPECT_EQ(s.inputs.front().name, "step approval");
  EXPECT_GT(s.inputs.front().p95_high, s.inputs.front().p95_low);
  ASSERT_GE(s.steps.size(), 3u);
  EXPECT_EQ(s.steps.front().step, "approval");
  EXPECT_GT(s.steps.front().src, 0.8);  // it explains most of the variance...
  EXPECT_GT(s.r_squared, 0.8);          // ...of what the steps explain, which is most of it
  for (const StepEffect& e : s.steps) {
    if (e.step == "approval") {
      EXPECT_DOUBLE_EQ(e.critical_share, 1.0);  // always on the critical path
    }
  }
}

}  // namespace
}  // namespace drsim::scenarios
