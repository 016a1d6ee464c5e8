// The CI gate: its paired statistics, its verdicts on scenarios that did and did not get
// worse, its trial budget, its determinism, and the baselines it refuses.
#include "validators/gate.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "reports/gate_report.hpp"
#include "sim/input_error.hpp"
#include "sim/paired.hpp"
#include "sim/statistics.hpp"

namespace drsim::validators {
namespace {

namespace fs = std::filesystem;

// ---- the gate on scenarios ----

// A database whose latest snapshot is copied to us-east-1 and restored there when the
// primary fails. The copy takes time in proportion to the size; `tail` adds a step.
std::string scenario(const std::string& size_gb, const std::string& extra_step = "",
                     const std::string& objectives = R"({"rto": "4h", "rpo": {"db": "24h"}})") {
  return R"({
  "name": "copy-and-restore",
  "objectives": )" +
         objectives + R"(,
  "topology": {
    "regions": ["us-west-2", "us-east-1"],
    "rds": [{"id": "db", "region": "us-west-2", "size_gb": )" +
         size_gb + R"(, "encrypted": false,
             "snapshots": {"every": "1d", "at": "3h", "type": "manual", "prefix": "db-"}}],
    "data_stores": [{"name": "db", "writes_per_second": 1}],
    "dns": {"zones": [{"id": "Z1", "name": "example.com"}],
            "records": [{"zone": "Z1", "name": "app.example.com", "target": "db.c1x2y3z4.us-west-2.rds.amazonaws.com"}]}
  },
  "failures": [{"kind": "db-instance-failure", "target": "db"}],
  "detection": {"delay": "5m", "page": false},
  "runbook": [
    {"id": "latest", "aws": "rds describe-db-snapshots --region us-west-2",
     "outputs": {"SNAP": "DBSnapshots[?Status == 'available'] | sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotArn"}},
    {"id": "copy", "after": ["latest"],
     "aws": "rds copy-db-snapshot --source-db-snapshot-identifier $SNAP --target-db-snapshot-identifier db-copy --source-region us-west-2 --region us-east-1"},
    {"id": "wait-copy", "after": ["copy"], "retries": 20,
     "aws": "rds wait db-snapshot-available --db-snapshot-identifier db-copy --region us-east-1"},
    {"id": "restore", "after": ["wait-copy"],
     "aws": "rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier db-copy --backup-retention-period 0 --region us-east-1"},
    {"id": "wait", "after": ["restore"], "retries": 8,
     "aws": "rds wait db-instance-available --db-instance-identifier db-dr --region us-east-1"},
    {"id": "dns", "after": ["wait"], "aws": "route53 change-resource-record-sets --hosted-zone-id Z1 --change-batch file://dns.json"})" +
         extra_step + R"(
  ],
  "files": {"dns.json": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
    "Name": "app.example.com", "Type": "CNAME", "ResourceRecords": [{"Value": "db-dr.c1x2y3z4.us-east-1.rds.amazonaws.com"}]}}]}},
  "service": {"dns": "app.example.com", "databases": ["db-dr"]}
})";
}

const char* kRegressionPolicy = R"({
  "trials": {"initial": 1000, "max": 4000},
  "checks": [
    {"metric": "rto", "stat": "p95", "regression": {"relative": 0.05, "absolute": "10m"}},
    {"metric": "rto", "stat": "p_meet", "regression": {"absolute": 0.01}},
    {"metric": "rpo", "stat": "p95", "regression": {"relative": 0.05, "absolute": "10m"}}
  ]
})";

class GateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("drsim-gate-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  ScenarioInput input(const std::string& name, const std::string& text) {
    return read_scenario_input(write(name, text));
  }
  GateResult gate(const ScenarioInput& base, const ScenarioInput& cand, const char* policy,
                  unsigned threads = 2) {
    const Baseline b = make_baseline({base}, 7, 200, threads);
    const std::string path = write("baseline.json", baseline_json(b).dump());
    const Baseline loaded = load_baseline(path);
    return run_gate({cand}, parse_policy(policy, "policy.json"), &loaded, 7, threads);
  }
  static const CheckResult& check(const GateResult& g, std::string_view label_start) {
    for (const CheckResult& c : g.scenarios.at(0).checks) {
      if (c.label.starts_with(label_start)) return c;
    }
    throw std::runtime_error("no check " + std::string(label_start));
  }

  fs::path dir_;
};

TEST_F(GateTest, IdenticalScenariosPass) {
  const ScenarioInput s = input("a.json", scenario("100"));
  const GateResult g = gate(s, s, kRegressionPolicy);
  EXPECT_TRUE(g.passed());
  ASSERT_EQ(g.scenarios.size(), 1u);
  EXPECT_EQ(g.scenarios[0].baseline, "same scenario");
  EXPECT_EQ(g.scenarios[0].trials, 1000u);  // decided at once: no more trials
  ASSERT_EQ(g.scenarios[0].checks.size(), 3u);
  for (const CheckResult& c : g.scenarios[0].checks) {
    EXPECT_EQ(c.verdict, Verdict::kPass) << c.label;
    EXPECT_EQ(c.value, 0) << c.label;
    EXPECT_EQ(c.low, 0) << c.label;
    EXPECT_EQ(c.high, 0) << c.label;
  }
}

TEST_F(GateTest, ALargerDatabaseFailsOnRto) {
  // 100 GB -> 2 TB: the cross-region copy takes hours longer.
  const GateResult g =
      gate(input("a.json", scenario("100")), input("b.json", scenario("2000")), kRegressionPolicy);
  EXPECT_FALSE(g.passed());
  EXPECT_EQ(g.scenarios[0].baseline, "changed");
  const CheckResult& p95 = check(g, "p95 RTO");
  EXPECT_EQ(p95.verdict, Verdict::kFail);
  EXPECT_GT(p95.low, p95.limit);
  EXPECT_GT(p95.candidate, p95.baseline + 3600e3);
  EXPECT_EQ(check(g, "P(RTO").verdict, Verdict::kFail);
  // So slow that the copy's waiter gives up in more than 5% of trials: the data is not
  // restored at all there, and the RPO regresses too.
  const CheckResult& rpo = check(g, "p95 RPO");
  EXPECT_LT(rpo.baseline, 86400e3);
  EXPECT_TRUE(std::isinf(rpo.candidate));
  EXPECT_EQ(rpo.verdict, Verdict::kFail);
}

TEST_F(GateTest, AMinuteAddedToATenHourTailIsNotARegressionAtFivePercent) {
  // A long review before the copy (lognormal, p95 ten hours) makes a ten-hour tail; the
  // candidate adds a one-minute check before the DNS change.
  const std::string review =
      R"(,
    {"id": "review", "manual": {"lognormal": {"p50": "6h", "p95": "10h"}}})";
  auto variant = [&](bool extra_minute) {
    std::string text = scenario("100",
                                review + (extra_minute ? R"(,
    {"id": "check", "after": ["wait"], "manual": "1m"})"
                                                       : ""),
                                R"({"rto": "14h"})");
    auto replace = [&](const std::string& from, const std::string& to) {
      ASSERT_NE(text.find(from), std::string::npos) << from;
      text.replace(text.find(from), from.size(), to);
    };
    replace(R"("after": ["latest"],)", R"("after": ["latest", "review"],)");
    if (extra_minute)
      replace(R"("id": "dns", "after": ["wait"])", R"("id": "dns", "after": ["check"])");
    return text;
  };
  const ScenarioInput base = input("a.json", variant(false));
  const ScenarioInput cand = input("b.json", variant(true));
  const GateResult g = gate(base, cand, kRegressionPolicy);
  const CheckResult& p95 = check(g, "p95 RTO");
  EXPECT_GT(p95.baseline, 9 * 3600e3);  // a ten-hour tail indeed
  EXPECT_EQ(p95.verdict, Verdict::kPass);
  EXPECT_GT(p95.value, 0);  // it is slower, by about the minute, and that is within tolerance
  EXPECT_LE(p95.value, 120e3);
  EXPECT_TRUE(g.passed());
}

TEST_F(GateTest, AnUndecidedCheckRunsMoreTrialsAndIsInconclusiveAtTheBudget) {
  const ScenarioInput s = input("a.json", scenario("100"));
  // Find the p95 RTO at 1,000 trials, then ask for exactly that: the interval straddles it.
  const GateResult probe = run_gate(
      {s},
      parse_policy(
          R"({"trials": {"initial": 1000, "max": 1000}, "checks": [{"metric": "rto", "stat": "p95", "max": "100d"}]})",
          "p.json"),
      nullptr, 7, 2);
  const auto p95 = static_cast<std::int64_t>(probe.scenarios[0].checks[0].value);
  for (const std::string mode : {"fail", "pass"}) {
    const std::string text = R"({"trials": {"initial": 1000, "max": 4000}, "inconclusive": ")" +
                             mode + R"(", "checks": [{"metric": "rto", "stat": "p95", "max": ")" +
                             std::to_string(p95) + R"(ms"}]})";
    const GateResult g = run_gate({s}, parse_policy(text, "p.json"), nullptr, 7, 2);
    EXPECT_EQ(g.scenarios[0].checks[0].verdict, Verdict::kInconclusive);
    EXPECT_EQ(g.scenarios[0].trials, 4000u);  // 1,000 then 2,000 then 4,000
    EXPECT_EQ(g.looks, 3u);
    EXPECT_EQ(g.passed(), mode == "pass");
  }
}

TEST_F(GateTest, AbsoluteChecksPassAndFailOnTheirIntervals) {
  const ScenarioInput s = input("a.json", scenario("100"));
  const GateResult g =
      run_gate({s},
               parse_policy(R"({"trials": {"initial": 1000, "max": 1000}, "checks": [
      {"metric": "rto", "stat": "p95", "max": "2d"},
      {"metric": "rto", "stat": "p50", "max": "10m"},
      {"metric": "rto", "stat": "p_meet", "min": 0.5},
      {"metric": "rto", "stat": "p_meet", "target": "5m", "min": 0.5},
      {"metric": "rpo", "stat": "p99", "max": "1d"}]})",
                            "p.json"),
               nullptr, 7, 2);
  const auto& c = g.scenarios[0].checks;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].verdict, Verdict::kPass);
  EXPECT_LE(c[0].high, 2 * 86400e3);
  EXPECT_EQ(c[1].verdict, Verdict::kFail);  // nothing recovers in ten minutes
  EXPECT_GT(c[1].low, 600e3);
  EXPECT_EQ(c[2].verdict, Verdict::kPass);
  EXPECT_EQ(c[3].verdict, Verdict::kFail);
  EXPECT_EQ(c[3].label, "P(RTO ≤ 5m) ≥ 50%");
  EXPECT_EQ(c[4].verdict, Verdict::kPass);  // a daily snapshot: at most a day old
  EXPECT_FALSE(g.passed());
  // Regression checks without a baseline are skipped, and say why.
  const GateResult none = run_gate({s}, parse_policy(kRegressionPolicy, "p.json"), nullptr, 7, 2);
  EXPECT_EQ(none.count(Verdict::kSkipped), 3u);
  EXPECT_TRUE(none.passed());
  EXPECT_EQ(none.scenarios[0].checks[0].note, "no baseline for this scenario");
}

TEST_F(GateTest, VerdictsAreDeterministicForASeedAndAnyThreadCount) {
  const ScenarioInput a = input("a.json", scenario("100"));
  const ScenarioInput b = input("b.json", scenario("300"));
  const std::string one = reports::gate_json(gate(a, b, kRegressionPolicy, 1)).dump();
  const std::string two = reports::gate_json(gate(a, b, kRegressionPolicy, 2)).dump();
  const std::string again = reports::gate_json(gate(a, b, kRegressionPolicy, 2)).dump();
  EXPECT_EQ(one, two);
  EXPECT_EQ(two, again);
}

TEST_F(GateTest, ABaselineFromAnotherVersionOrOtherModelsIsRefused) {
  const ScenarioInput s = input("a.json", scenario("100"));
  nlohmann::json b = baseline_json(make_baseline({s}, 7, 200, 2));
  nlohmann::json old = b;
  old["drsim_version"] = "0.0.1";
  try {
    load_baseline(write("old.json", old.dump(1)));
    FAIL() << "accepted";
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("written by drsim 0.0.1"), std::string::npos) << e.what();
    EXPECT_NE(e.suggestion().find("drsim baseline"), std::string::npos);
    EXPECT_EQ(e.where().pointer, "/drsim_version");
    EXPECT_GT(e.where().line, 0);
  }
  // Same version, but its scenario no longer gives the recorded results.
  b["scenarios"][0]["digest"]["value"] = "fnv1a64:0000000000000000";
  const Baseline tampered = load_baseline(write("t.json", b.dump()));
  EXPECT_THROW(run_gate({s}, parse_policy(kRegressionPolicy, "p.json"), &tampered, 7, 2),
               sim::InputError);
}

TEST(GatePolicy, MistakesAreExplainedWithTheirLocation) {
  auto error = [](const std::string& text) {
    try {
      parse_policy(text, "policy.json");
    } catch (const sim::InputError& e) {
      return e;
    }
    ADD_FAILURE() << "accepted: " << text;
    return sim::InputError({}, "");
  };
  sim::InputError e =
      error("{\n  \"checks\": [\n    {\"metric\": \"rto\", \"stat\": \"p95\", \"maxx\": \"4h\"}]}");
  EXPECT_EQ(e.where().pointer, "/checks/0/maxx");
  EXPECT_EQ(e.where().line, 3);
  EXPECT_EQ(e.suggestion(), "did you mean `max`?");
  EXPECT_EQ(
      error(R"({"checks": [{"metric": "rto", "stat": "p_meet", "max": "4h"}]})").where().pointer,
      "/checks/0/max");
  EXPECT_EQ(error(R"({"checks": [{"metric": "rtp", "stat": "p95", "max": "4h"}]})").suggestion(),
            "did you mean `rto`?");
  EXPECT_EQ(error(R"({"checks": [{"metric": "rto", "stat": "95", "max": "4h"}]})").where().pointer,
            "/checks/0/stat");
  EXPECT_EQ(error(R"({"checks": []})").where().pointer, "/checks");
}

}  // namespace
}  // namespace drsim::validators
