// The HTML report: well-formed, self-contained, with the charts and tables it promises, and
// a size that does not grow with the number of trials.
#include "reports/html_report.hpp"

#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <functional>
#include <sstream>

namespace drsim::reports {
namespace {

std::string report(const std::string& name, std::uint64_t trials) {
  const std::string file = std::string(DRSIM_SOURCE_DIR) + "/scenarios/library/" + name + ".json";
  const scenarios::Scenario s = scenarios::load_scenario(file);
  sim::RunOptions options;
  options.trials = trials;
  options.threads = 2;
  const scenarios::ScenarioResults r = scenarios::run_scenario(s, options);
  std::vector<ReplayedTrial> replayed;
  scenarios::Engine engine(s);
  for (const auto& [label, trial] : r.representative)
    replayed.push_back({label, trial, engine.run_trial(options.seed, trial)});
  return render_scenario_html(s, r, {file, options.seed, "test"}, replayed);
}

/// Counts the elements named `tag` anywhere in `tree`.
int count(const boost::property_tree::ptree& tree, const std::string& tag) {
  int n = 0;
  for (const auto& [name, child] : tree) n += (name == tag) + count(child, tag);
  return n;
}

boost::property_tree::ptree parse(const std::string& html) {
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n"));
  std::istringstream in(html.substr(html.find('\n') + 1));
  boost::property_tree::ptree tree;
  boost::property_tree::read_xml(in, tree);  // throws on malformed markup
  return tree;
}

TEST(HtmlReport, IsWellFormedSelfContainedAndHasItsChartsAndTables) {
  const std::string html = report("mangu-regional-failover", 400);
  const auto tree = parse(html);
  // RTO and RPO: a histogram and a cumulative distribution each; the RTO breakdown; one
  // timeline per representative trial (median, p95, slowest recovered, one that failed).
  EXPECT_EQ(count(tree, "svg"), 2 + 2 + 1 + 4);
  EXPECT_GT(count(tree, "rect"), 40);
  EXPECT_EQ(count(tree, "table"), 3) << "breakdown, steps, causes";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http:"), std::string::npos) << "nothing to fetch";
  EXPECT_EQ(html.find("https:"), std::string::npos) << "nothing to fetch";
  for (const char* text :
       {"objective 4h", "P(RTO ≤ 4h) = <b>", "median recovered trial", "p95 recovered trial",
        "slowest recovered trial", "could not complete trial", "Database Restoration (budget 1.5h)",
        "mangu-regional-failover.json --trial ", "<code>drsim run "}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
}

TEST(HtmlReport, ItsSizeDoesNotGrowWithTheTrials) {
  const std::size_t small = report("muejam-database-failure", 200).size();
  const std::size_t large = report("muejam-database-failure", 20000).size();
  EXPECT_LT(large, 2'000'000u);
  // 100 times the trials: the same bins, points and tables; only numbers get longer.
  EXPECT_LT(static_cast<double>(large), 1.2 * static_cast<double>(small));
}

TEST(HtmlReport, ARunInWhichNothingRecoversSaysSoWithoutCharts) {
  const std::string html = report("maestrohwithit-region-failure", 100);
  parse(html);
  EXPECT_NE(html.find("RTO: never, in all 100 trials."), std::string::npos);
  EXPECT_NE(html.find("No runbook completed."), std::string::npos);
}

}  // namespace
}  // namespace drsim::reports
