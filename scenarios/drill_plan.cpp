#include "scenarios/drill_plan.hpp"

#include <algorithm>

#include "models/operations.hpp"
#include "models/waiters.hpp"

namespace drsim::scenarios {
namespace {

/// A parameter's value: literal text, the scenario's variables substituted, and the variables
/// steps bind kept as ${NAME}.
std::string render(const ValueTemplate& v, const Scenario& s) {
  std::string out;
  for (const auto& part : v.parts) {
    if (!part.variable) {
      out += part.text;
      continue;
    }
    const auto it = s.variables.find(part.text);
    out += it != s.variables.end() && it->second.is_string() ? it->second.as_string()
                                                             : "${" + part.text + "}";
  }
  return out;
}

std::vector<std::string> argv_of(const std::string& service, const std::string& operation,
                                 const CommandTemplate& c, const Scenario& s,
                                 const LiveTarget& target) {
  std::vector<std::string> argv = {target.aws, service, operation};
  for (const auto& [name, value] : c.params) {
    if (value.is_flag) {
      argv.push_back((value.flag ? "--" : "--no-") + name);
      continue;
    }
    argv.push_back("--" + name);
    // A list parameter (--services a b) is one word per item: the parser keeps a lone " "
    // part between them.
    ValueTemplate item;
    for (const auto& part : value.parts) {
      if (!part.variable && part.text == " ") {
        argv.push_back(render(item, s));
        item.parts.clear();
      } else {
        item.parts.push_back(part);
      }
    }
    argv.push_back(render(item, s));
  }
  const std::string region = c.region.parts.empty() ? s.default_region : render(c.region, s);
  if (!region.empty()) argv.insert(argv.end(), {"--region", region});
  if (!target.profile.empty()) argv.insert(argv.end(), {"--profile", target.profile});
  if (!target.endpoint_url.empty())
    argv.insert(argv.end(), {"--endpoint-url", target.endpoint_url});
  argv.insert(argv.end(), {"--output", "json", "--no-cli-pager"});
  return argv;
}

}  // namespace

std::vector<PlannedStep> plan_drill(const Scenario& s, const LiveTarget& target) {
  // Kahn's algorithm, taking the first free step in file order each time.
  std::vector<std::size_t> order;
  std::vector<bool> placed(s.runbook.size(), false);
  while (order.size() < s.runbook.size()) {
    for (std::size_t i = 0; i < s.runbook.size(); ++i) {
      if (placed[i]) continue;
      const bool free = std::all_of(
          s.runbook[i].after.begin(), s.runbook[i].after.end(), [&](const std::string& id) {
            return std::any_of(order.begin(), order.end(),
                               [&](std::size_t j) { return s.runbook[j].id == id; });
          });
      if (!free) continue;
      placed[i] = true;
      order.push_back(i);
      break;
    }
  }
  std::vector<PlannedStep> plan;
  for (const std::size_t i : order) {
    const Step& step = s.runbook[i];
    PlannedStep p;
    p.id = step.id;
    p.phase = step.phase;
    p.owner = step.owner;
    p.after = step.after;
    for (const auto& [name, query] : step.outputs) p.binds.emplace_back(name, query.text());
    for (const auto& [name, text] : step.output_templates) p.binds.emplace_back(name, text);
    if (step.aws) {
      const CommandTemplate& c = *step.aws;
      if (c.operation == "wait") {
        const models::WaiterSpec* w = models::find_waiter(c.service, c.waiter);
        p.kind = PlannedStep::Kind::kWaiter;
        p.argv = argv_of(c.service, std::string(w->operation), c, s, target);
        p.poll_seconds = static_cast<int>(w->delay / sim::kSecond);
        p.max_polls = w->max_attempts;
      } else if (c.service == "kubectl" || c.service == "terraform") {
        p.kind = PlannedStep::Kind::kOther;
        p.text = step.command;
        p.mutating = true;
      } else {
        p.kind = PlannedStep::Kind::kAws;
        p.argv = argv_of(c.service, c.operation, c, s, target);
        const models::OperationInfo* op = models::find_operation(c.service, c.operation);
        p.mutating = op && op->mutating;
      }
    } else if (!step.probe.empty()) {
      p.kind = PlannedStep::Kind::kProbe;
      p.text = step.probe;
    } else if (!step.dig.empty()) {
      p.kind = PlannedStep::Kind::kDig;
      p.text = step.dig;
    }
    plan.push_back(std::move(p));
  }
  return plan;
}

std::string shell_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    const bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) ||
             std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    });
    if (!out.empty()) out += ' ';
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (const char c : a) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace drsim::scenarios
