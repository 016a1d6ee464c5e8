// People, secrets, compute, the control plane, faults and permissions.
#include <gtest/gtest.h>

#include <set>

#include "models/failures.hpp"
#include "models/waiters.hpp"
#include "sim/statistics.hpp"
#include "tests/models/cloud_fixture.hpp"

namespace drsim::models {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using testing::CloudTest;
using testing::req;

class PeopleTest : public CloudTest {
 protected:
  PeopleTest() {
    cloud_.people().set_team({.escalation = {{"primary", 15 * kMinute},
                                             {"backup", 30 * kMinute},
                                             {"manager", kHour},
                                             {"cto", 2 * kHour}},
                              .headcount = {{"primary", 1}, {"backup", 1}}});
  }
};

TEST_F(PeopleTest, AnUnacknowledgedPageEscalatesAfterItsTimeout) {
  cloud_.people().unavailable("primary", 0, kDay);
  const PageResult r = cloud_.people().page(3 * kHour);
  EXPECT_GE(r.levels_paged, 2);
  EXPECT_NE(r.role, "primary");
  // The backup is paged exactly when the primary's 15 minutes run out.
  EXPECT_GE(r.acknowledged_at, 3 * kHour + 15 * kMinute);
}

TEST_F(PeopleTest, AcknowledgementIsSlowerOffHoursOverManyIncidents) {
  // Epoch 2026-01-05 is a Monday: 10:00 is business hours, 03:00 is not.
  ASSERT_TRUE(cloud_.people().business_hours(10 * kHour));
  ASSERT_FALSE(cloud_.people().business_hours(3 * kHour));
  ASSERT_FALSE(cloud_.people().business_hours(5 * kDay + 10 * kHour)) << "Saturday";
  // One level with no escalation and everyone answering: the acknowledgement times are then
  // exactly the calibrated distributions, not censored by the escalation timeout.
  calibration_.page_no_answer_probability = 0;
  cloud_.people().set_team({.escalation = {{"primary", 100 * kHour}}});
  sim::Sample day, night;
  for (std::uint64_t i = 0; i < 4000; ++i) {
    day.add(cloud_.people().page(10 * kHour, i).acknowledged_at - 10 * kHour);
    night.add(cloud_.people().page(3 * kHour, i).acknowledged_at - 3 * kHour);
  }
  EXPECT_NEAR(static_cast<double>(day.quantile(0.95)), 15.0 * kMinute, 0.1 * 15 * kMinute);
  EXPECT_NEAR(static_cast<double>(night.quantile(0.95)), 30.0 * kMinute, 0.1 * 30 * kMinute);
  EXPECT_NEAR(static_cast<double>(day.quantile(0.5)), 3.0 * kMinute, 0.1 * 3 * kMinute);
  EXPECT_NEAR(static_cast<double>(night.quantile(0.5)), 5.0 * kMinute, 0.1 * 5 * kMinute);
}

TEST_F(CloudTest, ApiCallsToARegionWhoseControlPlaneIsDownFailWhileItsInstancesServe) {
  add_primary();
  cloud_.context().disrupt({Disruption::kControlPlaneDown, "us-west-2", "", kHour, 5 * kHour});
  at(2 * kHour);
  expect_error(call(req("rds", "describe-db-instances", "us-west-2")),
               AwsErrorCode::kEndpointConnectionError);
  expect_error(call(req("rds", "create-db-snapshot", "us-west-2",
                        {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "x"}})),
               AwsErrorCode::kEndpointConnectionError);
  const DbInstance* db = cloud_.rds().instance("prod-db");
  EXPECT_EQ(cloud_.rds().status(*db, now()), DbStatus::kAvailable)
      << "the data plane keeps serving";
  EXPECT_TRUE(cloud_.endpoint_healthy("prod-db.c1x2y3z4.us-west-2.rds.amazonaws.com", now()));
  // A full outage takes the instance down too.
  cloud_.context().disrupt({Disruption::kRegionDown, "us-west-2", "", 3 * kHour, 4 * kHour});
  EXPECT_EQ(cloud_.rds().status(*db, 3 * kHour + 1), DbStatus::kInaccessible);
  EXPECT_FALSE(cloud_.endpoint_healthy("prod-db", 3 * kHour + 1));
  at(6 * kHour);
  EXPECT_TRUE(call(req("rds", "describe-db-instances", "us-west-2")).ok());
}

TEST_F(CloudTest, ASlowControlPlaneThrottlesSomeCallsAndSlowsAll) {
  cloud_.context().disrupt({Disruption::kControlPlaneImpaired, "us-east-1", "", 0, sim::kNever});
  int throttled = 0;
  sim::Sample latency;
  for (int i = 0; i < 2000; ++i) {
    const Outcome o = call(req("rds", "describe-db-instances", "us-east-1"));
    throttled += !o.ok() && o.error->code == AwsErrorCode::kThrottling;
    latency.add(o.latency);
  }
  EXPECT_NEAR(throttled / 2000.0, calibration_.impaired_throttle_probability, 0.04);
  EXPECT_NEAR(static_cast<double>(latency.quantile(0.5)), 1500.0, 200.0) << "10x the 150 ms median";
}

TEST_F(CloudTest, MissingPermissionsAndInjectedFaultsFailMatchingCallsOnly) {
  add_primary();
  inject(cloud_,
         {.kind = FailureKind::kPermissionMissing,
          .region = "us-east-1",
          .service = "rds",
          .operation = "restore-db-instance-from-db-snapshot"},
         0);
  expect_error(call(req("rds", "restore-db-instance-from-db-snapshot", "us-east-1",
                        {{"db-instance-identifier", "x"}, {"db-snapshot-identifier", "y"}})),
               AwsErrorCode::kAccessDenied);
  EXPECT_TRUE(call(req("rds", "describe-db-instances", "us-west-2")).ok());
  inject(cloud_,
         {.kind = FailureKind::kOperationFailure,
          .service = "rds",
          .operation = "describe-db-instances",
          .probability = 0.5},
         0);
  int failed = 0;
  for (int i = 0; i < 1000; ++i)
    failed += !call(req("rds", "describe-db-instances", "us-west-2")).ok();
  EXPECT_NEAR(failed, 500, 60);
  expect_error(call(req("rds", "frobnicate-db", "us-west-2")), AwsErrorCode::kUnknownOperation);
}

TEST_F(CloudTest, ReplicaSecretsAreReadOnlyUntilPromoted) {
  cloud_.secrets().add_secret({.name = "/mangu/production/DATABASE_URL",
                               .region = "us-west-2",
                               .replica_regions = {"us-east-1"}});
  cloud_.context().disrupt({Disruption::kRegionDown, "us-west-2", "", kHour, sim::kNever});
  at(2 * kHour);
  const Request update =
      req("secretsmanager", "update-secret", "us-east-1",
          {{"secret-id", "/mangu/production/DATABASE_URL"}, {"secret-string", "db=prod-db-dr"}});
  expect_error(call(update), AwsErrorCode::kInvalidParameterValue);
  ok(req("secretsmanager", "stop-replication-to-replica", "us-east-1",
         {{"secret-id", "/mangu/production/DATABASE_URL"}}));
  ok(update);
  EXPECT_EQ(ok(req("secretsmanager", "get-secret-value", "us-east-1",
                   {{"secret-id", "/mangu/production/DATABASE_URL"}}))
                .result["SecretString"]
                .as_string(),
            "db=prod-db-dr");
}

TEST_F(CloudTest, ASecurityIncidentLeavesTheSecretCompromisedUntilRotated) {
  cloud_.secrets().add_secret({.name = "db-creds", .region = "us-east-1"});
  inject(cloud_, {.kind = FailureKind::kSecurityIncident, .target = "db-creds"}, kHour);
  EXPECT_FALSE(cloud_.secrets().compromised("db-creds", "us-east-1", kHour - 1));
  EXPECT_TRUE(cloud_.secrets().compromised("db-creds", "us-east-1", kHour + 1));
  at(2 * kHour);
  ok(req("secretsmanager", "rotate-secret", "us-east-1", {{"secret-id", "db-creds"}}));
  EXPECT_FALSE(cloud_.secrets().compromised("db-creds", "us-east-1", now()));
}

TEST_F(CloudTest, EcsLaunchesArePacedAndTheWaiterSeesTheServiceStabilize) {
  cloud_.compute().add_service(
      {.cluster = "dr", .name = "api", .region = "us-east-1", .desired = 0});
  at(kHour);
  ok(req("ecs", "update-service", "us-east-1",
         {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "300"}}));
  const EcsService* s = cloud_.compute().service("dr", "api", "us-east-1");
  ASSERT_EQ(s->tasks.size(), 300u);
  // Burst of 100, then 20 per second: the 300th launch is ~10 s after the first.
  EXPECT_LT(cloud_.compute().running(*s, now() + 5 * kSecond), 300);
  EXPECT_EQ(cloud_.compute().running(*s, now() + 30 * kMinute), 300);

  const WaiterSpec* spec = find_waiter("ecs", "services-stable");
  ASSERT_NE(spec, nullptr);
  WaitResult result;
  struct Run {
    // (The request is built outside the coroutine: GCC 12 mishandles initializer lists in
    // a co_await expression.)
    static sim::Process go(sim::Environment& env, MockCloud& cloud, const WaiterSpec& spec,
                           Request poll, WaitResult& out) {
      out = co_await wait_for(env, cloud, spec, poll, spec.delay, spec.max_attempts);
    }
  };
  env_.start(Run::go(
      env_, cloud_, *spec,
      req("ecs", "describe-services", "us-east-1", {{"cluster", "dr"}, {"services", "api"}}),
      result));
  env_.run();
  EXPECT_EQ(result.state, WaiterState::kSuccess);
  EXPECT_GT(result.attempts, 1);
  EXPECT_EQ(cloud_.compute().running(*s, now()), 300);
}

TEST_F(CloudTest, OneDeploymentAgreesWithTheListOfDeploymentsAtEveryTaskBoundary) {
  // Two forced redeployments and a scale-down: old tasks stop as new ones start running.
  cloud_.compute().add_service(
      {.cluster = "dr", .name = "api", .region = "us-east-1", .desired = 3});
  at(kHour);
  const Request redeploy =
      req("ecs", "update-service", "us-east-1",
          {{"cluster", "dr"}, {"service", "api"}, {"force-new-deployment", true}});
  ok(req("ecs", "update-service", "us-east-1",
         {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "3"}}));
  at(kHour + 10 * kMinute);
  ok(redeploy);
  at(kHour + 10 * kMinute + 20 * kSecond);  // while the first redeployment is under way
  ok(redeploy);
  at(kHour + 30 * kMinute);
  ok(req("ecs", "update-service", "us-east-1",
         {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "1"}}));
  const EcsService* s = cloud_.compute().service("dr", "api", "us-east-1");
  ASSERT_NE(s, nullptr);
  int several = 0;
  for (const EcsTask& task : s->tasks) {
    for (const sim::Time t :
         {task.running_from - 1, task.running_from, task.stopped_at - 1, task.stopped_at}) {
      const bool one = cloud_.compute().deployments(*s, t).size() == 1;
      EXPECT_EQ(cloud_.compute().one_deployment(*s, t), one) << "at " << t;
      several += one ? 0 : 1;
    }
  }
  EXPECT_GT(several, 0) << "the redeployments overlap somewhere";
}

/// The verdict the mock cloud gives a poll from its models' state, against the waiter's
/// own reading of the poll's answer, for `poll` at instant `t`.
void expect_same_verdict(MockCloud& cloud, const WaiterSpec& spec, const Request& poll, sim::Time t,
                         std::set<WaiterState>& seen) {
  Outcome decided;
  const WaiterState fast = cloud.poll(poll, spec, decided);
  const Outcome answer = cloud.invoke(poll);
  EXPECT_EQ(fast, spec.evaluate(answer)) << poll.describe() << " at " << t;
  EXPECT_EQ(decided.ok(), answer.ok()) << poll.describe() << " at " << t;
  seen.insert(fast);
}

TEST_F(CloudTest, AWaitersVerdictFromTheModelsIsItsVerdictOnTheAnswer) {
  // Services-stable across a scale-up, two overlapping redeployments and a scale-down, for
  // a listed service alone, with one that does not exist, and in a cluster that does not.
  cloud_.compute().add_service(
      {.cluster = "dr", .name = "api", .region = "us-east-1", .desired = 0});
  cloud_.compute().add_service(
      {.cluster = "dr", .name = "web", .region = "us-east-1", .desired = 2});
  const WaiterSpec& stable = *find_waiter("ecs", "services-stable");
  const std::vector<Request> polls = {
      req("ecs", "describe-services", "us-east-1", {{"cluster", "dr"}, {"services", "api"}}),
      req("ecs", "describe-services", "us-east-1",
          {{"cluster", "dr"}, {"services", Value(Array{Value("web"), Value("api")})}}),
      req("ecs", "describe-services", "us-east-1", {{"cluster", "dr"}, {"services", "api gone"}}),
      req("ecs", "describe-services", "us-east-1", {{"cluster", "nope"}, {"services", "api"}})};
  const Request redeploy =
      req("ecs", "update-service", "us-east-1",
          {{"cluster", "dr"}, {"service", "api"}, {"force-new-deployment", true}});
  std::set<WaiterState> seen;
  // Every second, so that each task start and stop is seen within a second.
  for (sim::Time t = kHour; t < kHour + 40 * kMinute; t += kSecond) {
    at(t);
    if (t == kHour) {
      ok(req("ecs", "update-service", "us-east-1",
             {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "5"}}));
    }
    if (t == kHour + 10 * kMinute || t == kHour + 10 * kMinute + 20 * kSecond) ok(redeploy);
    if (t == kHour + 30 * kMinute) {
      ok(req("ecs", "update-service", "us-east-1",
             {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "2"}}));
    }
    for (const Request& poll : polls) expect_same_verdict(cloud_, stable, poll, t, seen);
  }
  EXPECT_EQ(seen.size(), 3u) << "success, failure and retry all met";

  // db-instance-available while a restore runs, then while the instance is deleted.
  add_primary();
  restore_from_a_snapshot("r");
  const WaiterSpec& available = *find_waiter("rds", "db-instance-available");
  const Request poll =
      req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "r"}});
  seen.clear();
  for (int k = 0; k < 600; ++k) {
    if (k == 400) {
      ok(req("rds", "delete-db-instance", "us-west-2",
             {{"db-instance-identifier", "r"}, {"skip-final-snapshot", true}}));
    }
    expect_same_verdict(cloud_, available, poll, now(), seen);
    at(now() + 20 * kSecond);
  }
  EXPECT_EQ(seen.size(), 3u) << "success, failure and retry all met";
}

TEST_F(CloudTest, TheInstanceWaiterGivesUpAfterThirtyMinutes) {
  calibration_.rds_post_restore_backup_probability = 1;  // stuck in backing-up for hours
  add_primary();
  ok(req("rds", "create-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "s"}}));
  at(2 * kHour);
  ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "r"}, {"db-snapshot-identifier", "s"}}));
  const WaiterSpec* spec = find_waiter("rds", "db-instance-available");
  WaitResult result;
  struct Run {
    static sim::Process go(sim::Environment& env, MockCloud& cloud, const WaiterSpec& spec,
                           Request poll, WaitResult& out) {
      out = co_await wait_for(env, cloud, spec, poll, spec.delay, spec.max_attempts);
    }
  };
  const sim::Time started = now();
  env_.start(Run::go(
      env_, cloud_, *spec,
      req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "r"}}), result));
  env_.run();
  EXPECT_EQ(result.state, WaiterState::kRetry) << "gave up";
  EXPECT_EQ(result.attempts, 60);
  EXPECT_GE(now() - started, 59 * 30 * kSecond);
  EXPECT_LT(now() - started, 31 * kMinute + 60 * 5 * kSecond);
}

/// The mock cloud without forecasts: every poll of a waiter is made, and the waiter reads
/// its answer. With them: polls are skipped where their answer is known, and those made are
/// decided from the models' state where the mock cloud can. Counts the calls.
class EveryPoll : public Backend {
 public:
  EveryPoll(MockCloud& cloud, bool forecast) : cloud_(cloud), forecast_(forecast) {}
  Outcome invoke(const Request& r) override {
    ++calls;
    return cloud_.invoke(r);
  }
  WaiterState poll(const Request& r, const WaiterSpec& waiter, Outcome& out) override {
    if (!forecast_) return Backend::poll(r, waiter, out);
    ++calls;
    return cloud_.poll(r, waiter, out);
  }
  std::optional<sim::Time> unchanged_until(const Request& r) override {
    return forecast_ ? cloud_.unchanged_until(r) : std::nullopt;
  }
  std::optional<sim::Time> retry_until(const Request& r, std::string_view waiter) override {
    return forecast_ ? cloud_.retry_until(r, waiter) : std::nullopt;
  }
  void skip_polls(const Request& r, std::span<const std::uint64_t> keys,
                  std::span<sim::Duration> latencies) override {
    cloud_.skip_polls(r, keys, latencies);
  }
  sim::Event* next_change() override { return cloud_.next_change(); }
  int calls = 0;

 private:
  MockCloud& cloud_;
  bool forecast_;
};

struct Waited {
  WaiterState state;
  int attempts;
  sim::Time end;
  int calls;
  friend bool operator==(const Waited&, const Waited&) = default;
};

/// One restore waited on with `rds wait db-instance-available` (at most `max_attempts`
/// polls); unless `delete_at` is kNever, another process deletes the instance then.
Waited wait_on_a_restore(std::uint64_t trial, bool forecast, int max_attempts,
                         sim::Time delete_at) {
  sim::Environment env(0);
  Calibration calibration;
  MockCloud cloud(env, calibration, 3, trial);
  cloud.context().add_region("us-west-2");
  cloud.rds().add_instance({.id = "prod-db", .region = "us-west-2", .encrypted = false}, -kDay);
  cloud.rds().add_snapshot(
      {.id = "s", .region = "us-west-2", .instance_id = "prod-db", .encrypted = false});
  EXPECT_TRUE(cloud
                  .invoke(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
                              {{"db-instance-identifier", "r"}, {"db-snapshot-identifier", "s"}}))
                  .ok());
  EveryPoll backend(cloud, forecast);
  WaitResult result;
  struct Run {
    static sim::Process wait(sim::Environment& env, Backend& backend, Request poll, int max,
                             WaitResult& out, sim::Time& end) {
      const WaiterSpec& spec = *find_waiter("rds", "db-instance-available");
      out = co_await wait_for(env, backend, spec, poll, spec.delay, max);
      end = env.now();
    }
    static sim::Process remove(sim::Environment& env, MockCloud& cloud, sim::Time at, Request r) {
      co_await env.until(at);
      cloud.invoke(r);
    }
  };
  sim::Time end = 0;
  env.start(
      Run::wait(env, backend,
                req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "r"}}),
                max_attempts, result, end));
  if (delete_at != sim::kNever) {
    env.start(Run::remove(env, cloud, delete_at,
                          req("rds", "delete-db-instance", "us-west-2",
                              {{"db-instance-identifier", "r"}, {"skip-final-snapshot", true}})));
  }
  env.run();
  return {result.state, result.attempts, end, backend.calls};
}

TEST(Waiters, SkippingPollsWhoseAnswerIsKnownChangesNothingButTheWork) {
  int polls_made = 0, polls_skipped = 0, failures = 0, give_ups = 0;
  for (std::uint64_t trial = 0; trial < 200; ++trial) {
    // Restores take 15 min to 3 h; some waiters give up after 20 polls; in some trials the
    // instance is deleted mid-wait (the skipped polls after that instant are made for real).
    const int max_attempts = trial % 3 == 0 ? 20 : 60;
    const sim::Time delete_at =
        trial % 2 == 0 ? static_cast<sim::Time>(trial) * 17 * kSecond + 5 * kMinute : sim::kNever;
    Waited every = wait_on_a_restore(trial, false, max_attempts, delete_at);
    Waited fast = wait_on_a_restore(trial, true, max_attempts, delete_at);
    polls_made += every.calls;
    polls_skipped += every.calls - fast.calls;
    failures += every.state == WaiterState::kFailure;
    give_ups += every.state == WaiterState::kRetry;
    fast.calls = every.calls = 0;
    ASSERT_EQ(fast, every) << "trial " << trial;
  }
  EXPECT_GT(failures, 20) << "deletions seen mid-wait";
  EXPECT_GT(give_ups, 10);
  EXPECT_GT(polls_skipped, polls_made * 3 / 4) << "most polls need not be made";
}

/// Scales an ECS service from 0 to 12 tasks and waits with `ecs wait services-stable`: a
/// dozen task starts, each a change a skipped poll must not miss (also within a poll's
/// own latency). In some trials a second service is redeployed at the same time (stable
/// once its old tasks stop), or the region's control plane is down for a while.
Waited wait_on_a_scale_up(std::uint64_t trial, bool forecast) {
  sim::Environment env(0);
  Calibration calibration;
  MockCloud cloud(env, calibration, 5, trial);
  cloud.context().add_region("us-east-1");
  cloud.compute().add_service({.cluster = "dr", .name = "api", .region = "us-east-1"});
  cloud.compute().add_service(
      {.cluster = "dr", .name = "web", .region = "us-east-1", .desired = 2, .exists_from = -kHour});
  EXPECT_TRUE(cloud
                  .invoke(req("ecs", "update-service", "us-east-1",
                              {{"cluster", "dr"}, {"service", "api"}, {"desired-count", "12"}}))
                  .ok());
  const bool both = trial % 2 == 0;
  if (both) {
    EXPECT_TRUE(cloud
                    .invoke(req("ecs", "update-service", "us-east-1",
                                {{"cluster", "dr"},
                                 {"service", "web"},
                                 {"desired-count", "3"},
                                 {"force-new-deployment", true}}))
                    .ok());
  }
  if (trial % 5 == 0) {
    const sim::Time from = static_cast<sim::Time>(trial % 7) * 20 * kSecond;
    cloud.context().disrupt({Disruption::kControlPlaneDown, "us-east-1", "", from, from + kMinute});
  }
  EveryPoll backend(cloud, forecast);
  WaitResult result;
  sim::Time end = 0;
  struct Run {
    static sim::Process wait(sim::Environment& env, Backend& backend, Request poll, WaitResult& out,
                             sim::Time& end) {
      const WaiterSpec& spec = *find_waiter("ecs", "services-stable");
      out = co_await wait_for(env, backend, spec, poll, spec.delay, spec.max_attempts);
      end = env.now();
    }
  };
  env.start(
      Run::wait(env, backend,
                req("ecs", "describe-services", "us-east-1",
                    {{"cluster", "dr"},
                     {"services", both ? Value(Array{Value("api"), Value("web")}) : Value("api")}}),
                result, end));
  env.run();
  return {result.state, result.attempts, end, backend.calls};
}

TEST(Waiters, SkippedPollsOfAScaleUpMissNoTaskStart) {
  int made = 0, skipped = 0, outages_seen = 0;
  for (std::uint64_t trial = 0; trial < 400; ++trial) {
    Waited every = wait_on_a_scale_up(trial, false);
    Waited fast = wait_on_a_scale_up(trial, true);
    outages_seen += every.state != WaiterState::kSuccess;
    made += fast.calls;
    skipped += every.calls - fast.calls;
    fast.calls = every.calls = 0;
    ASSERT_EQ(fast, every) << "trial " << trial;
  }
  // Polls are made where the verdict could change, not at every task start: about two a
  // wait (the first, the one that succeeds), more around an outage.
  EXPECT_LT(made, 400 * 3) << made;
  EXPECT_GT(skipped, 400 * 5);
  EXPECT_GT(outages_seen, 0) << "a poll met the control plane down";
}

TEST_F(CloudTest, TheHealthDashboardShowsInjectedRegionalEvents) {
  inject(cloud_,
         {.kind = FailureKind::kRegionOutage,
          .duration = Distribution::constant(3 * kHour),
          .region = "us-west-2"},
         kHour);
  at(2 * kHour);
  const Outcome events = ok(req("health", "describe-events", "us-east-1"));
  ASSERT_EQ(events.result["events"].size(), 1u);
  EXPECT_EQ(events.result["events"].at(0)["statusCode"].as_string(), "open");
  EXPECT_FALSE(cloud_.context().data_plane_up("us-west-2", 3 * kHour));
  EXPECT_TRUE(cloud_.context().data_plane_up("us-west-2", 4 * kHour));
}

TEST_F(CloudTest, CalibrationDefaultsCanBeOverriddenByName) {
  const CalibrationField* field = find_calibration_field("rds_restore");
  ASSERT_NE(field, nullptr);
  ASSERT_EQ(field->kind, CalibrationField::Kind::kDistribution);
  calibration_.*(field->distribution) = Distribution::constant(static_cast<double>(kHour));
  calibration_.rds_post_restore_backup_probability = 0;
  calibration_.rds_restore_per_tb = Distribution::constant(0);
  add_primary();
  restore_from_a_snapshot("r");
  EXPECT_EQ(cloud_.rds().instance("r")->status.when(DbStatus::kAvailable, now()), now() + kHour);
  // Every field names a member of the right kind, once.
  std::set<std::string_view> names;
  for (const CalibrationField& f : calibration_fields()) {
    EXPECT_TRUE(names.insert(f.name).second) << f.name;
    EXPECT_EQ(f.distribution != nullptr, f.kind == CalibrationField::Kind::kDistribution) << f.name;
    EXPECT_EQ(f.duration != nullptr, f.kind == CalibrationField::Kind::kDuration) << f.name;
    EXPECT_EQ(f.number != nullptr, f.kind == CalibrationField::Kind::kNumber) << f.name;
  }
  EXPECT_GT(names.size(), 40u);
  EXPECT_EQ(find_calibration_field("rds_restor"), nullptr);
}

TEST_F(CloudTest, AFlakyRestoreEndsIncompatibleAndTheWaiterFails) {
  calibration_.rds_restore_failure_probability = 1;
  add_primary();
  restore_from_a_snapshot("r");
  at(now() + 10 * kHour);
  const Outcome d =
      ok(req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "r"}}));
  EXPECT_EQ(d.result["DBInstances"].at(0)["DBInstanceStatus"].as_string(), "incompatible-restore");
  EXPECT_EQ(find_waiter("rds", "db-instance-available")->evaluate(d), WaiterState::kFailure);
}

TEST_F(CloudTest, FailuresDrawnInAWindowStartUniformlyInsideIt) {
  sim::Sample starts;
  for (std::uint64_t trial = 0; trial < 4000; ++trial) {
    cloud_.reset(3, trial);
    const InjectedFailure f = inject(cloud_,
                                     {.kind = FailureKind::kAzOutage,
                                      .offset = -kHour,
                                      .window = 2 * kHour,
                                      .region = "us-west-2",
                                      .az = "us-west-2a"},
                                     10 * kHour);
    starts.add(f.start);
  }
  EXPECT_GE(starts.min(), 9 * kHour);
  EXPECT_LT(starts.max(), 11 * kHour);
  EXPECT_NEAR(static_cast<double>(starts.quantile(0.5)), 10.0 * kHour, 0.05 * kHour);
  EXPECT_NEAR(static_cast<double>(starts.quantile(0.25)), 9.5 * kHour, 0.05 * kHour);
}

TEST_F(CloudTest, AutomatedBackupWindowsAreDrawnWithinTheEightHourBlock) {
  add_primary();
  sim::Sample offsets;
  for (std::uint64_t trial = 0; trial < 500; ++trial) {
    cloud_.reset(5, trial);
    add_primary();
    cloud_.rds().add_schedule(
        {.instance_id = "prod-db", .offset = 2 * kHour, .random_window = true});
    const auto snaps = cloud_.rds().snapshots("us-west-2", 2 * kDay);
    ASSERT_FALSE(snaps.empty());
    offsets.add(snaps.back().data_time % kDay);
  }
  EXPECT_GE(offsets.min(), 2 * kHour);
  EXPECT_LT(offsets.max(), 2 * kHour + 7 * kHour + 30 * kMinute + 1);
  EXPECT_GT(offsets.max() - offsets.min(), 6 * kHour) << "windows vary from trial to trial";
}

TEST_F(PeopleTest, StaffBoundHowManyManualStepsRunAtOnce) {
  sim::Resource& primary = cloud_.people().staff("primary");
  EXPECT_EQ(primary.capacity(), 1u);
  EXPECT_EQ(&cloud_.people().staff("primary"), &primary);
  EXPECT_EQ(cloud_.people().staff("nobody-listed").capacity(), 1u) << "at least one person";
}

TEST_F(PeopleTest, AfterClearTheStaffAreTheNewTeams) {
  cloud_.people().staff("primary");
  cloud_.people().staff("backup");
  cloud_.people().clear();
  EXPECT_TRUE(cloud_.people().team().escalation.empty());
  EXPECT_EQ(cloud_.people().headcount("primary"), 0);
  cloud_.people().set_team({.escalation = {{"dba", kHour}}, .headcount = {{"dba", 3}}});
  sim::Resource& dba = cloud_.people().staff("dba");
  EXPECT_EQ(dba.capacity(), 3u);
  sim::Resource& primary = cloud_.people().staff("primary");
  EXPECT_EQ(primary.capacity(), 1u) << "not in the new team: at least one person";
  EXPECT_NE(&primary, &dba);
  EXPECT_EQ(&cloud_.people().staff("dba"), &dba);
  EXPECT_EQ(cloud_.people().team().escalation.at(0).role, "dba");
}

TEST_F(CloudTest, EachChangeFiresAnEventOfItsOwnAndAResetArmsAPendingOne) {
  add_primary();
  const Request snapshot =
      req("rds", "create-db-snapshot", "us-west-2",
          {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "s1"}});
  sim::Event* first = cloud_.next_change();
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->triggered());
  ok(snapshot);
  EXPECT_TRUE(first->triggered());
  sim::Event* second = cloud_.next_change();
  EXPECT_NE(second, first);
  ok(req("rds", "describe-db-snapshots", "us-west-2"));
  EXPECT_FALSE(second->triggered()) << "a describe call changes nothing";
  // The next trial: its events may be the last trial's, but armed again.
  cloud_.reset(7, 1);
  cloud_.context().add_region("us-west-2");
  cloud_.context().add_region("us-east-1");
  add_primary();
  sim::Event* again = cloud_.next_change();
  EXPECT_FALSE(again->triggered());
  ok(snapshot);
  EXPECT_TRUE(again->triggered());
  EXPECT_FALSE(cloud_.next_change()->triggered());
}

TEST_F(CloudTest, RpoBecomesDataLostThroughTheStoresWriteRate) {
  cloud_.add_data_store({.name = "orders", .writes_per_second = 2.5, .unit = "orders"});
  EXPECT_DOUBLE_EQ(data_lost(*cloud_.data_store("orders"), 4 * kMinute), 600.0);
}

TEST_F(CloudTest, AnEbsVolumeRestoresFromItsSnapshotOnlyInTheSameAz) {
  cloud_.compute().add_instance(
      {.id = "i-a", .region = "us-west-2", .az = "us-west-2a", .image = "ami"});
  cloud_.compute().add_instance(
      {.id = "i-b", .region = "us-west-2", .az = "us-west-2b", .image = "ami"});
  cloud_.compute().add_volume(
      {.id = "vol-data", .region = "us-west-2", .az = "us-west-2a", .attached_to = "i-a"});
  at(kHour);
  const std::string snap =
      ok(req("ec2", "create-snapshot", "us-west-2", {{"volume-id", "vol-data"}}))
          .result["SnapshotId"]
          .as_string();
  expect_error(call(req("ec2", "create-volume", "us-west-2", {{"snapshot-id", snap}})),
               AwsErrorCode::kIncorrectState);
  at(now() + 10 * kHour);
  const std::string vol = ok(req("ec2", "create-volume", "us-west-2",
                                 {{"snapshot-id", snap}, {"availability-zone", "us-west-2a"}}))
                              .result["VolumeId"]
                              .as_string();
  at(now() + kHour);
  expect_error(
      call(req("ec2", "attach-volume", "us-west-2", {{"volume-id", vol}, {"instance-id", "i-b"}})),
      AwsErrorCode::kInvalidParameterValue);
  ok(req("ec2", "attach-volume", "us-west-2", {{"volume-id", vol}, {"instance-id", "i-a"}}));
  EXPECT_EQ(cloud_.compute().volume(vol)->data_as_of, kHour)
      << "the data of the snapshot's instant";
  expect_error(call(req("ec2", "create-volume", "us-west-2", {{"snapshot-id", "snap-missing"}})),
               AwsErrorCode::kInvalidSnapshotNotFound);
}

/// An instance behind a load balancer, failing at one hour: `host` picks the kind of fault.
class Ec2FailureTest : public CloudTest {
 protected:
  void SetUp() override {
    cloud_.compute().add_instance(
        {.id = "i-web", .region = "us-west-2", .az = "us-west-2a", .image = "ami-web"});
    cloud_.compute().add_image("us-west-2", "ami-old", -30 * kDay);
    cloud_.compute().add_image("us-west-2", "ami-web", -kDay);
    cloud_.compute().add_load_balancer(
        {.name = "web", .region = "us-west-2", .target_group = "tg-web", .instances = {"i-web"}});
  }
  void fail_at_one_hour(bool host) {
    inject(
        cloud_,
        {.kind = FailureKind::kInstanceFailure, .target = "i-web", .probability = host ? 1.0 : 0.0},
        kHour);
  }
  bool serving(sim::Time t) { return cloud_.compute().load_balancer_healthy("web", t); }
  Value status() {
    return ok(req("ec2", "describe-instance-status", "us-west-2", {{"instance-ids", "i-web"}}))
        .result["InstanceStatuses"]
        .at(0);
  }
  /// Stops the instance, retries the start every 30 s until EC2 accepts it; returns when.
  sim::Time stop_and_start() {
    ok(req("ec2", "stop-instances", "us-west-2", {{"instance-ids", "i-web"}}));
    expect_error(call(req("ec2", "start-instances", "us-west-2", {{"instance-ids", "i-web"}})),
                 AwsErrorCode::kIncorrectInstanceState);
    for (;;) {
      at(now() + 30 * kSecond);
      if (call(req("ec2", "start-instances", "us-west-2", {{"instance-ids", "i-web"}})).ok())
        return now();
    }
  }
};

TEST_F(Ec2FailureTest, AStopAndStartMovesAHostFaultBehind) {
  fail_at_one_hour(/*host=*/true);
  at(2 * kHour);
  EXPECT_TRUE(serving(kHour - kMinute));
  EXPECT_FALSE(serving(2 * kHour));
  EXPECT_EQ(status()["SystemStatus"]["Status"].as_string(), "impaired");
  const sim::Time started = stop_and_start();
  at(started + 10 * kMinute);
  EXPECT_EQ(status()["SystemStatus"]["Status"].as_string(), "ok");
  EXPECT_EQ(status()["InstanceState"]["Name"].as_string(), "running");
  EXPECT_TRUE(serving(now()));
  EXPECT_FALSE(serving(started)) << "it starts, then passes a check";
  EXPECT_TRUE(serving(kHour - kMinute)) << "its earlier run is still on the timeline";
}

TEST_F(Ec2FailureTest, AFaultOfTheInstanceItselfNeedsANewInstanceBehindTheBalancer) {
  fail_at_one_hour(/*host=*/false);
  at(2 * kHour);
  EXPECT_EQ(status()["SystemStatus"]["Status"].as_string(), "ok");
  EXPECT_EQ(status()["InstanceStatus"]["Status"].as_string(), "impaired");
  stop_and_start();
  at(now() + 10 * kMinute);
  EXPECT_EQ(status()["InstanceStatus"]["Status"].as_string(), "impaired");
  EXPECT_FALSE(serving(now()));

  const Value images = ok(req("ec2", "describe-images", "us-west-2")).result["Images"];
  ASSERT_EQ(images.size(), 2u);
  EXPECT_LT(images.at(0)["CreationDate"].as_time().at, images.at(1)["CreationDate"].as_time().at);
  const std::string fresh = ok(req("ec2", "run-instances", "us-west-2", {{"image-id", "ami-web"}}))
                                .result["Instances"]
                                .at(0)["InstanceId"]
                                .as_string();
  at(now() + 10 * kMinute);
  EXPECT_FALSE(serving(now())) << "a new instance serves nobody until it is registered";
  expect_error(call(req("elbv2", "register-targets", "us-west-2",
                        {{"target-group-arn", "tg-web"}, {"targets", "Id=i-missing"}})),
               AwsErrorCode::kInvalidInstanceIdNotFound);
  ok(req("elbv2", "register-targets", "us-west-2",
         {{"target-group-arn", "arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/tg-web/abc"},
          {"targets", "Id=" + fresh}}));
  EXPECT_FALSE(serving(now()));
  at(now() + calibration_.alb_health_interval);
  EXPECT_TRUE(serving(now()));
}

/// A deployment on an EKS cluster behind a load balancer.
class KubeTest : public CloudTest {
 protected:
  void SetUp() override {
    cloud_.compute().add_eks_cluster({.name = "eks", .region = "us-west-2"});
    cloud_.compute().add_deployment({.cluster = "eks", .name = "web"});
    cloud_.compute().add_load_balancer({.name = "web-alb",
                                        .region = "us-west-2",
                                        .target_group = "tg-web",
                                        .kube_deployments = {"eks/web"}});
    cloud_.compute().add_stack({.name = "eks", .region = "us-west-2", .eks_clusters = {"eks"}});
  }
  bool serving(sim::Time t) { return cloud_.compute().load_balancer_healthy("web-alb", t); }
  Outcome kubectl(const std::string& op, std::initializer_list<Param> params) {
    return call(req("kubectl", op, "us-west-2", params));
  }
  /// Runs `op` and returns when the rollout is ready.
  void rollout(const std::string& op) {
    ASSERT_TRUE(kubectl(op, {{"deployment", "web"}}).ok());
    at(now() + kubectl("rollout-status", {{"deployment", "web"}}).latency + kMinute);
  }
};

TEST_F(KubeTest, RolloutUndoGoesBackOneRevisionAndTwoUndosToggle) {
  inject(cloud_, {.kind = FailureKind::kBadDeployment, .target = "eks/web"}, kHour);
  at(2 * kHour);
  EXPECT_TRUE(serving(kHour - kMinute));
  EXPECT_FALSE(serving(now()));
  rollout("rollout-undo");
  EXPECT_TRUE(serving(now())) << "back on the revision before the bad one";
  rollout("rollout-undo");
  EXPECT_FALSE(serving(now())) << "a second undo brings the bad revision back";
  rollout("rollout-restart");
  EXPECT_FALSE(serving(now())) << "a restart keeps the current (bad) template";
}

TEST_F(KubeTest, ARecreatedClusterServesOnlyOnceTheDeploymentsAreAppliedAgain) {
  inject(cloud_, {.kind = FailureKind::kEksClusterFailure, .target = "eks"}, kHour);
  at(2 * kHour);
  EXPECT_FALSE(serving(now()));
  EXPECT_EQ(kubectl("apply", {}).error->code, AwsErrorCode::kCommandFailed)
      << "the API server is gone";
  const Outcome applied = ok(req("terraform", "apply", "us-west-2", {{"stack", "eks"}}));
  at(now() + applied.latency);
  EXPECT_EQ(ok(req("eks", "describe-cluster", "us-west-2", {{"name", "eks"}}))
                .result["cluster"]["status"]
                .as_string(),
            "ACTIVE")
      << "the apply returns once the new cluster is ACTIVE";
  at(now() + kMinute);
  EXPECT_FALSE(serving(now())) << "a new cluster has no pods";
  ASSERT_TRUE(kubectl("apply", {{"filename", "k8s/deployments/"}}).ok());
  at(now() + kubectl("rollout-status", {{"deployment", "web"}}).latency + kMinute);
  EXPECT_TRUE(serving(now()));
  EXPECT_FALSE(serving(kHour + kMinute)) << "history: down while the cluster was gone";
  EXPECT_TRUE(serving(kHour - kMinute));
}

}  // namespace
}  // namespace drsim::models
