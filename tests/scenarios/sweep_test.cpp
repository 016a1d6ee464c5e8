// What-if sweeps: the grid and its values, the trends a sweep must show on the MANGU
// failover (RTO grows with the database, RPO shrinks with the snapshot interval), and the
// variance common random numbers save.
#include "scenarios/sweep.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

const std::string kMangu =
    std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/mangu-regional-failover.json";

// The MANGU runbook with its two defects fixed (the newest *available* copy; the waiter re-run
// until the restore is done) and restored without an immediate backup: what a team would
// sweep after reading drsim's findings.
const std::vector<std::string> kFixed = {
    "runbook/3/outputs/LATEST_SNAPSHOT=DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`) && "
    "Status == 'available'] | sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier",
    "runbook/7/retries=12",
    "runbook/6/aws=aws rds restore-db-instance-from-db-snapshot --db-instance-identifier "
    "mangu-publishing-db-dr-production --db-snapshot-identifier \"$LATEST_SNAPSHOT\" "
    "--backup-retention-period 0 --multi-az true --region us-east-1"};

sim::RunOptions options(std::uint64_t trials = 2000) {
  sim::RunOptions o;
  o.trials = trials;
  o.threads = 2;
  return o;
}

TEST(Sweep, AxesSplitAtTopLevelCommasOnly) {
  EXPECT_EQ(parse_axis("topology.rds.0.size_gb=100,500,2000").values,
            (std::vector<std::string>{"100", "500", "2000"}));
  const SweepAxis a = parse_axis(R"(calibration.rds_restore={"uniform": ["5m", "15m"]},20m)");
  EXPECT_EQ(a.path, "calibration.rds_restore");
  EXPECT_EQ(a.values, (std::vector<std::string>{R"({"uniform": ["5m", "15m"]})", "20m"}));
  EXPECT_EQ(parse_axis("q=sort_by(@, &T) | [-1]").values.size(), 1u);
  EXPECT_THROW(parse_axis("size_gb"), sim::InputError);
  EXPECT_THROW(parse_axis("size_gb=1,,2"), sim::InputError);
}

TEST(Sweep, RtoGrowsWithTheDatabaseAndTheSweepNamesTheSizeThatMissesFourHours) {
  const Sweep w = run_sweep(
      kMangu, kFixed, {parse_axis("topology.rds.0.size_gb=100,500,1000,2000,4000")}, options());
  ASSERT_EQ(w.points.size(), 5u);
  for (std::size_t i = 1; i < w.points.size(); ++i) {
    EXPECT_GE(w.points[i].rto.p50, w.points[i - 1].rto.p50) << i;
    EXPECT_GE(w.points[i].rto.p95, w.points[i - 1].rto.p95) << i;
    EXPECT_GT(w.points[i].rto.p95_change.estimate, w.points[i - 1].rto.p95_change.estimate) << i;
  }
  EXPECT_GT(w.points.back().rto.p95_change.low, 3600e3);  // 4 TB: over an hour slower at p95
  EXPECT_TRUE(w.points.front().meets);
  const auto miss = w.first_miss();
  ASSERT_TRUE(miss.has_value());
  EXPECT_GT(w.points[*miss].rto.p95, 4 * sim::kHour);
  EXPECT_LE(w.points[*miss - 1].rto.p95, 4 * sim::kHour);
}

TEST(Sweep, RpoShrinksWithTheSnapshotInterval) {
  const Sweep w = run_sweep(
      kMangu, kFixed, {parse_axis("topology.rds.0.snapshots.every=4h,1h,15m")}, options(1000));
  ASSERT_EQ(w.points.size(), 3u);
  for (std::size_t i = 1; i < w.points.size(); ++i) {
    EXPECT_LT(w.points[i].rpo[0].p50, w.points[i - 1].rpo[0].p50) << i;
    EXPECT_LT(w.points[i].rpo[0].p95, w.points[i - 1].rpo[0].p95) << i;
    EXPECT_LT(w.points[i].rpo[0].p95_change.high, 0) << "a sure improvement";
  }
}

TEST(Sweep, CommonRandomNumbersMakeTheChangeFarSharperThanUnpairedRuns) {
  const Sweep w =
      run_sweep(kMangu, kFixed, {parse_axis("topology.rds.0.size_gb=500,1000")}, options());
  const auto& a = w.points[0].results.trial_rto_ms;
  const auto& b = w.points[1].results.trial_rto_ms;
  // The same trials, with the pairing broken: each of b's trials against another of a's.
  std::vector<std::int64_t> shuffled(b.size());
  for (std::size_t i = 0; i < b.size(); ++i) shuffled[i] = b[(i * 7919 + 13) % b.size()];
  sim::Stream r1(1, 0, 1), r2(1, 0, 1);
  const sim::Change paired = sim::quantile_change(a, b, 0.5, 0.95, 300, r1);
  const sim::Change unpaired = sim::quantile_change(a, shuffled, 0.5, 0.95, 300, r2);
  const double paired_width = paired.high - paired.low,
               unpaired_width = unpaired.high - unpaired.low;
  EXPECT_GT(paired.low, 0) << "paired, the growth is certain";
  EXPECT_LT(paired_width * 2, unpaired_width) << paired_width << " vs " << unpaired_width;
  // Trial by trial: the spread of the paired differences against that of unpaired ones.
  auto spread = [&](const std::vector<std::int64_t>& x) {
    double sum = 0, squares = 0;
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] == sim::kInfinite || x[i] == sim::kInfinite) continue;
      const double d = static_cast<double>(x[i] - a[i]);
      sum += d;
      squares += d * d;
      ++n;
    }
    const double mean = sum / static_cast<double>(n);
    return std::sqrt(squares / static_cast<double>(n) - mean * mean);
  };
  EXPECT_LT(spread(b) * 5, spread(shuffled)) << spread(b) << " vs " << spread(shuffled);
}

TEST(Sweep, TheGridCoversEveryCombinationWithTheLastAxisFastest) {
  const Sweep w = run_sweep(
      kMangu, {},
      {parse_axis("topology.rds.0.size_gb=100,200"), parse_axis("runbook/7/retries=4,8,12")},
      options(50));
  ASSERT_EQ(w.points.size(), 6u);
  EXPECT_EQ(w.points[0].values, (std::vector<std::string>{"100", "4"}));
  EXPECT_EQ(w.points[1].values, (std::vector<std::string>{"100", "8"}));
  EXPECT_EQ(w.points[5].values, (std::vector<std::string>{"200", "12"}));
}

}  // namespace
}  // namespace drsim::scenarios
