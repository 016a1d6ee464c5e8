// The live drill's executor against an in-process backend: guard rails, variables bound from
// real answers, operator steps, the record as it is written. (The real AWS CLI against a local
// endpoint and against moto: tests/live/.)
#include "scenarios/drill_run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include "models/value_json.hpp"

namespace drsim::scenarios {
namespace {

using models::Outcome;
using models::Request;
using models::Value;

/// Answers as AWS would for the restore drill of tests/live/restore-drill.json.
class FakeBackend : public models::Backend {
 public:
  std::string account = "123456789012";
  int creating_polls = 1;
  std::vector<Request> calls;

  int max_in_flight = 0;
  std::chrono::milliseconds describe_takes{0};

  Outcome invoke(const Request& r) override {
    {
      std::lock_guard lock(mutex_);
      calls.push_back(r);
      max_in_flight = std::max(max_in_flight, ++in_flight_);
    }
    Outcome o = answer(r);
    if (r.operation == "describe-db-instances") std::this_thread::sleep_for(describe_takes);
    std::lock_guard lock(mutex_);
    --in_flight_;
    return o;
  }
  std::size_t count(std::string_view operation) const {
    return static_cast<std::size_t>(std::count_if(
        calls.begin(), calls.end(), [&](const Request& r) { return r.operation == operation; }));
  }

 private:
  std::mutex mutex_;
  int in_flight_ = 0;

  Outcome answer(const Request& r) {
    std::lock_guard lock(mutex_);
    const std::string op = r.service + " " + r.operation;
    if (op == "sts get-caller-identity")
      return Outcome::success(Value::object({{"Account", Value(account)}}));
    if (op == "rds describe-db-snapshots") {
      return Outcome::success(models::value_from_json(nlohmann::json::parse(R"({"DBSnapshots": [
          {"DBSnapshotIdentifier": "drill-db-2", "SnapshotCreateTime": "2026-11-20T03:00:00+00:00"},
          {"DBSnapshotIdentifier": "drill-db-3", "SnapshotCreateTime": "2026-11-21T03:00:00+00:00"},
          {"DBSnapshotIdentifier": "drill-db-1", "SnapshotCreateTime": "2026-11-19T03:00:00+00:00"}]})")));
    }
    if (op == "rds restore-db-instance-from-db-snapshot")
      return Outcome::success(Value::object({}));
    if (op == "rds describe-db-instances") {
      const bool ready = --creating_polls < 0;
      return Outcome::success(models::value_from_json(nlohmann::json{
          {"DBInstances",
           {{{"DBInstanceStatus", ready ? "available" : "creating"},
             {"Endpoint", {{"Address", "drill-db-restored.abc.rds.amazonaws.com"}}}}}}}));
    }
    return Outcome::failure(models::AwsErrorCode::kUnknownOperation, op);
  }
};

Scenario restore_drill(const std::vector<std::string>& overrides = {}) {
  return load_scenario(std::string(DRSIM_SOURCE_DIR) + "/tests/live/restore-drill.json", overrides);
}

DrillRunOptions options(std::vector<nlohmann::json>& records) {
  DrillRunOptions o;
  o.rails = restore_drill().live;
  o.poll_delay = std::chrono::milliseconds(0);
  o.confirmations = {{"assess", {}}, {"smoke", {}}};
  o.write_record = [&](const nlohmann::json& r) { records.push_back(r); };
  return o;
}

TEST(DrillRun, RunsThePlanBindingVariablesFromTheAnswersAndRecordsEveryStep) {
  const Scenario s = restore_drill();
  FakeBackend backend;
  backend.creating_polls = 2;
  std::vector<nlohmann::json> records;
  const DrillRunResult r = execute_drill(s, backend, options(records));
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(r.account, "123456789012");
  EXPECT_EQ(backend.calls.front().operation, "get-caller-identity");
  // The newest snapshot, as the step's --query picks it, is what the restore reads.
  const auto restore = std::find_if(
      backend.calls.begin(), backend.calls.end(),
      [](const Request& c) { return c.operation == "restore-db-instance-from-db-snapshot"; });
  ASSERT_NE(restore, backend.calls.end());
  EXPECT_EQ(restore->text("db-snapshot-identifier"), "drill-db-3");
  EXPECT_TRUE(restore->flag("multi-az"));
  // The waiter polled until available (3 polls), then the endpoint step described it once.
  EXPECT_EQ(backend.count("describe-db-instances"), 3u + 1u);
  // The record was written when each step started and when it ended.
  const nlohmann::json& last = records.back();
  ASSERT_EQ(last["steps"].size(), s.runbook.size());
  for (const auto& step : last["steps"]) EXPECT_EQ(step["outcome"], "ok") << step;
  EXPECT_GE(records.size(), 2 * s.runbook.size());
  EXPECT_EQ(last["observations"][0]["name"], "service-recovered");
  EXPECT_FALSE(last.contains("stopped"));
}

TEST(DrillRun, IndependentStepsRunAtTheSameTimeAsInTheSimulation) {
  // `endpoint` after `restore` instead of after `wait`: it and the waiter are free together.
  const Scenario s = restore_drill({"/runbook/4/after=[\"restore\"]"});
  FakeBackend backend;
  backend.creating_polls = 4;
  backend.describe_takes = std::chrono::milliseconds(40);
  std::vector<nlohmann::json> records;
  DrillRunOptions o = options(records);
  const DrillRunResult r = execute_drill(s, backend, o);
  EXPECT_TRUE(r.completed);
  EXPECT_EQ(backend.max_in_flight, 2);  // the endpoint's describe during the waiter's polls
  std::map<std::string, nlohmann::json> steps;
  for (const auto& step : records.back()["steps"]) steps[step["id"]] = step;
  EXPECT_LT(steps["endpoint"]["started"].get<std::string>(),
            steps["wait"]["ended"].get<std::string>());
  EXPECT_LT(steps["wait"]["started"].get<std::string>(),
            steps["endpoint"]["ended"].get<std::string>());
  // `smoke` still waits for `endpoint`.
  EXPECT_GE(steps["smoke"]["started"].get<std::string>(),
            steps["endpoint"]["ended"].get<std::string>());

  // The linear runbook never has two calls at once.
  FakeBackend linear;
  linear.creating_polls = 4;
  linear.describe_takes = std::chrono::milliseconds(10);
  execute_drill(restore_drill(), linear, o);
  EXPECT_EQ(linear.max_in_flight, 1);
}

TEST(DrillRun, TheAccountIsCheckedBeforeAnyOtherCall) {
  FakeBackend backend;
  backend.account = "999999999999";
  std::vector<nlohmann::json> records;
  EXPECT_THROW(execute_drill(restore_drill(), backend, options(records)), DrillRefused);
  ASSERT_EQ(backend.calls.size(), 1u);
  EXPECT_EQ(backend.calls[0].operation, "get-caller-identity");
  EXPECT_TRUE(records.empty());
}

TEST(DrillRun, ThePlanIsRefusedForARegionOrAnUnmarkedResourceBeforeAnyCall) {
  const Scenario s = restore_drill();
  EXPECT_TRUE(check_plan(s, s.live, false).empty());
  GuardRails rails = s.live;
  rails.regions = {"eu-west-1"};
  const std::vector<std::string> region = check_plan(s, rails, false);
  ASSERT_FALSE(region.empty());
  EXPECT_NE(region[0].find("step latest calls region us-east-1"), std::string::npos) << region[0];
  rails = s.live;
  rails.marked = {"drill-db"};  // the source, not the restored copy
  const std::vector<std::string> unmarked = check_plan(s, rails, false);
  ASSERT_EQ(unmarked.size(), 1u);
  EXPECT_NE(unmarked[0].find("step restore changes drill-db-restored"), std::string::npos);
  EXPECT_TRUE(check_plan(s, rails, /*allow_unmarked=*/true).empty());
  EXPECT_EQ(check_plan(s, GuardRails{}, false).size(), 3u);  // no accounts, regions, marks

  FakeBackend backend;
  std::vector<nlohmann::json> records;
  DrillRunOptions o = options(records);
  o.rails = rails;
  EXPECT_THROW(execute_drill(s, backend, o), DrillRefused);
  EXPECT_TRUE(backend.calls.empty());
}

TEST(DrillRun, AnOperatorStepNobodyConfirmsStopsTheDrillAndSaysWhere) {
  FakeBackend backend;
  std::vector<nlohmann::json> records;
  DrillRunOptions o = options(records);
  o.confirmations.erase("smoke");
  const DrillRunResult r = execute_drill(restore_drill(), backend, o);
  EXPECT_FALSE(r.completed);
  EXPECT_EQ(records.back()["stopped"]["step"], "smoke");
  EXPECT_NE(r.stopped.find("--confirm"), std::string::npos) << r.stopped;
  EXPECT_EQ(records.back()["steps"].size(), 5u);  // the unconfirmed step is not recorded as run

  // An operator who says it failed fails the step; the drill stops there.
  o.confirmations["assess"] = {"failed", "the region is not down after all"};
  const DrillRunResult f = execute_drill(restore_drill(), backend, o);
  EXPECT_EQ(f.failed_steps, 1u);
  EXPECT_EQ(records.back()["steps"][0]["detail"], "the region is not down after all");
  EXPECT_EQ(records.back()["stopped"]["step"], "assess");
}

TEST(DrillRun, AStopRequestStopsTheDrillBeforeTheNextStep) {
  FakeBackend backend;
  std::vector<nlohmann::json> records;
  DrillRunOptions o = options(records);
  std::atomic<bool> stop{false};
  o.stop = &stop;
  o.ask = nullptr;
  o.confirmations.erase("assess");
  o.ask = [&](const std::string&, const std::string&) -> std::optional<Confirmation> {
    stop = true;  // Ctrl-C while the operator works on the first step
    return Confirmation{};
  };
  const DrillRunResult r = execute_drill(restore_drill(), backend, o);
  EXPECT_FALSE(r.completed);
  EXPECT_EQ(records.back()["stopped"]["step"], "latest");
  EXPECT_EQ(records.back()["steps"].size(), 1u);
  EXPECT_EQ(backend.calls.size(), 1u);  // the account check only
}

TEST(DrillRun, SecretsAreMaskedInWhatIsShown) {
  const std::vector<std::string> argv = {
      "aws",     "secretsmanager",  "update-secret",     "--secret-id",
      "/app/db", "--secret-string", "postgres://u:pw@h", "--master-user-password",
      "hunter2"};
  const std::vector<std::string> shown = masked(argv);
  EXPECT_EQ(shown[4], "/app/db");
  EXPECT_EQ(shown[6], "****");
  EXPECT_EQ(shown[8], "****");
}

TEST(DrillRun, ChangedResourcesAreNamedByTheMostSpecificParameter) {
  Request r{.service = "rds", .operation = "restore-db-instance-to-point-in-time"};
  r.params = {{"source-db-instance-identifier", Value("prod")},
              {"target-db-instance-identifier", Value("drill-copy")}};
  EXPECT_EQ(changed_resources(r), std::vector<std::string>{"drill-copy"});
  Request e{.service = "ec2", .operation = "start-instances"};
  e.params = {{"instance-ids", Value(models::Array{Value("i-1"), Value("i-2")})}};
  EXPECT_EQ(changed_resources(e), (std::vector<std::string>{"i-1", "i-2"}));
}

}  // namespace
}  // namespace drsim::scenarios
