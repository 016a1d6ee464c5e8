// Renderers for sharing a scenario's results: a compact Markdown summary for a pull-request
// comment or a CI job summary, and JUnit XML in which each objective is a test case. Pure
// functions of the results; they never run anything.
#pragma once

#include <string>

#include "scenarios/run.hpp"

namespace drsim::reports {

/// The RTO and RPO table with the probability of meeting each objective, why runbooks could
/// not complete (with a trial to replay), and the steps in a collapsed section.
std::string render_scenario_markdown(const scenarios::Scenario& s,
                                     const scenarios::ScenarioResults& r, std::uint64_t seed);

/// One <testsuite> for the scenario; each objective (RTO, then RPO per data store) is a
/// <testcase> that passes when at least `meet_share` of the trials meet it, and otherwise
/// carries a <failure> saying how many did and why the others could not.
std::string render_scenario_junit(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                  std::uint64_t seed, double meet_share);

}  // namespace drsim::reports
