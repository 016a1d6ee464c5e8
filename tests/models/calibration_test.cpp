// Over many trials, the durations the models produce through their operations match the
// calibrated distributions (../shared/calibration.md): each checked quantile lies inside the
// distribution-free 99.9% interval of the simulated sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <vector>

#include "sim/statistics.hpp"
#include "tests/models/cloud_fixture.hpp"

namespace drsim::models {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kMinute;
using testing::req;

constexpr std::uint64_t kTrials = 20000;

void expect_matches(const sim::Sample& sample, const Distribution& model, const char* what) {
  for (double p : {0.05, 0.5, 0.95}) {
    const sim::Bounds ci = sample.quantile_interval(p, 0.999);
    ASSERT_TRUE(ci.low && ci.high);
    const double truth = model.quantile(p);
    EXPECT_LE(static_cast<double>(*ci.low), truth + 1) << what << " p" << p * 100;
    EXPECT_GE(static_cast<double>(*ci.high), truth - 1) << what << " p" << p * 100;
  }
}

/// Runs `trial_fn(cloud, env)` for each trial on a fresh two-region world; collects durations.
template <class F>
sim::Sample over_trials(Calibration& calibration, F trial_fn) {
  sim::Environment env;
  MockCloud cloud(env, calibration);
  sim::Sample out;
  for (std::uint64_t trial = 0; trial < kTrials; ++trial) {
    env.reset(0);
    cloud.reset(99, trial);
    cloud.context().add_region("us-west-2");
    cloud.context().add_region("us-east-1");
    cloud.context().add_region("eu-west-1");
    cloud.context().add_region("ap-southeast-2");
    out.add(trial_fn(cloud, env));
  }
  return out;
}

DbInstanceConfig primary(bool multi_az = false) {
  DbInstanceConfig db;
  db.id = "prod-db";
  db.region = "us-west-2";
  db.multi_az = multi_az;
  db.size_gb = 50;
  db.kms_key = "alias/aws/rds";
  return db;
}

TEST(Calibration, RestoreFromSnapshotTakesTheCalibratedTime) {
  Calibration c;
  c.rds_post_restore_backup_probability = 0;
  c.rds_restore_per_tb = Distribution::constant(0);  // the size term has its own test
  const sim::Sample restore = over_trials(c, [](MockCloud& cloud, sim::Environment& env) {
    cloud.rds().add_instance(primary(), -kDay);
    cloud.rds().add_snapshot({.id = "s",
                              .region = "us-west-2",
                              .instance_id = "prod-db",
                              .data_time = -kHour,
                              .available_at = -kHour,
                              .exists_from = -kHour,
                              .kms_key = "alias/aws/rds",
                              .size_gb = 50});
    EXPECT_TRUE(cloud
                    .invoke(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
                                {{"db-instance-identifier", "r"}, {"db-snapshot-identifier", "s"}}))
                    .ok());
    const DbInstance* db = cloud.rds().instance("r");
    return db->status.when(DbStatus::kAvailable, env.now()) - env.now();
  });
  expect_matches(restore, c.rds_restore, "restore");
  EXPECT_NEAR(static_cast<double>(restore.quantile(0.5)), 15.0 * kMinute, 0.03 * 15 * kMinute);
}

TEST(Calibration, AWaitsPollsTakeTheCalibratedApiLatencyFromTrialToTrialAndPollToPoll) {
  // A waiter keys its polls key + k * kGoldenGamma (see wait_for): across trials, the first
  // poll's latency follows the calibration; and so do the 20,000 polls of one wait, each
  // independent of the one before (the lag-one correlation of their ranks within 4 sigma).
  Calibration c;
  const Request poll = req("rds", "describe-db-instances", "us-west-2");
  constexpr std::uint64_t kWait = 0x5eed;
  const sim::Sample first = over_trials(c, [&](MockCloud& cloud, sim::Environment&) {
    const std::uint64_t key = kWait + sim::kGoldenGamma;
    sim::Duration latency = 0;
    cloud.skip_polls(poll, std::span(&key, 1), std::span(&latency, 1));
    return latency;
  });
  expect_matches(first, c.api_latency, "first poll, across trials");

  sim::Environment env;
  MockCloud cloud(env, c, 99, 0);
  cloud.context().add_region("us-west-2");
  std::vector<std::uint64_t> keys(kTrials);
  for (std::uint64_t k = 0; k < kTrials; ++k) keys[k] = kWait + (k + 1) * sim::kGoldenGamma;
  std::vector<sim::Duration> latencies(kTrials);
  cloud.skip_polls(poll, keys, latencies);
  sim::Sample one_wait;
  for (sim::Duration d : latencies) one_wait.add(d);
  expect_matches(one_wait, c.api_latency, "the polls of one wait");
  // Ranks (ties broken by position: whole milliseconds tie often) and their lag-one
  // correlation.
  std::vector<std::size_t> order(kTrials);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return latencies[a] < latencies[b]; });
  std::vector<double> rank(kTrials);
  for (std::size_t r = 0; r < kTrials; ++r) rank[order[r]] = static_cast<double>(r);
  const double mean = (kTrials - 1) / 2.0;
  double covariance = 0, variance = 0;
  for (std::size_t k = 0; k < kTrials; ++k) {
    variance += (rank[k] - mean) * (rank[k] - mean);
    if (k + 1 < kTrials) covariance += (rank[k] - mean) * (rank[k + 1] - mean);
  }
  EXPECT_LT(std::abs(covariance / variance), 4 / std::sqrt(static_cast<double>(kTrials)));
}

TEST(Calibration, MultiAzFailoverTakesTheCalibratedTimeWithItsTail) {
  Calibration c;
  const sim::Sample failover = over_trials(c, [](MockCloud& cloud, sim::Environment& env) {
    cloud.rds().add_instance(primary(true), -kDay);
    EXPECT_TRUE(cloud
                    .invoke(req("rds", "reboot-db-instance", "us-west-2",
                                {{"db-instance-identifier", "prod-db"}, {"force-failover", true}}))
                    .ok());
    return cloud.rds().instance("prod-db")->status.when(DbStatus::kAvailable, env.now() + 1) -
           env.now();
  });
  expect_matches(failover, c.multi_az_failover, "multi-az failover");
  // "typically 60-120 s" with a ~3% tail of minutes.
  EXPECT_GT(failover.quantile(0.5), 60 * sim::kSecond);
  EXPECT_LT(failover.quantile(0.5), 120 * sim::kSecond);
  EXPECT_GT(failover.quantile(0.99), 4 * kMinute);
}

TEST(Calibration, Route53ChangesPropagateInTheCalibratedTime) {
  Calibration c;
  const sim::Sample propagation = over_trials(c, [](MockCloud& cloud, sim::Environment&) {
    cloud.route53().add_zone("Z1", "example.com");
    cloud.route53().add_record("Z1", {.name = "www.example.com", .target = "a"});
    const Value batch = Value::object(
        {{"Changes", Value(Array{Value::object(
                         {{"Action", "UPSERT"},
                          {"ResourceRecordSet",
                           Value::object({{"Name", "www.example.com"},
                                          {"Type", "A"},
                                          {"ResourceRecords",
                                           Value(Array{Value::object({{"Value", "b"}})})}})}})})}});
    const Outcome o = cloud.invoke(req("route53", "change-resource-record-sets", "us-east-1",
                                       {{"hosted-zone-id", "Z1"}, {"change-batch", batch}}));
    EXPECT_TRUE(o.ok());
    sim::Time t = 0;
    while (cloud.route53().authoritative_answer("www.example.com", t) != "b") t += 100;
    return t;  // resolution 100 ms
  });
  for (double p : {0.5, 0.95}) {
    const sim::Bounds ci = propagation.quantile_interval(p, 0.999);
    EXPECT_LE(static_cast<double>(*ci.low), c.route53_propagation.quantile(p) + 100);
    EXPECT_GE(static_cast<double>(*ci.high), c.route53_propagation.quantile(p) - 100);
  }
  EXPECT_LT(propagation.quantile(0.95), 90 * sim::kSecond) << "generally within 60 s";
}

sim::Sample copy_durations(Calibration& c, std::string destination) {
  return over_trials(c, [&](MockCloud& cloud, sim::Environment& env) {
    cloud.rds().add_instance(primary(), -kDay);
    cloud.rds().add_snapshot({.id = "s",
                              .region = "us-west-2",
                              .instance_id = "prod-db",
                              .data_time = -kHour,
                              .available_at = -kHour,
                              .exists_from = -kHour,
                              .encrypted = false,
                              .size_gb = 50});
    const Outcome o = cloud.invoke(
        req("rds", "copy-db-snapshot", destination,
            {{"source-db-snapshot-identifier", "arn:aws:rds:us-west-2:123456789012:snapshot:s"},
             {"target-db-snapshot-identifier", "c"}}));
    EXPECT_TRUE(o.ok()) << (o.error ? o.error->describe() : "");
    sim::Time done = 0;
    for (const DbSnapshot& s : cloud.rds().snapshots(destination, env.now())) {
      if (s.id == "c") done = s.available_at;
    }
    return done - env.now();
  });
}

TEST(Calibration, CrossRegionCopiesOfFiftyGigabytesMatchTheThroughputAnchors) {
  // Anchors (calibration.md): 50 GB in 24 min same continent, 45 min transatlantic, 84 min
  // transpacific; plus the copy's set-up time (median 2 min).
  Calibration c;
  const sim::Sample same = copy_durations(c, "us-east-1");
  const sim::Sample atlantic = copy_durations(c, "eu-west-1");
  const sim::Sample pacific = copy_durations(c, "ap-southeast-2");
  auto minutes = [](const sim::Sample& s, double p) {
    return static_cast<double>(s.quantile(p)) / kMinute;
  };
  EXPECT_NEAR(minutes(same, 0.5), 24.4 + 2.5, 2.0);
  EXPECT_NEAR(minutes(atlantic, 0.5), 44.9 + 2.5, 3.0);
  EXPECT_NEAR(minutes(pacific, 0.5), 85.3 + 2.5, 5.0);
  // Spread sigma 0.5 on throughput: the p95 is about e^(0.5 * 1.645) = 2.3 times the median.
  EXPECT_NEAR(minutes(same, 0.95) / minutes(same, 0.5), 2.2, 0.25);
}

}  // namespace
}  // namespace drsim::models
