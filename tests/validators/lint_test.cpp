// Runbook lint: each rule caught by its own broken scenario (tests/lint/<rule>.json) and by
// nothing else; the library's errors are exactly the defects its scenarios document; the
// SARIF output carries what code scanning needs.
#include "validators/lint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/lint_report.hpp"

namespace drsim::validators {
namespace {

namespace fs = std::filesystem;

const std::string kDir = std::string(DRSIM_SOURCE_DIR) + "/tests/lint/";

LintOptions options(std::uint64_t trials = 200) {
  LintOptions o;
  o.trials = trials;
  o.threads = 2;
  return o;
}

bool models_available() {
  return fs::is_directory(LintOptions{}.aws_models);
}

TEST(Lint, TheCleanBaseScenarioHasNoFinding) {
  const LintResult r = lint({kDir + "base.json"}, options());
  EXPECT_TRUE(r.findings.empty()) << r.findings.front().message;
  EXPECT_FALSE(r.failed());
}

TEST(Lint, EachBrokenScenarioRaisesExactlyItsOwnFinding) {
  for (const LintRule& rule : lint_rules()) {
    const std::string path = kDir + std::string(rule.id) + ".json";
    ASSERT_TRUE(fs::exists(path)) << "no broken scenario for rule " << rule.id;
    if (rule.id == "unknown-parameter" && !models_available()) {
      std::cout << "unknown-parameter not checked: the AWS CLI's service models are absent "
                   "(Debian's awscli)\n";
      continue;
    }
    const LintResult r = lint({path}, options());
    ASSERT_FALSE(r.findings.empty()) << rule.id << ": nothing found";
    for (const Finding& f : r.findings) {
      EXPECT_EQ(f.rule, rule.id) << path << ": " << f.message;
      EXPECT_EQ(f.severity, rule.severity) << f.message;
      EXPECT_GT(f.line, 0) << f.message;
      EXPECT_FALSE(f.fix.empty()) << f.message;
    }
    EXPECT_EQ(r.failed(), rule.severity == Severity::kError) << rule.id;
  }
}

TEST(Lint, AFindingPointsAtTheLineThatHasTheMistake) {
  if (!models_available()) GTEST_SKIP() << "the AWS CLI's service models are absent (awscli)";
  const std::string path = kDir + "unknown-parameter.json";
  const LintResult r = lint({path}, options(0));
  ASSERT_EQ(r.findings.size(), 1u);
  std::ifstream in(path);
  int line = 0, expected = 0;
  for (std::string text; std::getline(in, text);) {
    ++line;
    if (text.find("--db-snapshot-id ") != std::string::npos) expected = line;
  }
  EXPECT_EQ(r.findings[0].line, expected);
  EXPECT_EQ(r.findings[0].step, "restore");
  EXPECT_EQ(r.findings[0].pointer, "/runbook/1/aws");
  EXPECT_EQ(r.findings[0].fix, "did you mean `db-snapshot-identifier`?");
}

TEST(Lint, TheLibrarysErrorsAreExactlyTheDefectsItsScenariosDocument) {
  // Some acknowledged defects (an unknown parameter) are found only against the CLI's models.
  if (!models_available()) GTEST_SKIP() << "the AWS CLI's service models are absent (awscli)";
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(std::string(DRSIM_SOURCE_DIR) + "/scenarios/library"))
    paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  const LintResult r = lint(paths, options(0));
  EXPECT_FALSE(r.failed());
  std::set<std::pair<std::string, std::string>> acknowledged;  // rule, step
  for (const Finding& f : r.findings) {
    if (f.severity == Severity::kError) {
      EXPECT_FALSE(f.acknowledged.empty()) << f.file << ": " << f.message;
      acknowledged.emplace(f.rule, f.step);
    }
  }
  // Every acknowledgement still matches a finding: none is stale.
  std::size_t acks = 0;
  for (const std::string& path : paths) {
    const auto j = nlohmann::json::parse(std::ifstream(path));
    if (!j.contains("lint")) continue;
    for (const auto& a : j["lint"]["acknowledged"]) {
      ++acks;
      EXPECT_TRUE(acknowledged.contains({a["rule"], a.value("step", "")})) << path;
    }
  }
  EXPECT_EQ(acks, acknowledged.size());
  EXPECT_GE(acks, 3u);
}

TEST(Lint, SarifCarriesRulesLevelsLocationsAndSuppressions) {
  const std::string library = std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/";
  const LintResult r = lint({kDir + "step-cycle.json", kDir + "manual-without-owner.json",
                             library + "maestrohwithit-region-failure.json"},
                            options(0));
  const nlohmann::json s = reports::lint_sarif(r, "9.9.9");
  EXPECT_EQ(s["version"], "2.1.0");
  const auto& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "drsim");
  EXPECT_EQ(run["tool"]["driver"]["version"], "9.9.9");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), lint_rules().size());
  ASSERT_EQ(run["results"].size(), r.findings.size());
  std::set<std::string> levels;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& result = run["results"][i];
    const Finding& f = r.findings[i];
    EXPECT_EQ(rules[result["ruleIndex"].get<std::size_t>()]["id"], result["ruleId"]);
    EXPECT_EQ(result["ruleId"], f.rule);
    levels.insert(result["level"]);
    const auto& physical = result["locations"][0]["physicalLocation"];
    EXPECT_EQ(physical["artifactLocation"]["uri"], f.file);
    EXPECT_EQ(physical["region"]["startLine"], f.line);
    EXPECT_EQ(result.contains("suppressions"), !f.acknowledged.empty());
  }
  EXPECT_EQ(levels, (std::set<std::string>{"error", "warning"}));
  EXPECT_TRUE(std::any_of(run["results"].begin(), run["results"].end(),
                          [](const auto& x) { return x.contains("suppressions"); }));
}

TEST(Lint, TheDocumentationListsEveryRule) {
  std::ifstream in(std::string(DRSIM_SOURCE_DIR) + "/docs/lint.md");
  std::stringstream doc;
  doc << in.rdbuf();
  for (const LintRule& rule : lint_rules())
    EXPECT_NE(doc.str().find("| `" + std::string(rule.id) + "` |"), std::string::npos) << rule.id;
}

}  // namespace
}  // namespace drsim::validators
