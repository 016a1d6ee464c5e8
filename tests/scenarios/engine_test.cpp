// The scenario loader's errors and the runbook engine's behaviour on small scenarios.
#include "scenarios/engine.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "scenarios/run.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

// A two-region world with a daily snapshot copied to us-east-1 and a DNS name; `runbook`
// and extra top-level fields are spliced in.
std::string scenario_text(const std::string& runbook, const std::string& extra = "",
                          const std::string& copy_to = "us-east-1") {
  return R"({
  "name": "test",
  "objectives": {"rto": "4h", "rpo": {"db": "24h"}},
  "topology": {
    "regions": ["us-west-2", "us-east-1"],
    "rds": [{"id": "db", "region": "us-west-2", "size_gb": 20, "encrypted": false,
             "snapshots": {"every": "1h", "at": "0s", "type": "manual", "prefix": "db-", "copy_to": ")" +
         copy_to + R"(", "copy_prefix": "db-dr-"}}],
    "data_stores": [{"name": "db", "writes_per_second": 1}],
    "dns": {"zones": [{"id": "Z1", "name": "example.com"}],
            "records": [{"zone": "Z1", "name": "app.example.com", "target": "db.c1x2y3z4.us-west-2.rds.amazonaws.com"}]}
  },
  "failures": [{"kind": "region-outage", "region": "us-west-2", "duration": "2d"}],
  "detection": {"delay": "5m", "page": false},
  "runbook": )" +
         runbook + extra + R"(,
  "service": {"dns": "app.example.com", "databases": ["db", "db-dr"]}
})";
}

const std::string kGoodRunbook = R"([
  {"id": "latest", "aws": "rds describe-db-snapshots --region us-east-1",
   "outputs": {"SNAP": "DBSnapshots[?Status == 'available'] | sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier"}},
  {"id": "restore", "after": ["latest"],
   "aws": "rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier $SNAP --region us-east-1"},
  {"id": "wait", "after": ["restore"], "retries": 8,
   "aws": "rds wait db-instance-available --db-instance-identifier db-dr --region us-east-1"},
  {"id": "dns", "after": ["wait"], "aws": "route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://dns.json"}
])";

const std::string kDnsFile =
    R"(, "files": {"dns.json": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
  "Name": "app.example.com", "Type": "CNAME", "ResourceRecords": [{"Value": "db-dr.c1x2y3z4.us-east-1.rds.amazonaws.com"}]}}]}})";

sim::InputError load_error(const std::string& text) {
  try {
    parse_scenario(text, "s.json");
  } catch (const sim::InputError& e) {
    return e;
  }
  ADD_FAILURE() << "loaded";
  return sim::InputError({}, "");
}

TEST(ScenarioLoader, AGoodScenarioLoads) {
  const Scenario s = parse_scenario(scenario_text(kGoodRunbook, kDnsFile), "s.json");
  EXPECT_EQ(s.runbook.size(), 4u);
  EXPECT_EQ(s.default_region, "us-west-2");
  EXPECT_TRUE(s.files.contains("dns.json"));
}

TEST(ScenarioLoader, EachMistakeGivesOneErrorWithItsLocation) {
  sim::InputError e =
      load_error(scenario_text(R"([{"id": "a", "manual": "5m", "owner": "x", "retires": 2}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/retires");
  EXPECT_EQ(e.suggestion(), "did you mean `retries`?");
  EXPECT_GT(e.where().line, 1);
  EXPECT_EQ(e.where().file, "s.json");

  e = load_error(scenario_text(
      R"([{"id": "a", "manual": "5m"}, {"id": "b", "after": ["aa"], "manual": "1m"}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/1/after/0");
  EXPECT_EQ(e.suggestion(), "did you mean `a`?");

  e = load_error(scenario_text(
      R"([{"id": "a", "after": ["b"], "manual": "5m"}, {"id": "b", "after": ["a"], "manual": "1m"}])"));
  EXPECT_NE(e.message().find("cycle: a -> b -> a"), std::string::npos) << e.what();

  e = load_error(
      scenario_text(R"([{"id": "a", "aws": "rds restore-db-instance-from-db-snapshots --x y"}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/aws");
  EXPECT_EQ(e.suggestion(), "did you mean `restore-db-instance-from-db-snapshot`?");

  e = load_error(scenario_text(R"([{"id": "a", "if": "steps.b ==", "manual": "1m"}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/if");

  e = load_error(scenario_text(
      R"([{"id": "a", "aws": "rds describe-db-instances", "outputs": {"X": "DBInstances[0"}}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/outputs/X");
  EXPECT_NE(e.message().find("invalid query"), std::string::npos);

  e = load_error(
      scenario_text(R"([{"id": "a", "manual": {"lognormal": {"p50": "20m", "p95": "10m"}}}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/manual/lognormal");

  e = load_error(scenario_text(
      R"([{"id": "a", "aws": "route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://dns2.json"}])",
      kDnsFile));
  EXPECT_EQ(e.suggestion(), "did you mean `dns.json`?");

  e = load_error(scenario_text(kGoodRunbook, kDnsFile).replace(0, 1, "["));
  EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos);

  e = load_error(
      scenario_text(R"([{"id": "a", "manual": "5m"}])")
          .replace(scenario_text(R"([{"id": "a", "manual": "5m"}])").find("region-outage"), 13,
                   "region-outtage"));
  EXPECT_EQ(e.suggestion(), "did you mean `region-outage`?");
}

TEST(ScenarioLoader, AMissingFileIsAnInputErrorNotACrash) {
  EXPECT_THROW(load_scenario("/nonexistent/scenario.json"), sim::InputError);
}

TrialOutcome trial(const std::string& text, std::uint64_t t = 0) {
  static std::vector<std::unique_ptr<Scenario>> keep;  // the engine refers to its scenario
  keep.push_back(std::make_unique<Scenario>(parse_scenario(text, "s.json")));
  Engine engine(*keep.back());
  return engine.run_trial(1, t);
}

TEST(Engine, AnAlarmFiresAfterItsBreachingPeriodsPlusItsLag) {
  // 5-minute periods, 2 of 3 breaching, no lag: the alarm fires at the end of the second
  // whole period after the onset, 10 to 15 minutes later depending on where the onset falls.
  std::string text = scenario_text(kGoodRunbook, kDnsFile);
  const std::string fixed = R"("detection": {"delay": "5m", "page": false})";
  text.replace(text.find(fixed), fixed.size(),
               R"("detection": {"alarm": {"metric": "DatabaseConnections", "period": "5m",
                  "evaluation_periods": 3, "datapoints_to_alarm": 2, "lag": "0s"}, "page": false},
                  "onset_window": "1d")");
  sim::Time shortest = sim::kNever, longest = 0;
  for (std::uint64_t t = 0; t < 200; ++t) {
    const TrialOutcome o = trial(text, t);
    EXPECT_EQ((o.onset + o.detection_ms) % (5 * sim::kMinute), 0) << "on a period boundary";
    shortest = std::min(shortest, o.detection_ms);
    longest = std::max(longest, o.detection_ms);
  }
  EXPECT_GE(shortest, 10 * sim::kMinute);
  EXPECT_LT(shortest, 11 * sim::kMinute);
  EXPECT_LE(longest, 15 * sim::kMinute);
  EXPECT_GT(longest, 14 * sim::kMinute);

  const std::string bad_period = std::string(text).replace(text.find(R"("5m",
                  "evaluation)"),
                                                           4, R"("45s")");
  EXPECT_EQ(load_error(bad_period).where().pointer, "/detection/alarm/period");
  const std::string bad_count = std::string(text).replace(text.find("\"datapoints_to_alarm\": 2"),
                                                          24, "\"datapoints_to_alarm\": 4");
  EXPECT_EQ(load_error(bad_count).where().pointer, "/detection/alarm/datapoints_to_alarm");
}

TEST(Engine, DigSeesTheOldAnswerUntilTheChangeHasPropagatedAndTheCacheExpired) {
  // Right after the change, a resolver still answers the old target (propagation, then its
  // cached answer); polling every 30 s it sees the new one within minutes.
  auto with_dig = [](const std::string& dig) {
    std::string runbook = kGoodRunbook;
    runbook.insert(runbook.rfind(']'), ",\n" + dig);
    return scenario_text(runbook, kDnsFile);
  };
  int stale = 0;
  for (std::uint64_t t = 0; t < 40; ++t) {
    const TrialOutcome once =
        trial(with_dig(R"({"id": "dig", "after": ["dns"], "dig": "dig +short app.example.com",
                    "expect": "db-dr", "on_failure": "continue"})"),
              t);
    stale += once.steps.back().ok ? 0 : 1;
    const TrialOutcome polled = trial(
        with_dig(R"({"id": "dig", "after": ["dns"], "dig": "app.example.com", "expect": "db-dr",
                    "retries": 10, "retry_delay": "30s"})"),
        t);
    EXPECT_EQ(polled.cause, "") << polled.detail;
  }
  EXPECT_GT(stale, 30) << "a dig at once mostly sees the old answer";
  const TrialOutcome nx =
      trial(with_dig(R"({"id": "dig", "after": ["dns"], "dig": "dig www.example.com"})"));
  EXPECT_EQ(nx.cause, "step dig: dig www.example.com: no answer");
  EXPECT_EQ(load_error(with_dig(R"({"id": "x", "manual": "1m", "expect": "a"})")).where().pointer,
            "/runbook/4/expect");
}

TEST(Engine, AWorkingRunbookRecoversWithTheSnapshotsAgeAsRpo) {
  const TrialOutcome o = trial(scenario_text(kGoodRunbook, kDnsFile));
  ASSERT_EQ(o.cause, "") << o.detail;
  EXPECT_LT(o.rto_ms, 4 * sim::kHour);
  EXPECT_GT(o.rto_ms, 5 * sim::kMinute);
  ASSERT_EQ(o.rpo_ms.size(), 1u);
  EXPECT_GE(o.rpo_ms[0], 0);
  EXPECT_LT(o.rpo_ms[0], 3 * sim::kHour) << "hourly snapshots, copies take minutes";
}

TEST(Engine, AStepReadingAVariableNoStepSetsFailsWithThatCause) {
  const std::string runbook = R"([
    {"id": "restore", "aws": "rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier $SNAPSHOT --region us-east-1"}])";
  const TrialOutcome o = trial(scenario_text(runbook));
  EXPECT_EQ(o.cause, "step restore: variable $SNAPSHOT is not set");
  EXPECT_EQ(o.rto_ms, sim::kInfinite);
}

TEST(Engine, ARestoreInARegionTheSnapshotWasNeverCopiedToFails) {
  // Copies go to us-west-2 itself (i.e. nowhere useful); the DR restore cannot find them.
  const TrialOutcome o = trial(scenario_text(kGoodRunbook, kDnsFile, "us-west-2"));
  EXPECT_EQ(o.cause, "step restore: DBSnapshotNotFound") << o.detail;
}

TEST(Engine, AWaitThatTimesOutIsACause) {
  std::string text = scenario_text(kGoodRunbook, kDnsFile);
  text.replace(text.find("\"retries\": 8"), 12, "\"retries\": 0");
  // A restore that takes hours: the 30-minute waiter gives up.
  text.replace(
      text.find("\"name\": \"test\","), 15,
      R"("name": "test", "calibration": {"rds_restore": "3h", "rds_post_restore_backup_probability": 0},)");
  const TrialOutcome o = trial(text);
  EXPECT_EQ(o.cause, "step wait: waiter db-instance-available gave up (max attempts)") << o.detail;
}

TEST(Engine, AStepsOwnTimeoutEndsEachAttemptAndIsTheCause) {
  // An hour's work under a 10-minute timeout, tried twice a minute apart: both attempts are
  // cut off, the step ends 21 minutes after it started, and the runbook stops there.
  const std::string runbook = R"([
    {"id": "slow", "manual": "1h", "timeout": "10m", "retries": 1, "retry_delay": "1m"},
    {"id": "after", "after": ["slow"], "manual": "1m"}])";
  const TrialOutcome o = trial(scenario_text(runbook));
  EXPECT_EQ(o.cause, "step slow: timed out after 10m");
  EXPECT_EQ(o.detail, "the step's own timeout");
  ASSERT_EQ(o.steps.size(), 2u);
  EXPECT_FALSE(o.steps[0].ok);
  EXPECT_EQ(o.steps[0].end - o.steps[0].start, 21 * sim::kMinute);
  EXPECT_EQ(o.steps[1].start, sim::kNever) << "an aborted runbook starts nothing after";
  // The same step with time to finish succeeds in its first attempt.
  std::string roomy = runbook;
  roomy.replace(roomy.find("\"10m\""), 5, "\"2h\"");
  const TrialOutcome ok = trial(scenario_text(roomy));
  EXPECT_TRUE(ok.steps[0].ok);
  EXPECT_EQ(ok.steps[0].end - ok.steps[0].start, sim::kHour);
}

TEST(Engine, AProbeSeesWhatAClientSeesAndPollsWithRetries) {
  // Before any recovery the region is down: a one-shot probe fails and stops the runbook.
  std::string early = kGoodRunbook;
  early.insert(1, R"({"id": "check", "probe": "https://app.example.com/health"},)");
  const TrialOutcome down = trial(scenario_text(early, kDnsFile));
  EXPECT_EQ(down.cause, "step check: probe https://app.example.com/health failed") << down.detail;
  EXPECT_EQ(down.rto_ms, sim::kInfinite);

  // After the DNS change, polling every 30 s succeeds once clients reach the restored database:
  // within a poll of the instant the RTO search finds.
  std::string late = kGoodRunbook;
  late.insert(late.rfind(']'),
              R"(, {"id": "check", "after": ["dns"], "retries": 60, "retry_delay": "30s",
                    "probe": "https://app.example.com/health"})");
  for (std::uint64_t t = 0; t < 5; ++t) {
    const TrialOutcome up = trial(scenario_text(late, kDnsFile), t);
    ASSERT_EQ(up.cause, "") << up.detail;
    const StepRecord& probe = up.steps.back();
    ASSERT_TRUE(probe.ok);
    EXPECT_GE(up.rto_ms, probe.end - up.onset - sim::kMinute - 2 * sim::kSecond);
    EXPECT_LE(up.rto_ms, probe.end - up.onset + 30 * sim::kSecond);
  }
}

TEST(Engine, AStepRunsOnlyWhenItsConditionHoldsAndSkippedStepsDoNotHoldUpOthers) {
  const std::string runbook = R"([
    {"id": "restore", "on_failure": "continue",
     "aws": "rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier $SNAPSHOT --region us-east-1"},
    {"id": "fallback", "after": ["restore"], "if": "steps.restore == 'failed'", "manual": "10m"},
    {"id": "celebrate", "after": ["restore"], "if": "steps.restore == 'ok'", "manual": "1h"},
    {"id": "unset", "after": ["restore"], "if": "SNAPSHOT", "manual": "1h"},
    {"id": "next", "after": ["fallback", "celebrate", "unset"], "manual": "1m"}])";
  const TrialOutcome o = trial(scenario_text(runbook));
  ASSERT_EQ(o.steps.size(), 5u);
  EXPECT_EQ(o.cause, "the service did not recover") << "`continue`: the runbook went on";
  EXPECT_FALSE(o.steps[0].ok) << "the restore fails: $SNAPSHOT is never set";
  EXPECT_FALSE(o.steps[1].skipped);
  EXPECT_EQ(o.steps[1].end - o.steps[1].start, 10 * sim::kMinute);
  EXPECT_TRUE(o.steps[2].skipped);
  EXPECT_EQ(o.steps[2].start, sim::kNever);
  EXPECT_TRUE(o.steps[3].skipped) << "an unset variable is null, which does not hold";
  EXPECT_EQ(o.steps[4].start, o.steps[1].end) << "skipped steps do not hold up their dependents";
  EXPECT_FALSE(o.steps[2].critical);
}

TEST(Engine, AStepStartsWhenTheLastStepItRunsAfterEndsAndStepsReadyTogetherQueueInRunbookOrder) {
  // One `x`: d and e become ready together when a ends and take x in runbook order; c starts
  // when b ends, after a, and queues for x behind e, which has waited for it since a ended.
  const std::string runbook = R"([
    {"id": "a", "manual": "10m", "owner": "x"},
    {"id": "b", "manual": "30m", "owner": "y"},
    {"id": "c", "after": ["a", "b"], "manual": "5m", "owner": "x"},
    {"id": "d", "after": ["a"], "manual": "20m", "owner": "x"},
    {"id": "e", "after": ["a"], "manual": "1m", "owner": "x"},
    {"id": "f", "after": ["b", "a"], "manual": "2m", "owner": "y"}])";
  std::string text = scenario_text(runbook);
  const std::string topology = R"("topology": {)";
  text.insert(text.find(topology) + topology.size(),
              R"("team": {"escalation": [{"role": "x"}], "headcount": {"x": 1, "y": 1}},)");
  const TrialOutcome o = trial(text);
  ASSERT_EQ(o.steps.size(), 6u);
  const sim::Time t0 = o.steps[0].start;
  auto at = [&](std::size_t i) { return std::pair{o.steps[i].start - t0, o.steps[i].end - t0}; };
  EXPECT_EQ(at(0), std::pair(sim::Time{0}, 10 * sim::kMinute));
  EXPECT_EQ(at(1), std::pair(sim::Time{0}, 30 * sim::kMinute));
  EXPECT_EQ(at(3), std::pair(10 * sim::kMinute, 30 * sim::kMinute)) << "d before e: runbook order";
  EXPECT_EQ(at(4), std::pair(30 * sim::kMinute, 31 * sim::kMinute));
  EXPECT_EQ(at(2), std::pair(31 * sim::kMinute, 36 * sim::kMinute))
      << "c waits for b, then for x behind e";
  EXPECT_EQ(at(5), std::pair(30 * sim::kMinute, 32 * sim::kMinute))
      << "f waits for the later of b and a, whichever it lists first";
}

TEST(Engine, AnEngineWhoseTrialThrewMidStepIsDestroyedCleanly) {
  // Retried without end, a failing call exhausts the trial's event budget while an attempt
  // waits for the call's answer, holding the step's kept request: the engine must end that
  // attempt before the members it refers to go (the sanitizers' build checks it).
  const std::string runbook = R"([{"id": "restore", "retries": 1000000000,
    "aws": "rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier nope --region us-east-1"}])";
  const Scenario s = parse_scenario(scenario_text(runbook), "s.json");
  // An attempt takes three events (the call's answer and two yields): one of three budgets in
  // a row ends while the call is answered.
  for (const std::uint64_t limit : {2'000, 2'001, 2'002}) {
    Engine engine(s);
    engine.set_event_limit(limit);
    EXPECT_THROW(engine.run_trial(1, 0), sim::EventLimitExceeded) << limit;
    EXPECT_THROW(engine.run_trial(1, 1), sim::EventLimitExceeded) << "again, from a clean start";
  }  // destroyed with the second trial's process suspended
}

TEST(Engine, AnOutputQueryReadsVariablesWhenTheStepRuns) {
  // Snapshots are hourly; "the newest before ${CUTOFF}" picks an older one as CUTOFF moves back.
  auto rpo_with_cutoff = [](const std::string& cutoff) {
    std::string runbook = kGoodRunbook;
    const std::string from = "DBSnapshots[?Status == 'available']";
    runbook.replace(runbook.find(from), from.size(),
                    "DBSnapshots[?Status == 'available' && SnapshotCreateTime <= `${CUTOFF}`]");
    const TrialOutcome o = trial(scenario_text(
        runbook, kDnsFile + R"(, "variables": {"CUTOFF": {"onset": ")" + cutoff + R"("}})"));
    EXPECT_EQ(o.cause, "") << o.detail;
    return o.rpo_ms.at(0);
  };
  EXPECT_LT(rpo_with_cutoff("0s"), 3 * sim::kHour);
  EXPECT_GE(rpo_with_cutoff("-6h"), 6 * sim::kHour);

  const std::string unset = R"([{"id": "a", "aws": "rds describe-db-snapshots --region us-east-1",
    "outputs": {"S": "DBSnapshots[?SnapshotCreateTime <= `${NOPE}`] | [0]"}}])";
  EXPECT_EQ(trial(scenario_text(unset)).cause, "step a: variable $NOPE is not set");
  sim::InputError e = load_error(scenario_text(R"([{"id": "a", "aws": "rds describe-db-snapshots",
    "outputs": {"S": "DBSnapshots[?SnapshotCreateTime <= `${T}`"}}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/outputs/S") << "a syntax error shows at load time";
}

TEST(Engine, AStepAsksOnlyForTheMembersItsOutputsReadAndGetsTheSameValues) {
  // Each output a path into one resource: the describe builds those members alone (fields).
  std::string runbook = kGoodRunbook;
  runbook.erase(runbook.rfind(",\n  {\"id\": \"dns\""));  // up to the wait
  runbook += R"(,
    {"id": "describe", "after": ["wait"], "aws": "rds describe-db-instances --db-instance-identifier db-dr --region us-east-1",
     "outputs": {"EP": "DBInstances[0].Endpoint.Address", "AZ": "DBInstances[0].AvailabilityZone",
                 "PORT": "DBInstances[0].Endpoint.Port"}},
    {"id": "whole", "after": ["wait"], "aws": "rds describe-db-instances --db-instance-identifier db-dr --region us-east-1",
     "outputs": {"EP2": "DBInstances[0].Endpoint.Address", "DB": "DBInstances[0]"}},
    {"id": "check", "after": ["describe", "whole"],
     "if": "EP == 'db-dr.c1x2y3z4.us-east-1.rds.amazonaws.com' && PORT == `5432` && AZ != null && EP2 == EP && DB.Engine == 'postgres'",
     "manual": "1m"}])";
  std::unique_ptr<Scenario> s =
      std::make_unique<Scenario>(parse_scenario(scenario_text(runbook), "s.json"));
  ASSERT_EQ(s->runbook.size(), 6u);
  ASSERT_TRUE(s->runbook[3].reads);
  EXPECT_EQ(*s->runbook[3].reads, (std::vector<std::string_view>{"AvailabilityZone", "Endpoint"}));
  EXPECT_FALSE(s->runbook[4].reads) << "DBInstances[0] is a whole resource";
  EXPECT_TRUE(s->runbook[4].fixed_request->fields.empty());
  // A copy of the scenario outlives the original: its requests' fields are still its own.
  const Scenario copy = *s;
  s.reset();
  ASSERT_EQ(copy.runbook[3].fixed_request->fields.size(), 2u);
  EXPECT_EQ(copy.runbook[3].fixed_request->fields[1], "Endpoint");
  Engine engine(copy);
  const TrialOutcome o = engine.run_trial(1, 0);
  ASSERT_EQ(o.steps.size(), 6u);
  EXPECT_TRUE(o.steps[3].ok && o.steps[4].ok) << o.cause << ": " << o.detail;
  EXPECT_FALSE(o.steps[5].skipped) << "the outputs hold what a full answer holds";
}

TEST(ScenarioLoader, AProbeMustNameTheServiceAndBeTheStepsOnlyKind) {
  sim::InputError e =
      load_error(scenario_text(R"([{"id": "a", "probe": "https://api.example.com/health"}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0/probe");
  EXPECT_EQ(e.suggestion(), "did you mean `https://app.example.com/`?");
  e = load_error(scenario_text(R"([{"id": "a", "probe": "app.example.com/health"}])"));
  EXPECT_NE(e.message().find("http:// or https://"), std::string::npos) << e.what();
  e = load_error(
      scenario_text(R"([{"id": "a", "probe": "https://app.example.com/", "manual": "1m"}])"));
  EXPECT_EQ(e.where().pointer, "/runbook/0");
  EXPECT_NE(e.message().find("exactly one of"), std::string::npos) << e.what();
}

TEST(Engine, TraceReplaysTheSameTrialAsTheRun) {
  const Scenario s = parse_scenario(scenario_text(kGoodRunbook, kDnsFile), "s.json");
  sim::RunOptions options;
  options.trials = 40;
  options.seed = 9;
  options.threads = 2;
  const ScenarioResults r = run_scenario(s, options);
  Engine engine(s);
  sim::Sample replayed;
  for (std::uint64_t t = 0; t < 40; ++t) {
    const TrialOutcome traced = engine.run_trial(9, t, /*trace=*/true);
    EXPECT_FALSE(traced.trace.empty());
    replayed.add(traced.rto_ms);
  }
  EXPECT_EQ(replayed.runs(), r.rto_ms.runs());
}

}  // namespace
}  // namespace drsim::scenarios

namespace drsim::scenarios {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("drsim-include-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path / "shared");
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
  fs::path path;
};

TEST(ScenarioLoader, IncludesShareATopologyAndTheIncludingFileWins) {
  TempDir dir;
  const std::string full = scenario_text(kGoodRunbook, kDnsFile);
  // Move the topology into a shared file; the scenario overrides one database field.
  const nlohmann::json j = nlohmann::json::parse(full);
  dir.write("shared/topology.json", nlohmann::json{{"topology", j["topology"]}}.dump());
  nlohmann::json top = j;
  top.erase("topology");
  top["include"] = {"shared/topology.json"};
  top["topology"] = {
      {"rds", {{{"id", "db"}, {"region", "us-west-2"}, {"size_gb", 40}, {"encrypted", false}}}}};
  dir.write("scenario.json", top.dump(2));
  const Scenario s = load_scenario((dir.path / "scenario.json").string());
  ASSERT_EQ(s.databases.size(), 1u);
  EXPECT_EQ(s.databases[0].size_gb, 40) << "the including file wins";
  EXPECT_EQ(s.regions.size(), 2u) << "the rest comes from the include";
  EXPECT_EQ(s.zones.size(), 1u);
}

TEST(ScenarioLoader, AMissingOrCircularIncludeIsAnErrorAtItsPointer) {
  TempDir dir;
  dir.write("a.json", R"({"include": ["b.json"], "name": "a"})");
  dir.write("b.json", R"({"include": ["a.json"]})");
  dir.write("c.json", "{\n  \"include\": [\"missing.json\"]\n}\n");
  try {
    load_scenario((dir.path / "c.json").string());
    FAIL() << "loaded";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.where().pointer, "/include/0");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(e.message().find("missing.json"), std::string::npos) << e.what();
  }
  try {
    load_scenario((dir.path / "a.json").string());
    FAIL() << "loaded";
  } catch (const sim::InputError& e) {
    EXPECT_NE(e.message().find("includes itself"), std::string::npos) << e.what();
  }
}

TEST(ScenarioLoader, AnErrorInAnIncludedValueNamesTheFileThatWroteIt) {
  TempDir dir;
  const nlohmann::json j = nlohmann::json::parse(scenario_text(kGoodRunbook, kDnsFile));
  nlohmann::json topology = j["topology"];
  topology["data_stores"][0]["writes_per_secnd"] = 1;  // a misspelt field, deep in the include
  dir.write("shared/topology.json", nlohmann::json{{"topology", topology}}.dump(2));
  nlohmann::json middle = {{"include", {"shared/topology.json"}}, {"detection", j["detection"]}};
  dir.write("middle.json", middle.dump(2));
  nlohmann::json top = j;
  top.erase("topology");
  top.erase("detection");
  top["include"] = {"middle.json"};
  dir.write("scenario.json", top.dump(2));

  auto error_of = [&] {
    try {
      load_scenario((dir.path / "scenario.json").string());
    } catch (const sim::InputError& e) {
      return e;
    }
    ADD_FAILURE() << "loaded";
    return sim::InputError({}, "");
  };
  sim::InputError e = error_of();
  EXPECT_EQ(e.where().file, (dir.path / "shared/topology.json").lexically_normal().string());
  EXPECT_EQ(e.where().pointer, "/topology/data_stores/0/writes_per_secnd");
  const std::string written = nlohmann::json{{"topology", topology}}.dump(2);
  const auto line =
      1 +
      std::count(written.begin(),
                 written.begin() + static_cast<std::ptrdiff_t>(written.find("writes_per_secnd")),
                 '\n');
  EXPECT_EQ(e.where().line, line) << e.what();
  EXPECT_EQ(e.suggestion(), "did you mean `writes_per_second`?");

  // The including file's own mistakes stay in it.
  topology["data_stores"][0].erase("writes_per_secnd");
  dir.write("shared/topology.json", nlohmann::json{{"topology", topology}}.dump(2));
  top["runbook"][0]["retires"] = 1;
  dir.write("scenario.json", top.dump(2));
  e = error_of();
  EXPECT_EQ(e.where().file, (dir.path / "scenario.json").string());
  EXPECT_EQ(e.where().pointer, "/runbook/0/retires");
  EXPECT_GT(e.where().line, 1);
}

TEST(ScenarioLoader, SetOverridesChangeOneValueAndRefuseUnknownPaths) {
  const std::string text = scenario_text(kGoodRunbook, kDnsFile);
  const Scenario s =
      parse_scenario(text, "s.json", {"topology.rds.0.size_gb=400", "/objectives/rto=\"2h\""});
  EXPECT_EQ(s.databases[0].size_gb, 400);
  EXPECT_EQ(s.objectives.rto, 2 * sim::kHour);
  auto error_of = [&](const std::string& o) {
    try {
      parse_scenario(text, "s.json", {o});
    } catch (const sim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error_of("topology.rds.0.size_bg=400")
                .find("unknown field `size_bg` in an RDS instance (did you mean `size_gb`?)"),
            std::string::npos)
      << error_of("topology.rds.0.size_bg=400");
  EXPECT_NE(error_of("topologgy.rds.0.size_gb=400")
                .find("no `topologgy` at / (did you mean `topology`?)"),
            std::string::npos)
      << error_of("topologgy.rds.0.size_gb=400");
  EXPECT_EQ(parse_scenario(text, "s.json", {"topology.rds.0.multi_az=true"}).databases[0].multi_az,
            true)
      << "a field the file leaves at its default can be set";
  EXPECT_NE(error_of("topology.rds.3.size_gb=400")
                .find("no element 3 at /topology/rds (the array has 1)"),
            std::string::npos);
  EXPECT_NE(error_of("size_gb").find("expected --set path=value"), std::string::npos);
  EXPECT_NE(error_of("topology.rds.0.size_gb=\"big\"").find("expected a number"), std::string::npos)
      << "overridden values are validated like the file's own";
}

}  // namespace
}  // namespace drsim::scenarios

namespace drsim::scenarios {
namespace {

TEST(Engine, AZeroOnsetWindowFixesTheOnsetAtItsStart) {
  const Scenario s = parse_scenario(
      scenario_text(kGoodRunbook, kDnsFile + R"(, "onset_start": "2d3h", "onset_window": "0")"),
      "s.json");
  Engine engine(s);
  for (std::uint64_t trial = 0; trial < 5; ++trial)
    EXPECT_EQ(engine.run_trial(1, trial).onset, 2 * sim::kDay + 3 * sim::kHour) << trial;
  // With a window, onsets spread over [start, start + window).
  const Scenario spread = parse_scenario(
      scenario_text(kGoodRunbook, kDnsFile + R"(, "onset_start": "1d", "onset_window": "1h")"),
      "s.json");
  Engine e2(spread);
  std::set<sim::Time> onsets;
  for (std::uint64_t trial = 0; trial < 20; ++trial) {
    const sim::Time t = e2.run_trial(1, trial).onset;
    EXPECT_GE(t, sim::kDay);
    EXPECT_LT(t, sim::kDay + sim::kHour);
    onsets.insert(t);
  }
  EXPECT_GT(onsets.size(), 15u);
}

}  // namespace
}  // namespace drsim::scenarios
