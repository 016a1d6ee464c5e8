// Renderers for what-if analysis — sweeps, comparisons and sensitivity: terminal tables,
// Markdown and JSON (the HTML pages with their charts are in html_report.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/sensitivity.hpp"
#include "scenarios/sweep.hpp"

namespace drsim::reports {

std::string render_whatif_text(const scenarios::Sweep& w, bool color);
std::string render_whatif_markdown(const scenarios::Sweep& w);
nlohmann::json whatif_json(const scenarios::Sweep& w);

/// `drsim sensitivity`: the tornado (inputs by how far they move the p95 RTO), the steps'
/// standardized regression coefficients with R², and their critical-path shares.
std::string render_sensitivity_text(const scenarios::Sensitivity& s);
nlohmann::json sensitivity_json(const scenarios::Sensitivity& s);

}  // namespace drsim::reports
