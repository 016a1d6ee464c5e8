// A drill's plan for the live backend, resolved before anything runs: the steps in the order
// they would start, and for each AWS step the exact argv the AWS CLI would be given — the
// scenario's own variables substituted, variables that earlier steps bind shown as ${NAME}.
// `drsim drill run` prints it (a dry run); nothing here calls anything.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "models/aws_cli.hpp"
#include "scenarios/scenario.hpp"

namespace drsim::scenarios {

/// Where the live calls would go.
using LiveTarget = models::LiveOptions;

struct PlannedStep {
  std::string id, phase, owner;
  enum class Kind { kAws, kWaiter, kOther, kManual, kProbe, kDig } kind = Kind::kManual;
  std::vector<std::string> argv;        // kAws: the call; kWaiter: the call polled
  std::string text;                     // kOther: the command as written; kProbe/kDig: the check
  bool mutating = false;                // changes the world (what the guard rails are for)
  int poll_seconds = 0, max_polls = 0;  // kWaiter
  std::vector<std::pair<std::string, std::string>> binds;  // variable, --query
  std::vector<std::string> after;
};

/// The plan, in an order where every step comes after those it waits for (the file's order
/// among steps that are free to start).
std::vector<PlannedStep> plan_drill(const Scenario& s, const LiveTarget& target);

/// A value as the plan shows it: literal text, the scenario's own variables substituted, and
/// the variables that steps bind kept as ${NAME}.
std::string planned_text(const ValueTemplate& v, const Scenario& s);

/// The request a step's command makes (a waiter: its describe call), each value's text given
/// by `text` (the plan shows unbound variables; a live run substitutes them); list parameters
/// (--services a b) become arrays, and a file://NAME the scenario holds becomes its JSON.
models::Request live_request(const Scenario& s, const CommandTemplate& c,
                             const std::function<std::string(const ValueTemplate&)>& text);

/// `argv` as one line a shell would read back unchanged (quoted where needed), for display.
std::string shell_line(const std::vector<std::string>& argv);

}  // namespace drsim::scenarios
