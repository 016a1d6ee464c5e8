// The HTML report of a scenario's results: one self-contained file (inline SVG and CSS, no
// script, nothing fetched) to hand to an incident commander or attach to a review. A pure
// function of the results and of trials already replayed; it never runs anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/engine.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sensitivity.hpp"
#include "scenarios/sweep.hpp"

namespace drsim::reports {

/// A trial replayed for its timeline (the median, p95 or slowest one, ...).
struct ReplayedTrial {
  std::string label;
  std::uint64_t trial = 0;
  scenarios::TrialOutcome outcome;
};

/// Where the results came from, so that a report can be reproduced.
struct Provenance {
  std::string scenario_file;
  std::uint64_t seed = 1;
  std::string version;
};

/// RTO and RPO histograms and cumulative distributions with their objectives, the RTO
/// breakdown, a Gantt chart of each replayed trial (steps coloured by phase, the critical
/// path marked, phase budgets shown), the steps and failure causes, and the provenance.
/// Its size does not depend on the number of trials.
std::string render_scenario_html(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                 const Provenance& provenance,
                                 const std::vector<ReplayedTrial>& trials);

/// A what-if sweep: the p95 RTO and RPO at each point with their intervals against the
/// objectives, and the table of points with the paired change against the first.
std::string render_whatif_html(const scenarios::Sweep& w, const Provenance& provenance);

/// Sensitivity: the tornado of the inputs, and the steps' regression coefficients.
std::string render_sensitivity_html(const scenarios::Sensitivity& s, const Provenance& provenance);

}  // namespace drsim::reports
