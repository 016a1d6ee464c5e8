// Renderers for a scenario's Monte Carlo results: the terminal summary and the JSON result
// (`schema_version`, `rto` with `p50_s` ... `p_meet_ci`, `rpo` per data store, `steps`,
// `failures`). Pure functions of the results; they never run anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/run.hpp"

namespace drsim::reports {

std::string render_scenario_text(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                 std::uint64_t seed, bool color);
nlohmann::json scenario_json(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                             std::uint64_t seed);

}  // namespace drsim::reports
