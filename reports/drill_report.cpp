#include "reports/drill_report.hpp"

#include <fmt/format.h>

#include "models/value.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

using validators::CheckedItem;
using validators::DrillCheck;
using validators::ItemVerdict;

std::string opt_time(const std::optional<std::int64_t>& v) {
  return v ? human(*v) : "—";
}

std::string placement(const std::optional<double>& p) {
  if (!p) return "—";
  if (*p > 0.99) return "above p99";
  if (*p < 0.01) return "below p1";
  return fmt::format("p{:.0f}", *p * 100);
}

std::string at(const std::optional<std::int64_t>& t) {
  return t ? fmt::format("+{}", sim::format_duration(*t)) : "—";
}

std::string outcome(const validators::Observed::Step& s) {
  if (s.ok) return "ok";
  if (!s.detail.empty()) return s.detail.starts_with("skipped") ? "skipped" : "failed: " + s.detail;
  return s.end ? "failed" : "did not finish";
}

std::string heading(const DrillCheck& d) {
  return fmt::format("{}{}", d.checklist->name,
                     d.record->drill.empty() ? "" : " — " + d.record->drill);
}

std::size_t count(const DrillCheck& d, ItemVerdict v) {
  return static_cast<std::size_t>(std::count_if(
      d.items.begin(), d.items.end(), [&](const CheckedItem& i) { return i.result.verdict == v; }));
}

std::string summary(const DrillCheck& d) {
  return fmt::format("{} — {} passed, {} failed, {} not observed", d.passed() ? "PASS" : "FAIL",
                     count(d, ItemVerdict::kPass), count(d, ItemVerdict::kFail),
                     count(d, ItemVerdict::kNotObserved));
}

std::string flags_line(const DrillCheck& d) {
  std::size_t n = 0;
  for (const auto& i : d.items) n += i.flag.empty() ? 0 : 1;
  for (const auto& s : d.steps) n += s.flag.empty() ? 0 : 1;
  if (d.scenario_name.empty()) return "";
  return fmt::format(
      "Placed against `{}` ({} simulated trials): {} value{} outside the model's central 98%.",
      d.scenario_name, d.trials, n, n == 1 ? "" : "s");
}

}  // namespace

std::string render_preflight_text(const validators::Checklist& c, const validators::Preflight& p,
                                  const std::string& scenario, bool color) {
  std::string out = fmt::format(
      "drsim drill preflight — {}{}\n{} on {}, {} trials, seed {}; "
      "an item passes the preflight at {} or more\n\n",
      c.name,
      p.when.empty()
          ? ""
          : " (" + p.when + ": " + (c.schedule.contains(p.when) ? c.schedule.at(p.when) : "") + ")",
      c.file, scenario, p.trials, p.seed, percent(p.threshold));
  out += fmt::format("  {:<7}  {:>7}  {:<17}  {}\n", "", "P(pass)", "95% interval", "item");
  for (const auto& i : p.items) {
    if (!i.simulated) {
      out += fmt::format("  {:<7}  {:>7}  {:<17}  {}  (observed in the drill only)\n", "—", "", "",
                         i.item->text);
      continue;
    }
    const double share =
        i.trials ? static_cast<double>(i.passed) / static_cast<double>(i.trials) : 0;
    const bool low = share < p.threshold;
    std::string mark = fmt::format("{:<7}", low ? "AT RISK" : "ok");
    if (color) mark = fmt::format("\x1b[{}m{}\x1b[0m", low ? "31;1" : "32", mark);
    out += fmt::format("  {}  {:>7}  {:<17}  {}\n", mark, percent(share),
                       fmt::format("[{}, {}]", percent(i.low), percent(i.high)), i.item->text);
    if (i.p50)
      out += fmt::format("{:39}measured: p50 {}, p95 {}\n", "", human(*i.p50), human(*i.p95));
    for (std::size_t k = 0; k < i.reasons.size() && k < 3; ++k) {
      out += fmt::format("{:39}{} of failures: {}\n", "",
                         percent(static_cast<double>(i.reasons[k].second) /
                                 static_cast<double>(i.trials - i.passed)),
                         i.reasons[k].first);
    }
  }
  if (!p.causes.empty()) {
    out += "\nwhy the runbook could not complete (runbook defects to fix before the drill):\n";
    for (const auto& [cause, n] : p.causes)
      out += fmt::format("  {} of trials: {}\n",
                         percent(static_cast<double>(n) / static_cast<double>(p.trials)), cause);
  }
  out += fmt::format("\nPreflight: {}\n", p.passed()
                                              ? "PASS — every simulated item is likely to pass"
                                              : "AT RISK — items below the threshold are marked");
  return out;
}

std::string render_drill_check_text(const DrillCheck& d, bool color) {
  std::string out = fmt::format("drsim drill check — {}\n{} against {}\n\n", heading(d),
                                d.record->file, d.checklist->file);
  std::size_t width = 0;
  for (const auto& i : d.items) width = std::max(width, display_width(i.item->text));
  for (const auto& i : d.items) {
    std::string mark(validators::item_verdict_name(i.result.verdict));
    if (color) {
      const char* code = i.result.verdict == ItemVerdict::kPass   ? "32"
                         : i.result.verdict == ItemVerdict::kFail ? "31;1"
                                                                  : "2";
      mark = fmt::format("\x1b[{}m{:<12}\x1b[0m", code, mark);
    } else {
      mark = fmt::format("{:<12}", mark);
    }
    std::string line = fmt::format("  {} {}{}  {}", mark, i.item->text,
                                   std::string(width - display_width(i.item->text), ' '),
                                   i.result.value ? human(*i.result.value) : "");
    if (i.percentile)
      line += fmt::format("  ({} of the model; p50 {}, p95 {})", placement(i.percentile),
                          opt_time(i.p50), opt_time(i.p95));
    out += line + "\n";
    if (!i.result.reason.empty()) out += fmt::format("{:15}{}\n", "", i.result.reason);
    if (!i.flag.empty()) out += fmt::format("{:15}flagged: {}\n", "", i.flag);
  }
  bool any_step_flag = false;
  for (const auto& s : d.steps) any_step_flag = any_step_flag || !s.flag.empty();
  if (any_step_flag) {
    out += "\nsteps outside the model's central 98%:\n";
    for (const auto& s : d.steps) {
      if (s.flag.empty()) continue;
      out += fmt::format("  {} took {}: {} of the model (p50 {}, p95 {}) — {}\n", s.id,
                         human(*s.observed.end - *s.observed.start), placement(s.percentile),
                         opt_time(s.p50), opt_time(s.p95), s.flag);
    }
  }
  if (const std::string f = flags_line(d); !f.empty()) out += "\n" + f + "\n";
  out += fmt::format("\nDrill: {}\n", summary(d));
  return out;
}

std::string render_drill_markdown(const DrillCheck& d) {
  std::string out = fmt::format("# DR drill report: {}\n\n", markdown_cell(heading(d)));
  out += "## Summary\n\n";
  out += fmt::format("- Result: **{}**\n", summary(d));
  if (!d.record->scenario.empty()) out += fmt::format("- Scenario: `{}`\n", d.record->scenario);
  out +=
      fmt::format("- Onset (disaster declared): {}\n", models::iso8601(0, d.record->onset_unix_ms));
  if (d.record->observed.service_back)
    out += fmt::format("- Service recovered after: {}\n", human(*d.record->observed.service_back));
  for (const auto& [store, rpo] : d.record->observed.rpo)
    out += fmt::format("- Data recovered for `{}`: {}\n", store,
                       rpo ? "as of " + human(*rpo) + " before the onset" : "not recovered");
  if (d.record->stopped) out += fmt::format("- The drill stopped early: {}\n", *d.record->stopped);
  if (const std::string f = flags_line(d); !f.empty()) out += "- " + f + "\n";
  out +=
      "\n## Checklist\n\n| Item | Result | Measured | Model p50 / p95 | Placement | Note "
      "|\n|---|---|---:|---|---|---|\n";
  for (const auto& i : d.items) {
    std::string note = i.result.reason;
    if (!i.flag.empty()) note += (note.empty() ? "" : "; ") + std::string("flagged: ") + i.flag;
    out += fmt::format("| {} | **{}** | {} | {} | {} | {} |\n", markdown_cell(i.item->text),
                       validators::item_verdict_name(i.result.verdict),
                       i.result.value ? human(*i.result.value) : "—",
                       i.p50 ? fmt::format("{} / {}", human(*i.p50), human(*i.p95)) : "—",
                       placement(i.percentile), markdown_cell(note));
  }
  out +=
      "\n## Timeline\n\n| Step | Started | Ended | Took | Outcome | Model p50 / p95 | Placement "
      "|\n|---|---|---|---:|---|---|---|\n";
  for (const auto& s : d.steps) {
    out += fmt::format(
        "| `{}` | {} | {} | {} | {} | {} | {}{} |\n", markdown_cell(s.id), at(s.observed.start),
        at(s.observed.end),
        s.observed.start && s.observed.end ? human(*s.observed.end - *s.observed.start) : "—",
        markdown_cell(outcome(s.observed)),
        s.p50 ? fmt::format("{} / {}", human(*s.p50), human(*s.p95)) : "—", placement(s.percentile),
        s.flag.empty() ? "" : " — " + s.flag);
  }
  out += "\n## Action items\n\n";
  std::size_t n = 0;
  for (const auto& i : d.items) {
    if (i.result.verdict == ItemVerdict::kFail)
      out += fmt::format("{}. Fix: {} — {}\n", ++n, markdown_cell(i.item->text),
                         markdown_cell(i.result.reason));
    if (i.result.verdict == ItemVerdict::kNotObserved)
      out += fmt::format("{}. Record: {} — {}\n", ++n, markdown_cell(i.item->text),
                         markdown_cell(i.result.reason));
  }
  for (const auto& s : d.steps) {
    if (!s.flag.empty())
      out += fmt::format("{}. Review `{}` ({}): {}\n", ++n, s.id, placement(s.percentile), s.flag);
  }
  if (n == 0) out += "None: every item passed and every step was within the model's range.\n";
  return out;
}

std::string render_drill_html(const DrillCheck& d, const std::string& version) {
  const auto e = [](const std::string& s) { return escape_markup(s); };
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DR drill report: " +
      e(heading(d)) +
      "</title>\n<style>body{font:15px/1.45 system-ui,sans-serif;max-width:64rem;margin:2rem auto;"
      "padding:0 1rem;color:#222}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
      "th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}"
      "th{background:#f4f4f4}.PASS{color:#1b7a2e;font-weight:600}.FAIL{color:#b00020;font-weight:"
      "600}"
      ".NOT{color:#777}.flag{color:#8a5a00}.num{text-align:right;font-variant-numeric:tabular-nums}"
      "</style></head><body>\n";
  out += "<h1>DR drill report: " + e(heading(d)) + "</h1>\n";
  out += "<h2>Summary</h2>\n<ul>\n";
  out += fmt::format("<li>Result: <strong class=\"{}\">{}</strong></li>\n",
                     d.passed() ? "PASS" : "FAIL", e(summary(d)));
  out += fmt::format("<li>Onset (disaster declared): {}</li>\n",
                     e(models::iso8601(0, d.record->onset_unix_ms)));
  if (d.record->observed.service_back)
    out += fmt::format("<li>Service recovered after {}</li>\n",
                       e(human(*d.record->observed.service_back)));
  if (d.record->stopped)
    out += fmt::format("<li>The drill stopped early: {}</li>\n", e(*d.record->stopped));
  if (const std::string f = flags_line(d); !f.empty()) out += "<li>" + e(f) + "</li>\n";
  out +=
      "</ul>\n<h2>Checklist</h2>\n<table><tr><th>Item</th><th>Result</th><th "
      "class=\"num\">Measured</th>"
      "<th>Model p50 / p95</th><th>Placement</th><th>Note</th></tr>\n";
  for (const auto& i : d.items) {
    const std::string verdict(validators::item_verdict_name(i.result.verdict));
    out += fmt::format(
        "<tr><td>{}</td><td class=\"{}\">{}</td><td "
        "class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
        e(i.item->text), verdict.substr(0, verdict.find(' ')), e(verdict),
        e(i.result.value ? human(*i.result.value) : "—"),
        e(i.p50 ? human(*i.p50) + " / " + human(*i.p95) : "—"), e(placement(i.percentile)),
        e(i.result.reason),
        i.flag.empty() ? "" : " <span class=\"flag\">flagged: " + e(i.flag) + "</span>");
  }
  out +=
      "</table>\n<h2>Timeline</h2>\n<table><tr><th>Step</th><th>Started</th><th>Ended</th>"
      "<th class=\"num\">Took</th><th>Outcome</th><th>Model p50 / "
      "p95</th><th>Placement</th></tr>\n";
  for (const auto& s : d.steps) {
    out += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td "
        "class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
        e(s.id), e(at(s.observed.start)), e(at(s.observed.end)),
        e(s.observed.start && s.observed.end ? human(*s.observed.end - *s.observed.start) : "—"),
        e(outcome(s.observed)), e(s.p50 ? human(*s.p50) + " / " + human(*s.p95) : "—"),
        e(placement(s.percentile)),
        s.flag.empty() ? "" : " <span class=\"flag\">" + e(s.flag) + "</span>");
  }
  out += "</table>\n<p>Record <code>" + e(d.record->file) + "</code>, checklist <code>" +
         e(d.checklist->file) + "</code>; drsim " + e(version) + ".</p>\n</body></html>\n";
  return out;
}

std::string render_drill_plan_text(const std::string& scenario,
                                   const std::vector<scenarios::PlannedStep>& plan,
                                   const scenarios::LiveTarget& target) {
  using Kind = scenarios::PlannedStep::Kind;
  const auto changes = std::count_if(plan.begin(), plan.end(),
                                     [](const scenarios::PlannedStep& p) { return p.mutating; });
  std::string out = fmt::format(
      "drsim drill run — {}: DRY RUN against the live backend; nothing is executed\n"
      "AWS CLI {}, {}, {}; {} steps, {} of which would change the account\n\n",
      scenario, target.aws,
      target.profile.empty() ? "its default credentials" : "profile " + target.profile,
      target.endpoint_url.empty() ? "AWS's own endpoints" : "endpoint " + target.endpoint_url,
      plan.size(), changes);
  std::size_t width = 4;
  for (const auto& p : plan) width = std::max(width, display_width(p.id));
  const std::string indent(4 + 2 + width + 2 + 7 + 2, ' ');
  for (std::size_t k = 0; k < plan.size(); ++k) {
    const auto& p = plan[k];
    std::string what;
    switch (p.kind) {
      case Kind::kAws:
        what = scenarios::shell_line(p.argv);
        break;
      case Kind::kWaiter:
        what = fmt::format("poll every {}s, at most {} times: {}", p.poll_seconds, p.max_polls,
                           scenarios::shell_line(p.argv));
        break;
      case Kind::kOther:
        what = p.text + "   (run as written)";
        break;
      case Kind::kManual:
        what = fmt::format("manual{}: the operator confirms when it is done",
                           p.owner.empty() ? "" : " (" + p.owner + ")");
        break;
      case Kind::kProbe:
        what = "curl -f " + p.text;
        break;
      case Kind::kDig:
        what = "dig +short " + p.text;
        break;
    }
    out += fmt::format("  {:>2}  {}{}  {:<7}  {}\n", k + 1, p.id,
                       std::string(width - display_width(p.id), ' '), p.mutating ? "CHANGES" : "",
                       what);
    for (const auto& [name, query] : p.binds)
      out += fmt::format("{}binds ${{{}}} <- --query '{}'\n", indent, name, query);
  }
  return out;
}

}  // namespace drsim::reports
