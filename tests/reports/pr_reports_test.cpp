// The Markdown summary and the JUnit XML, parsed back and checked against the results they
// were rendered from.
#include "reports/pr_reports.hpp"

#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

namespace drsim::reports {
namespace {

using sim::kHour;
using sim::kMinute;

/// A scenario with an RTO objective of 4 h and an RPO objective of 15 min on "orders", and
/// 100 trials: `met` of them recover within 2 h and lose 5 min; the rest never recover, for
/// a cause whose text needs escaping in both formats.
struct Fixture {
  scenarios::Scenario s;
  scenarios::ScenarioResults r;
  explicit Fixture(int met) {
    s.name = "demo <&> scenario";
    s.source = "seeds/x.md | §1";
    s.objectives.rto = 4 * kHour;
    s.objectives.rpo["orders"] = 15 * kMinute;
    s.data_stores.push_back({.name = "orders", .writes_per_second = 2, .unit = "orders"});
    s.runbook.push_back({});
    s.runbook.back().id = "restore";
    s.runbook.back().phase = "Restore";
    r.run.requested = r.run.completed = 100;
    r.rpo_ms.resize(1);
    r.step_ms.resize(1);
    r.step_critical.assign(1, static_cast<std::uint64_t>(met));
    r.step_failed.assign(1, static_cast<std::uint64_t>(100 - met));
    r.chain_trials = static_cast<std::uint64_t>(met);
    for (int t = 0; t < 100; ++t) {
      const bool ok = t < met;
      r.rto_ms.add(ok ? 2 * kHour : sim::kInfinite);
      r.rpo_ms[0].add(ok ? 5 * kMinute : sim::kInfinite);
      r.step_ms[0].add(20 * kMinute);
      if (ok) {
        r.detection_ms.add(5 * kMinute);
        r.decision_ms.add(10 * kMinute);
        r.execution_ms.add(2 * kHour - 15 * kMinute);
      }
    }
    if (met < 100)
      r.causes["step restore: a|b <c>"] = {static_cast<std::uint64_t>(100 - met), 42, "x"};
  }
};

/// An integer attribute (read as text: GCC warns falsely inside Boost's int translator at -O1).
int int_attribute(const boost::property_tree::ptree& node, const std::string& name) {
  return std::stoi(node.get<std::string>("<xmlattr>." + name));
}

boost::property_tree::ptree parse_xml(const std::string& text) {
  std::istringstream in(text);
  boost::property_tree::ptree tree;
  boost::property_tree::read_xml(in, tree);  // throws on malformed XML
  return tree;
}

TEST(MarkdownReport, TablesTheObjectivesCausesAndSteps) {
  const Fixture f(90);
  const std::string md = render_scenario_markdown(f.s, f.r, 7);
  EXPECT_NE(md.find("### drsim: `demo <&> scenario`"), std::string::npos);
  EXPECT_NE(md.find("seeds/x.md \\| §1 · 100 trials · seed 7"), std::string::npos) << md;
  EXPECT_NE(md.find("| RTO | 2h | never | never | ≤ 4h | 90.0% ["), std::string::npos) << md;
  EXPECT_NE(md.find("| RPO orders | 5m |"), std::string::npos) << md;
  EXPECT_NE(md.find("in 10 of 100 trials"), std::string::npos);
  EXPECT_NE(md.find("| 10 | step restore: a\\|b <c> | `drsim trace --trial 42 --seed 7` | x |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `restore` | Restore | 20m | 20m | 100% | 10 |"), std::string::npos) << md;
  // Every table row has as many cells as its header.
  std::istringstream lines(md);
  std::size_t columns = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("|")) {
      columns = 0;
      continue;
    }
    std::size_t cells = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      cells += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    if (columns == 0) columns = cells;
    EXPECT_EQ(cells, columns) << line;
  }
  EXPECT_EQ(render_scenario_markdown(Fixture(100).s, Fixture(100).r, 7).find("could not complete"),
            std::string::npos);
}

TEST(JunitReport, EachObjectiveIsACaseThatFailsBelowTheShareThatMustMeetIt) {
  for (const int met : {100, 96, 90}) {
    const Fixture f(met);
    const auto tree = parse_xml(render_scenario_junit(f.s, f.r, 7, 0.95));
    const auto& suites = tree.get_child("testsuites");
    const int expected_failures = met >= 95 ? 0 : 2;
    EXPECT_EQ(int_attribute(suites, "tests"), 2);
    EXPECT_EQ(int_attribute(suites, "failures"), expected_failures) << met;
    const auto& suite = suites.get_child("testsuite");
    EXPECT_EQ(suite.get<std::string>("<xmlattr>.name"), "demo <&> scenario");
    EXPECT_EQ(int_attribute(suite, "failures"), expected_failures);
    std::vector<std::string> names;
    int failures = 0;
    for (const auto& [tag, node] : suite) {
      if (tag != "testcase") continue;
      names.push_back(node.get<std::string>("<xmlattr>.name"));
      if (const auto failure = node.get_child_optional("failure")) {
        ++failures;
        EXPECT_NE(failure->get<std::string>("<xmlattr>.message")
                      .find(std::to_string(met) + " of 100 trials"),
                  std::string::npos);
        EXPECT_NE(failure->data().find("step restore: a|b <c> (replay: drsim trace --trial 42"),
                  std::string::npos);
      }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"RTO <= 4h", "RPO orders <= 15m"}));
    EXPECT_EQ(failures, expected_failures);
  }
}

}  // namespace
}  // namespace drsim::reports
