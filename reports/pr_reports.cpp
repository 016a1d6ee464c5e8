#include "reports/pr_reports.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "reports/metric_summary.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

/// An objective: what it bounds, the sample and the bound.
struct Objective {
  std::string name;  // "RTO", "RPO orders-db"
  const sim::Sample* sample;
  sim::Duration target;
};

std::vector<Objective> objectives(const scenarios::Scenario& s,
                                  const scenarios::ScenarioResults& r) {
  std::vector<Objective> out;
  if (s.objectives.rto) out.push_back({"RTO", &r.rto_ms, *s.objectives.rto});
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    if (const auto target = s.objectives.rpo_of(s.data_stores[k].name))
      out.push_back({"RPO " + s.data_stores[k].name, &r.rpo_ms[k], *target});
  }
  return out;
}

/// Causes, most frequent first.
std::vector<std::pair<std::string, scenarios::CauseCount>> causes_by_count(
    const scenarios::ScenarioResults& r) {
  std::vector<std::pair<std::string, scenarios::CauseCount>> causes(r.causes.begin(),
                                                                    r.causes.end());
  std::stable_sort(causes.begin(), causes.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  return causes;
}

std::string cell(std::string_view text) {
  return markdown_cell(text);
}

std::string xml(std::string_view text) {
  return escape_markup(text);
}

}  // namespace

std::string render_scenario_markdown(const scenarios::Scenario& s,
                                     const scenarios::ScenarioResults& r, std::uint64_t seed) {
  std::string out = fmt::format("### drsim: `{}`\n\n", s.name);
  out += fmt::format("{} · {} trials · seed {}{}\n\n", cell(s.source), r.run.completed, seed,
                     r.run.partial ? fmt::format(" · **partial: {} of {} trials**", r.run.completed,
                                                 r.run.requested)
                                   : "");
  out += "| metric | p50 | p95 | p99 | objective | P(meet) [95% CI] |\n";
  out += "|---|---|---|---|---|---|\n";
  auto row = [&](const std::string& name, const sim::Sample& x,
                 std::optional<sim::Duration> target) {
    std::string meet = "—", bound = "—";
    if (target) {
      const sim::Proportion p = meeting(x, *target);
      bound = "≤ " + human(*target);
      const sim::ProbabilityInterval ci = p.clopper_pearson();
      meet = fmt::format("{} [{}–{}]", percent(p.estimate()), percent(ci.low), percent(ci.high));
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", cell(name), human(x.quantile(0.5)),
                       human(x.quantile(0.95)), human(x.quantile(0.99)), bound, meet);
  };
  if (r.rto_ms.count() == 0) return out + "\nNo trial completed.\n";
  row("RTO", r.rto_ms, s.objectives.rto);
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    row("RPO " + s.data_stores[k].name, r.rpo_ms[k], s.objectives.rpo_of(s.data_stores[k].name));
  }
  if (r.detection_ms.count() > 0) {
    out += fmt::format(
        "\nRTO p50 when the runbook completes: detection {}, escalation and decision {}, "
        "execution {}.\n",
        human(r.detection_ms.quantile(0.5)), human(r.decision_ms.quantile(0.5)),
        human(r.execution_ms.quantile(0.5)));
  }
  if (!r.causes.empty()) {
    std::uint64_t total = 0;
    for (const auto& [cause, c] : r.causes) total += c.count;
    out += fmt::format("\n**The runbook could not complete in {} of {} trials:**\n\n", total,
                       r.rto_ms.count());
    out += "| trials | cause | replay | detail |\n|---|---|---|---|\n";
    for (const auto& [cause, c] : causes_by_count(r)) {
      out += fmt::format("| {} | {} | `drsim trace --trial {} --seed {}` | {} |\n", c.count,
                         cell(cause), c.example_trial, seed, cell(c.detail));
    }
  }
  out += "\n<details><summary>Steps</summary>\n\n";
  out +=
      "| step | phase | p50 | p95 | on the critical path | failed |\n|---|---|---|---|---|---|\n";
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    const sim::Sample& d = r.step_ms[i];
    const double share = r.critical_share(i);
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", s.runbook[i].id,
                       cell(s.runbook[i].phase), d.count() ? human(d.quantile(0.5)) : "—",
                       d.count() ? human(d.quantile(0.95)) : "—", percent(share), r.step_failed[i]);
  }
  out += "\n</details>\n";
  return out;
}

std::string render_scenario_junit(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                  std::uint64_t seed, double meet_share) {
  const std::vector<Objective> objs = objectives(s, r);
  struct Case {
    std::string name, failure;
  };
  std::vector<Case> cases;
  for (const Objective& o : objs) {
    Case c{fmt::format("{} <= {}", o.name, human(o.target)), {}};
    const sim::Proportion p = meeting(*o.sample, o.target);
    if (o.sample->count() == 0 || p.estimate() < meet_share) {
      const sim::ProbabilityInterval ci = p.clopper_pearson();
      c.failure = fmt::format(
          "{} of {} trials ({}, 95% CI {}–{}) met {} <= {}; at least {} must. {} p50 {}, p95 {}.",
          o.sample->count_at_most(o.target), o.sample->count(), percent(p.estimate()),
          percent(ci.low), percent(ci.high), o.name, human(o.target), percent(meet_share), o.name,
          human(o.sample->quantile(0.5)), human(o.sample->quantile(0.95)));
      for (const auto& [cause, count] : causes_by_count(r)) {
        c.failure += fmt::format("\n{} trials: {} (replay: drsim trace --trial {} --seed {})",
                                 count.count, cause, count.example_trial, seed);
      }
    }
    cases.push_back(std::move(c));
  }
  const auto failures =
      std::count_if(cases.begin(), cases.end(), [](const Case& c) { return !c.failure.empty(); });
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"drsim\" tests=\"{}\" failures=\"{}\">\n", cases.size(),
                     failures);
  out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
      xml(s.name), cases.size(), failures);
  out += fmt::format(
      "    <properties>\n      <property name=\"source\" value=\"{}\"/>\n"
      "      <property name=\"seed\" value=\"{}\"/>\n      <property name=\"trials\" "
      "value=\"{}\"/>\n    </properties>\n",
      xml(s.source), seed, r.run.completed);
  for (const Case& c : cases) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xml(s.name), xml(c.name));
    if (c.failure.empty()) {
      out += "/>\n";
    } else {
      out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                         xml(c.failure.substr(0, c.failure.find('\n'))), xml(c.failure));
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace drsim::reports
