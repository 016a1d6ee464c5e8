#include "models/demo_restore.hpp"

#include <gtest/gtest.h>

namespace drsim::models {
namespace {

sim::RunOptions options(std::uint64_t trials, unsigned threads, std::uint64_t seed = 7) {
  sim::RunOptions o;
  o.trials = trials;
  o.threads = threads;
  o.seed = seed;
  return o;
}

TEST(DemoRestore, OutcomesRespectTheModelsStructure) {
  const DemoRestoreOptions o;
  sim::Environment env;
  for (std::uint64_t trial = 0; trial < 2000; ++trial) {
    const DemoOutcome r = run_demo_trial(o, env, 3, trial);
    // Daily snapshots: data lost is less than a day; detection takes 3 to 4 alarm periods.
    ASSERT_GE(r.rpo_ms, 0);
    ASSERT_LT(r.rpo_ms, sim::kDay);
    ASSERT_GE(r.detection_ms, 3 * sim::kMinute);
    ASSERT_LT(r.detection_ms, 4 * sim::kMinute);
    ASSERT_EQ(r.rto_ms, r.detection_ms + r.decision_ms + r.execution_ms);
    // Escalation only happens after 15 unacknowledged minutes.
    if (r.escalated) {
      ASSERT_GE(r.decision_ms, 15 * sim::kMinute);
    }
    // The waiter notices availability at a 30 s poll: execution is at least one poll.
    ASSERT_GE(r.execution_ms, 30 * sim::kSecond);
  }
}

TEST(DemoRestore, SameSeedSameResultsForAnyThreadCount) {
  const DemoRestoreOptions o;
  const DemoResults one = run_demo(o, options(5000, 1));
  const DemoResults eight = run_demo(o, options(5000, 8));
  EXPECT_EQ(one.rto_ms.runs(), eight.rto_ms.runs());
  EXPECT_EQ(one.rpo_ms.runs(), eight.rpo_ms.runs());
  EXPECT_EQ(one.escalations, eight.escalations);
  const DemoResults other = run_demo(o, options(5000, 2, 8));
  EXPECT_NE(one.rto_ms.runs(), other.rto_ms.runs());
}

TEST(DemoRestore, ATrialReplaysAlone) {
  const DemoRestoreOptions o;
  sim::Environment env;
  const DemoOutcome a = run_demo_trial(o, env, 11, 4242);
  run_demo_trial(o, env, 11, 1);  // something else in between
  const DemoOutcome b = run_demo_trial(o, env, 11, 4242);
  EXPECT_EQ(a.rto_ms, b.rto_ms);
  EXPECT_EQ(a.rpo_ms, b.rpo_ms);
}

TEST(DemoRestore, RpoIsUniformOverTheSnapshotInterval) {
  // Onsets are uniform over a week and snapshots daily, so RPO is uniform on [0, 24h).
  const DemoResults r = run_demo(DemoRestoreOptions{}, options(20000, 2));
  EXPECT_NEAR(static_cast<double>(r.rpo_ms.quantile(0.5)), 12.0 * sim::kHour, 0.02 * sim::kDay);
  EXPECT_NEAR(static_cast<double>(r.rpo_ms.quantile(0.9)), 21.6 * sim::kHour, 0.02 * sim::kDay);
}

TEST(DemoRestore, SlowerRestoresRaiseRtoUnderCommonRandomNumbers) {
  DemoRestoreOptions slow;
  slow.restore = slow.restore.scaled(2);
  sim::Environment env;
  for (std::uint64_t trial = 0; trial < 500; ++trial) {
    const DemoOutcome base = run_demo_trial(DemoRestoreOptions{}, env, 5, trial);
    const DemoOutcome slower = run_demo_trial(slow, env, 5, trial);
    ASSERT_GE(slower.rto_ms, base.rto_ms) << "trial " << trial;
    ASSERT_EQ(slower.rpo_ms, base.rpo_ms);
    ASSERT_EQ(slower.detection_ms, base.detection_ms);
  }
}

}  // namespace
}  // namespace drsim::models
