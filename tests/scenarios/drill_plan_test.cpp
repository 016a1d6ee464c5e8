// The live backend's dry run: the exact argv of every step, in an order that respects
// `after`, with the calls that would change the account marked.
#include "scenarios/drill_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace drsim::scenarios {
namespace {

TEST(DrillPlan, TheManguFailoverIsPlannedStepByStepWithExactCommands) {
  const Scenario s = load_scenario(std::string(DRSIM_SOURCE_DIR) +
                                   "/scenarios/library/mangu-regional-failover.json");
  const LiveTarget target{"/usr/bin/aws", "staging", "http://127.0.0.1:5000"};
  const std::vector<PlannedStep> plan = plan_drill(s, target);
  ASSERT_EQ(plan.size(), s.runbook.size());
  // Every step comes after the steps it waits for.
  for (std::size_t k = 0; k < plan.size(); ++k) {
    for (const std::string& dep : plan[k].after) {
      const auto at =
          std::find_if(plan.begin(), plan.end(), [&](const PlannedStep& p) { return p.id == dep; });
      EXPECT_LT(at - plan.begin(), static_cast<std::ptrdiff_t>(k))
          << plan[k].id << " after " << dep;
    }
  }
  auto step = [&](std::string_view id) -> const PlannedStep& {
    return *std::find_if(plan.begin(), plan.end(),
                         [&](const PlannedStep& p) { return p.id == id; });
  };
  const PlannedStep& restore = step("restore");
  EXPECT_EQ(restore.kind, PlannedStep::Kind::kAws);
  EXPECT_TRUE(restore.mutating);
  const std::vector<std::string>& argv = restore.argv;
  EXPECT_EQ(
      std::vector<std::string>(argv.begin(), argv.begin() + 3),
      (std::vector<std::string>{"/usr/bin/aws", "rds", "restore-db-instance-from-db-snapshot"}));
  const auto snapshot = std::find(argv.begin(), argv.end(), "--db-snapshot-identifier");
  ASSERT_NE(snapshot, argv.end());
  EXPECT_EQ(*(snapshot + 1), "${LATEST_SNAPSHOT}");  // bound by an earlier step
  for (const char* flag : {"--region", "--profile", "--endpoint-url", "--output", "--no-cli-pager"})
    EXPECT_NE(std::find(argv.begin(), argv.end(), flag), argv.end()) << flag;
  EXPECT_FALSE(step("latest-snapshot").mutating);
  EXPECT_EQ(step("latest-snapshot").binds.at(0).first, "LATEST_SNAPSHOT");
  // A waiter is drsim's own polling of the describe call, with the CLI's delay and limit.
  const PlannedStep& wait = step("wait-ecs");
  EXPECT_EQ(wait.kind, PlannedStep::Kind::kWaiter);
  EXPECT_EQ(wait.argv[2], "describe-services");
  EXPECT_EQ(wait.poll_seconds, 15);
  EXPECT_EQ(wait.max_polls, 40);
  const auto services = std::find(wait.argv.begin(), wait.argv.end(), "--services");
  EXPECT_EQ(*(services + 1), "mangu-publishing-server-production");  // a list: one word per item
  EXPECT_EQ(*(services + 2), "mangu-publishing-client-production");
  EXPECT_EQ(step("assess").kind, PlannedStep::Kind::kManual);
  EXPECT_EQ(step("terraform-apply").kind, PlannedStep::Kind::kOther);
}

TEST(DrillPlan, ShellLinesQuoteOnlyWhatNeedsIt) {
  EXPECT_EQ(shell_line({"aws", "rds", "--x", "a b", "it's", "${V}", "plain-1.2/3"}),
            "aws rds --x 'a b' 'it'\"'\"'s' '${V}' plain-1.2/3");
}

}  // namespace
}  // namespace drsim::scenarios
