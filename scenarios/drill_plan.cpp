#include "scenarios/drill_plan.hpp"

#include <algorithm>

#include "models/operations.hpp"
#include "models/waiters.hpp"

namespace drsim::scenarios {

std::string planned_text(const ValueTemplate& v, const Scenario& s) {
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

models::Request live_request(const Scenario& s, const CommandTemplate& c,
                             const std::function<std::string(const ValueTemplate&)>& text) {
  models::Request r;
  r.service = c.service;
  r.operation = c.waiter.empty() ? c.operation
                                 : std::string(models::find_waiter(c.service, c.waiter)->operation);
  r.region = c.region.parts.empty() ? s.default_region : text(c.region);
  for (const auto& [name, value] : c.params) {
    // `--multi-az true`, as runbooks often write it (and the mock reads it), is the CLI's
    // boolean flag `--multi-az`: the CLI itself would refuse the stray "true".
    const bool literal_boolean = value.parts.size() == 1 && !value.parts[0].variable &&
                                 (value.parts[0].text == "true" || value.parts[0].text == "false");
    if (value.is_flag || literal_boolean) {
      r.params.push_back(
          {name, models::Value(value.is_flag ? value.flag : value.parts[0].text == "true")});
      continue;
    }
    // A list parameter (--services a b) is one word per item: the parser keeps a lone " "
    // part between them.
    models::Array items;
    ValueTemplate item;
    for (const auto& part : value.parts) {
      if (!part.variable && part.text == " ") {
        items.emplace_back(text(item));
        item.parts.clear();
      } else {
        item.parts.push_back(part);
      }
    }
    std::string last = text(item);
    if (const auto f = s.files.find(last.starts_with("file://") ? last.substr(7) : "");
        items.empty() && f != s.files.end()) {
      r.params.push_back({name, f->second});
      continue;
    }
    if (items.empty()) {
      r.params.push_back({name, models::Value(std::move(last))});
    } else {
      items.emplace_back(std::move(last));
      r.params.push_back({name, models::Value(std::move(items))});
    }
  }
  return r;
}

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
  const auto shown = [&](const ValueTemplate& v) { return planned_text(v, s); };
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
        p.argv = models::cli_argv(live_request(s, c, shown), target);
        p.poll_seconds = static_cast<int>(w->delay / sim::kSecond);
        p.max_polls = w->max_attempts;
      } else if (c.service == "kubectl" || c.service == "terraform") {
        p.kind = PlannedStep::Kind::kOther;
        p.text = step.command;
        p.mutating = true;
      } else {
        p.kind = PlannedStep::Kind::kAws;
        p.argv = models::cli_argv(live_request(s, c, shown), target);
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
