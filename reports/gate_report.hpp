// Renderers for the CI gate's verdicts: the terminal table, a Markdown summary for the pull
// request, JUnit XML (each check a test case) and JSON. Pure functions of a GateResult.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "validators/gate.hpp"

namespace drsim::reports {

std::string render_gate_text(const validators::GateResult& g, bool color);
std::string render_gate_markdown(const validators::GateResult& g);
std::string render_gate_junit(const validators::GateResult& g);
nlohmann::json gate_json(const validators::GateResult& g);

}  // namespace drsim::reports
