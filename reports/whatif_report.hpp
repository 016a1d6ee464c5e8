// Renderers for what-if sweeps: the terminal table, Markdown and JSON (the HTML page with
// its charts is in html_report.hpp). Pure functions of a Sweep.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/sweep.hpp"

namespace drsim::reports {

std::string render_whatif_text(const scenarios::Sweep& w, bool color);
std::string render_whatif_markdown(const scenarios::Sweep& w);
nlohmann::json whatif_json(const scenarios::Sweep& w);

}  // namespace drsim::reports
