// Renderers for the drill checklist: the preflight's pass probabilities (before a drill) and
// the drill check (after it) as terminal text, and the drill report — Markdown and one
// self-contained HTML page — in the spirit of the seeds' DR report templates.
#pragma once

#include <string>

#include "scenarios/drill_plan.hpp"
#include "validators/checklist.hpp"

namespace drsim::reports {

std::string render_preflight_text(const validators::Checklist& c, const validators::Preflight& p,
                                  const std::string& scenario, bool color);
std::string render_drill_check_text(const validators::DrillCheck& d, bool color);
std::string render_drill_markdown(const validators::DrillCheck& d);
std::string render_drill_html(const validators::DrillCheck& d, const std::string& version);

/// `drsim drill run`'s dry run: each step in order with the exact command it would run, the
/// steps that would change the account marked, and the variables each binds.
std::string render_drill_plan_text(const std::string& scenario,
                                   const std::vector<scenarios::PlannedStep>& plan,
                                   const scenarios::LiveTarget& target);

}  // namespace drsim::reports
