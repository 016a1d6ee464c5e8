// Runbook lint: static and simulated checks of a scenario's runbook against its topology.
//
// Static rules read the scenario as written (variables read but never set, steps in a cycle
// or unreachable, operations and parameters the AWS CLI does not have, resources, regions
// and hosted zones the topology lacks, restores where no snapshot reaches, encrypted copies
// without a key in the target region, phase budgets beyond the RTO, manual steps without an
// owner, steps that need the failed region). Simulated rules replay a few hundred trials and
// report what failed there: waiters that give up before the operation they wait for is
// done, and any other step that fails. Each finding names its rule, severity, file,
// line:column, JSON pointer and step, and suggests a fix.
//
// A scenario can acknowledge a finding that documents a real defect of the runbook it
// replays: "lint": {"acknowledged": [{"rule": "...", "step": "...", "reason": "..."}]}.
// Acknowledged findings are still reported but do not fail the lint.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace drsim::validators {

enum class Severity { kError, kWarning, kNote };
std::string_view severity_name(Severity s);  // "error", "warning", "note"

struct LintRule {
  std::string_view id;  // "undefined-variable"
  Severity severity;
  std::string_view summary;  // one line: what it finds
  std::string_view help;     // why it matters and how to fix it
};
/// Every rule, in a stable order (SARIF's rule index).
std::span<const LintRule> lint_rules();

struct Finding {
  std::string rule;
  Severity severity = Severity::kError;
  std::string file;
  int line = 0, column = 0;  // 0: unknown
  std::string pointer;       // JSON pointer into the scenario
  std::string step;          // step id, when the finding is about one step
  std::string message;
  std::string fix;
  std::string acknowledged;  // the scenario's reason, when it acknowledges the finding
};

struct LintOptions {
  std::uint64_t trials = 300;  // simulated checks (0: static checks only)
  std::uint64_t seed = 1;
  unsigned threads = 0;
  /// The AWS CLI's service models (botocore data), for operations' parameters; an empty
  /// string or a missing directory skips that rule, saying so in `notes`.
  std::string aws_models = "/usr/lib/python3/dist-packages/awscli/botocore/data";
};

struct LintResult {
  std::vector<Finding> findings;   // by file, then line
  std::vector<std::string> notes;  // rules that could not run, and why
  /// An error-level finding that no scenario acknowledges.
  bool failed() const;
};

LintResult lint(const std::vector<std::string>& paths, const LintOptions& options = {});

}  // namespace drsim::validators
