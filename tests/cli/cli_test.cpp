// End-to-end tests of the drsim command: the real binary, run with an argv.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path scratch_of(const ::testing::TestInfo& test) {
  return fs::temp_directory_path() /
         ("drsim-cli-test-" + std::to_string(::getpid()) + "-" + test.name());
}

fs::path scratch() {
  fs::path dir = scratch_of(*::testing::UnitTest::GetInstance()->current_test_info());
  fs::create_directories(dir);
  return dir;
}

/// A test's scratch directory is removed when it passes and kept, for a look, when it fails.
class RemoveScratchOfPassedTests : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (test.result()->Passed()) {
      std::error_code ignored;
      fs::remove_all(scratch_of(test), ignored);
    }
  }
};

const bool kScratchCleanup = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new RemoveScratchOfPassedTests);
  return true;
}();

/// Runs drsim with `args`; when `interrupt_after_ms` > 0, sends it SIGINT after that long.
Result drsim(std::vector<std::string> args, int interrupt_after_ms = 0) {
  const fs::path dir = scratch();
  const fs::path out = dir / "stdout", err = dir / "stderr";
  args.insert(args.begin(), DRSIM_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  Result r;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    if (interrupt_after_ms > 0) {
      ::usleep(static_cast<useconds_t>(interrupt_after_ms) * 1000);
      ::kill(pid, SIGINT);
    }
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

TEST(Cli, HelpListsCommandsAndExitCodes) {
  const Result r = drsim({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("demo"), std::string::npos) << r.out;
  for (const char* code :
       {"0  success", "1  a gate or check failed", "2  bad input or usage", "3  internal error"}) {
    EXPECT_NE(r.out.find(code), std::string::npos) << code;
  }
}

TEST(Cli, VersionPrintsTheVersion) {
  const Result r = drsim({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("drsim 0.", 0), 0u) << r.out;
}

TEST(Cli, UsageMistakesExitWithTwo) {
  EXPECT_EQ(drsim({}).exit_code, 2) << "a command is required";
  EXPECT_EQ(drsim({"frobnicate"}).exit_code, 2);
  const Result bad_number = drsim({"demo", "--trials", "lots"});
  EXPECT_EQ(bad_number.exit_code, 2);
  EXPECT_NE(bad_number.err.find("--trials"), std::string::npos) << bad_number.err;
  EXPECT_EQ(drsim({"demo", "--trials", "0"}).exit_code, 2);
}

TEST(Cli, DemoPrintsRtoAndRpoWithObjectives) {
  const Result r = drsim({"demo", "--trials", "2000", "--seed", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2000 trials, seed 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RTO"), std::string::npos);
  EXPECT_NE(r.out.find("RPO"), std::string::npos);
  EXPECT_NE(r.out.find("≤ 4h"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no colour when stdout is not a terminal";
}

TEST(Cli, JsonIsByteIdenticalForOneTwoAndEightThreads) {
  const fs::path dir = scratch();
  std::string first;
  for (const char* threads : {"1", "2", "8"}) {
    const fs::path file = dir / (std::string("t") + threads + ".json");
    const Result r = drsim(
        {"demo", "-n", "3000", "--seed", "99", "--threads", threads, "--json", file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string json = slurp(file);
    ASSERT_NE(json.find("\"p95_ci_s\""), std::string::npos);
    if (first.empty()) {
      first = json;
    } else {
      EXPECT_EQ(json, first) << "threads=" << threads;
    }
  }
  fs::remove_all(dir);
}

TEST(Cli, CtrlCStopsEarlyAndReportsWhatFinishedAsPartial) {
  const fs::path dir = scratch();
  const fs::path file = dir / "partial.json";
  // Three million trials take several seconds; the interrupt lands long before the end.
  const Result r = drsim({"demo", "-n", "3000000", "--json", file.string()}, 400);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("PARTIAL: stopped after"), std::string::npos) << r.out;
  const std::string json = slurp(file);
  EXPECT_NE(json.find("\"partial\": true"), std::string::npos) << json.substr(0, 300);
  fs::remove_all(dir);
}

TEST(Cli, RunReplaysTheMangusFailoverAndReportsItsDefects) {
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/mangu-regional-failover.json";
  const Result r = drsim({"run", scenario, "-n", "300", "--seed", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("300 trials, seed 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RPO mangu-db"), std::string::npos);
  // The seed runbook's newest-snapshot query does not filter on Status: in some trials it
  // picks a copy still in flight when the region failed.
  EXPECT_NE(r.out.find("step restore: InvalidDBSnapshotState"), std::string::npos) << r.out;
  const Result t = drsim({"trace", scenario, "--trial", "3", "--seed", "4"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("failure: region-outage us-west-2"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("step assess started by devops-lead"), std::string::npos) << t.out;
}

TEST(Cli, RunJsonIsByteIdenticalForOneTwoAndEightThreadsAndCarriesTheContract) {
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-database-failure.json";
  const fs::path dir = scratch();
  std::string first;
  for (const char* threads : {"1", "2", "8"}) {
    const fs::path file = dir / (std::string("run") + threads + ".json");
    const Result r = drsim({"run", scenario, "-n", "1500", "--seed", "5", "--threads", threads,
                            "--json", file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string json = slurp(file);
    for (const char* field : {"\"schema_version\"", "\"p95_ci_s\"", "\"p_meet_ci\"", "\"target_s\"",
                              "\"steps\"", "\"critical_share\"", "\"failures\"", "\"data_lost\""}) {
      EXPECT_NE(json.find(field), std::string::npos) << field;
    }
    if (first.empty()) {
      first = json;
    } else {
      EXPECT_EQ(json, first) << "threads=" << threads;
    }
  }
  fs::remove_all(dir);
}

TEST(Cli, ABadScenarioFileIsExplainedWithItsLocationAndExitsTwo) {
  const fs::path dir = scratch();
  const fs::path file = dir / "bad.json";
  std::ofstream(file) << "{\n  \"name\": \"x\",\n  \"topologgy\": {}\n}\n";
  const Result r = drsim({"run", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file.string() + ":3:16: at /topologgy: unknown field `topologgy` in a "
                                       "scenario (did you mean `topology`?)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(drsim({"run", (dir / "missing.json").string()}).exit_code, 2);
  fs::remove_all(dir);
}

TEST(Cli, AnUnwritableOutputIsBadInputAndLeavesNoFile) {
  const fs::path dir = scratch();
  const fs::path target = dir / "no-such-dir" / "out.json";
  const Result r = drsim({"demo", "-n", "10", "--json", target.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
  fs::remove_all(dir);
}

TEST(Cli, RunWritesMarkdownAndJunitBesideTheSummaryAndRefusesBadPathsFirst) {
  const fs::path dir = scratch();
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-region-failure.json";
  const fs::path md = dir / "summary.md", junit = dir / "junit.xml";
  Result r =
      drsim({"run", scenario, "-n", "200", "-q", "--md", md.string(), "--junit", junit.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = slurp(md), xml = slurp(junit);
  EXPECT_TRUE(text.starts_with("### drsim: `muejam-region-failure`")) << text;
  EXPECT_NE(text.find("| RTO | never |"), std::string::npos) << text;
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")) << xml;
  EXPECT_NE(xml.find("<failure message="), std::string::npos) << "its RTO is never met";
  // A path that cannot be written is refused before anything runs.
  r = drsim({"run", scenario, "-n", "200", "-q", "--junit", (dir / "no" / "j.xml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << "nothing ran";
  fs::remove_all(dir);
}

TEST(Cli, GateExitsZeroOnNoChangeOneOnARegressionAndTwoOnABadBaseline) {
  const fs::path dir = scratch();
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-database-failure.json";
  const std::string policy =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/policies/library-gate.json";
  const fs::path baseline = dir / "baseline.json", md = dir / "gate.md", junit = dir / "gate.xml";
  Result r = drsim({"baseline", scenario, "--out", baseline.string(), "-n", "500"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json b = nlohmann::json::parse(slurp(baseline));
  EXPECT_EQ(b["drsim_version"], DRSIM_VERSION);
  EXPECT_EQ(b["scenarios"][0]["name"], "muejam-database-failure");
  EXPECT_TRUE(b["scenarios"][0]["hash"].get<std::string>().starts_with("fnv1a64:"));

  r = drsim({"gate", scenario, "--policy", policy, "--baseline", baseline.string(), "--md",
             md.string(), "--junit", junit.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Gate: PASS"), std::string::npos) << r.out;
  EXPECT_NE(slurp(md).find("## drsim gate: PASS"), std::string::npos);
  EXPECT_NE(slurp(junit).find("failures=\"0\""), std::string::npos);

  // Verifying the failure takes an hour instead of minutes: the gate fails on the RTO.
  r = drsim({"gate", scenario, "--policy", policy, "--baseline", baseline.string(), "--set",
             "runbook/1/manual=1h", "--junit", junit.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL        p95 RTO grows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("baseline: changed"), std::string::npos) << r.out;
  EXPECT_NE(slurp(junit).find("<failure message=\"FAIL"), std::string::npos);

  // A baseline from another drsim is refused, with what to do about it.
  nlohmann::json old = b;
  old["drsim_version"] = "0.0.1";
  std::ofstream(dir / "old.json") << old.dump(1);
  r = drsim({"gate", scenario, "--policy", policy, "--baseline", (dir / "old.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("written by drsim 0.0.1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("old.json:"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(Cli, LintExitsOneOnAnErrorZeroOnTheLibraryAndWritesSarif) {
  const fs::path dir = scratch();
  const std::string lint_dir = std::string(DRSIM_SOURCE_DIR) + "/tests/lint/";
  const fs::path sarif = dir / "lint.sarif";
  Result r = drsim({"lint", lint_dir + "step-cycle.json", lint_dir + "manual-without-owner.json",
                    "--sarif", sarif.string(), "-n", "50"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("step-cycle.json:19:16: error: steps wait for each other in a cycle"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 error, 1 warning"), std::string::npos) << r.out;
  const nlohmann::json s = nlohmann::json::parse(slurp(sarif));
  EXPECT_EQ(s["runs"][0]["results"].size(), 2u);
  // Warnings alone pass; so does the library, whose errors are acknowledged defects.
  r = drsim({"lint", lint_dir + "manual-without-owner.json", "-n", "0"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = drsim({"lint",
             std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-region-failure.json", "-n",
             "0"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("acknowledged: "), std::string::npos) << r.out;
  r = drsim({"lint", (dir / "missing.json").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no such scenario file"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(Cli, DrillPreflightAndCheckExitOnTheirVerdictsAndWriteTheReport) {
  const fs::path dir = scratch();
  const std::string root = DRSIM_SOURCE_DIR;
  const std::string scenario = root + "/scenarios/library/mangu-regional-failover.json";
  const std::string checklist = root + "/scenarios/checklists/mangu-quarterly-drill.json";
  // MANGU's items pass two times in three: at risk at 90%, fine at 50%.
  Result r = drsim(
      {"drill", "preflight", scenario, "--checklist", checklist, "--quarter", "Q2", "-n", "300"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::size_t copy = r.out.find("Cross-region copy successful");
  ASSERT_NE(copy, std::string::npos) << r.out;
  EXPECT_EQ(r.out.rfind("AT RISK", copy), r.out.rfind('\n', copy) + 3) << "on the item's line";
  EXPECT_NE(r.out.find("Data integrity checks pass  (observed in the drill only)"),
            std::string::npos)
      << r.out;
  r = drsim({"drill", "preflight", scenario, "--checklist", checklist, "--quarter", "Q2", "-n",
             "300", "--threshold", "0.5"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = drsim({"drill", "preflight", scenario, "--checklist", checklist, "--quarter", "Q5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("`Q5` is not in the checklist's schedule"), std::string::npos) << r.err;

  const fs::path md = dir / "drill.md", html = dir / "drill.html";
  r = drsim({"drill", "check", root + "/tests/drill/mangu-q2-passed.json", "--checklist", checklist,
             "--scenario", scenario, "-n", "300", "--md", md.string(), "--html", html.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(slurp(md).find("# DR drill report: MANGU quarterly DR drill"), std::string::npos);
  EXPECT_NE(slurp(html).find("<h2>Timeline</h2>"), std::string::npos);
  r = drsim(
      {"drill", "check", root + "/tests/drill/mangu-q2-dns-slow.json", "--checklist", checklist});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("Drill: FAIL — 6 passed, 1 failed"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(Cli, WhatifWritesTheSameJsonForAnyThreadCountAndExplainsABadGrid) {
  const fs::path dir = scratch();
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-database-failure.json";
  const fs::path one = dir / "one.json", two = dir / "two.json", md = dir / "w.md",
                 html = dir / "w.html";
  Result r = drsim({"whatif", scenario, "--set", "runbook/1/manual=5m,30m,2h", "-n", "300", "-j",
                    "1", "--json", one.string(), "--md", md.string(), "--html", html.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = drsim({"whatif", scenario, "--set", "runbook/1/manual=5m,30m,2h", "-n", "300", "-j", "2",
             "--json", two.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(one), slurp(two));
  const nlohmann::json j = nlohmann::json::parse(slurp(one));
  ASSERT_EQ(j["points"].size(), 3u);
  EXPECT_EQ(j["points"][2]["values"][0], "2h");
  // Two hours of verification before the failover cost about the difference at the median.
  EXPECT_GT(j["points"][2]["rto"]["p95_change_s"]["estimate"].get<double>(), 3600);
  EXPECT_NE(slurp(md).find("| runbook/1/manual | RTO p50"), std::string::npos) << slurp(md);
  EXPECT_NE(slurp(html).find("<svg"), std::string::npos);
  r = drsim({"whatif", scenario, "--set", "runbook/1/manual=5m"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no --set gives more than one value"), std::string::npos) << r.err;
  r = drsim({"whatif", scenario, "--set", "runbook/99/manual=5m,10m"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  fs::remove_all(dir);
}

TEST(Cli, ShardedRunsAndSweepsMergeToTheSingleProcessJsonByteForByte) {
  const fs::path dir = scratch();
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/mangu-regional-failover.json";
  const std::vector<std::vector<std::string>> commands = {
      {"run", scenario, "-n", "600", "-q"},
      {"whatif", scenario, "--set", "topology.rds.0.size_gb=100,2000", "-n", "300", "-q"}};
  for (const auto& command : commands) {
    std::vector<std::string> single = command;
    single.insert(single.end(), {"--json", (dir / "single.json").string()});
    ASSERT_EQ(drsim(single).exit_code, 0);
    const std::string expected = slurp(dir / "single.json");
    for (const int shards : {1, 3, 8}) {
      std::vector<std::string> merge = {"merge"};
      for (int i = 0; i < shards; ++i) {
        const std::string part =
            (dir / fmt::format("{}-{}-{}.json", command[0], shards, i)).string();
        std::vector<std::string> args = command;
        args.insert(args.end(), {"--shard", fmt::format("{}/{}", i, shards), "--out", part});
        const Result r = drsim(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        merge.push_back(part);
      }
      merge.insert(merge.end(), {"--json", (dir / "merged.json").string()});
      const Result r = drsim(merge);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_TRUE(slurp(dir / "merged.json") == expected)
          << command[0] << " in " << shards << " shards";
    }
    // A part missing: refused, nothing written.
    fs::remove(dir / "merged.json");
    const Result r = drsim({"merge", (dir / (command[0] + "-3-0.json")).string(),
                            (dir / (command[0] + "-3-2.json")).string(), "--json",
                            (dir / "merged.json").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("are in no part"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "merged.json"));
  }
  // The shard index from a Slurm array task's environment.
  ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  const Result r = drsim(
      {"run", scenario, "-n", "600", "-q", "--shard", "3", "--out", (dir / "slurm.json").string()});
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(slurp(dir / "slurm.json") == slurp(dir / "run-3-1.json"))
      << "the same shard as --shard 1/3";
  fs::remove_all(dir);
}

TEST(Cli, CompareShowsVariantsSideBySideWithPairedChanges) {
  const fs::path dir = scratch();
  const std::string base =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-database-failure.json";
  nlohmann::json variant = nlohmann::json::parse(slurp(base));
  variant["runbook"][1]["manual"] = "45m";  // verification takes 45 minutes instead of ~3
  std::ofstream(dir / "slow.json") << variant.dump(1);
  const fs::path out = dir / "compare.json";
  Result r =
      drsim({"compare", base, (dir / "slow.json").string(), "-n", "500", "--json", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("drsim compare"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(slurp(out));
  EXPECT_EQ(j["command"], "compare");
  const nlohmann::json& change = j["points"][1]["rto"]["p95_change_s"];
  // About 42 minutes slower, and the paired interval is narrow around it.
  EXPECT_GT(change["ci"][0].get<double>(), 35 * 60);
  EXPECT_LT(change["ci"][1].get<double>(), 48 * 60);
  // A variant with other data stores cannot be compared.
  variant["topology"]["data_stores"][0]["name"] = "other-db";
  variant["objectives"]["rpo"] = nlohmann::json::object();
  for (auto& db : variant["topology"]["rds"]) db["data_store"] = "other-db";
  std::ofstream(dir / "other.json") << variant.dump(1);
  r = drsim({"compare", base, (dir / "other.json").string(), "-n", "50"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  fs::remove_all(dir);
}

TEST(Cli, SensitivityWritesItsTornadoAndRegressionAsJsonAndHtml) {
  const fs::path dir = scratch();
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/muejam-database-failure.json";
  const fs::path json = dir / "s.json", html = dir / "s.html";
  const Result r = drsim(
      {"sensitivity", scenario, "-n", "300", "--json", json.string(), "--html", html.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("what moves the p95 RTO"), std::string::npos) << r.out;
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  ASSERT_FALSE(j["inputs"].empty());
  // The tornado's rows are ordered by how far each input moves the p95.
  auto swing = [](const nlohmann::json& i) {
    return std::abs(i["at_p90_s"].get<double>() - i["at_p10_s"].get<double>());
  };
  for (std::size_t k = 1; k < j["inputs"].size(); ++k)
    EXPECT_GE(swing(j["inputs"][k - 1]), swing(j["inputs"][k]));
  EXPECT_EQ(j["steps"].size(), 7u);  // every step of the runbook
  // Two bars (p10 and p90) per input.
  const std::string page = slurp(html);
  std::size_t rects = 0;
  for (std::size_t at = page.find("<rect"); at != std::string::npos;
       at = page.find("<rect", at + 1))
    ++rects;
  EXPECT_EQ(rects, 2 * j["inputs"].size());
  fs::remove_all(dir);
}

TEST(Cli, DrillRunPrintsThePlanAndRunsNothing) {
  const std::string scenario =
      std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/mangu-regional-failover.json";
  // An AWS CLI that does not exist: a dry run never starts it.
  Result r = drsim({"drill", "run", scenario, "--aws", "/nonexistent/aws", "--endpoint-url",
                    "http://127.0.0.1:1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("DRY RUN against the live backend; nothing is executed"), std::string::npos);
  EXPECT_NE(r.out.find("17 steps, 6 of which would change the account"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("CHANGES  /nonexistent/aws rds restore-db-instance-from-db-snapshot"),
            std::string::npos)
      << r.out;
  r = drsim({"drill", "run", scenario, "--backend", "mock"});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
