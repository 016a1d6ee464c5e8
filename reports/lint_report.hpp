// Renderers for lint findings: compiler-style text for terminals and logs, JSON, and SARIF
// 2.1.0 (which GitHub code scanning shows on the pull request's lines).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "validators/lint.hpp"

namespace drsim::reports {

std::string render_lint_text(const validators::LintResult& r, bool color);
nlohmann::json lint_json(const validators::LintResult& r);
nlohmann::json lint_sarif(const validators::LintResult& r, const std::string& version);

}  // namespace drsim::reports
