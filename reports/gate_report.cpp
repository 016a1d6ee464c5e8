#include "reports/gate_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "reports/metric_summary.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

using validators::CheckResult;
using validators::GateResult;
using validators::Verdict;

/// A statistic: a duration ("3.4h", "never") or a share ("99.2%").
std::string statistic(const CheckResult& c, double v) {
  if (c.share) return percent(v);
  if (std::isinf(v)) return v > 0 ? "never" : "-";
  return human(static_cast<std::int64_t>(std::llround(v)));
}

/// A change: "+42m", "−3.1m", "+0s", "+∞"; shares in points ("−1.2 pt").
std::string change(const CheckResult& c, double v) {
  if (!c.share) return signed_human(v);
  return fmt::format("{}{:.2f} pt", v < 0 ? "−" : "+", std::abs(v) * 100);
}

std::string value(const CheckResult& c) {
  if (c.verdict == Verdict::kSkipped) return "";
  return c.regression ? change(c, c.value) : statistic(c, c.value);
}

std::string interval(const CheckResult& c) {
  if (c.verdict == Verdict::kSkipped) return "";
  auto side = [&](double v) { return c.regression ? change(c, v) : statistic(c, v); };
  return fmt::format("[{}, {}]", side(c.low), side(c.high));
}

/// What else a reader needs: the two runs' values, the limit, the note.
std::string detail(const CheckResult& c) {
  if (c.verdict == Verdict::kSkipped) return c.note;
  std::string out;
  if (c.regression) {
    out = fmt::format("{} → {}; limit {}", statistic(c, c.baseline), statistic(c, c.candidate),
                      change(c, c.limit));
  }
  if (!c.note.empty()) out += (out.empty() ? "" : "; ") + c.note;
  return out;
}

std::string summary(const GateResult& g) {
  const std::size_t inconclusive = g.count(Verdict::kInconclusive);
  return fmt::format("{} — {} failed, {} passed, {} inconclusive{}, {} skipped",
                     g.passed() ? "PASS" : "FAIL", g.count(Verdict::kFail), g.count(Verdict::kPass),
                     inconclusive,
                     inconclusive && !g.inconclusive_fails ? " (allowed by the policy)" : "",
                     g.count(Verdict::kSkipped));
}

std::string method(const GateResult& g) {
  return fmt::format(
      "{:g}% family-wise confidence: each interval at {:.4g}% (Bonferroni over {} checks × {} "
      "looks); seed {}",
      g.confidence * 100, g.check_confidence * 100, g.tests, g.looks, g.seed);
}

}  // namespace

std::string render_gate_text(const GateResult& g, bool color) {
  auto paint = [&](Verdict v) {
    const std::string name(validators::verdict_name(v));
    if (!color) return fmt::format("{:<12}", name);
    // Colour marks the verdict only; the words carry it without colour too.
    const char* code = v == Verdict::kPass           ? "32"
                       : v == Verdict::kFail         ? "31;1"
                       : v == Verdict::kInconclusive ? "33"
                                                     : "2";
    return fmt::format("\x1b[{}m{:<12}\x1b[0m", code, name);
  };
  std::string out =
      fmt::format("drsim gate — {} scenario{}, {} check{}\n{}\n", g.scenarios.size(),
                  g.scenarios.size() == 1 ? "" : "s", g.tests, g.tests == 1 ? "" : "s", method(g));
  for (const auto& s : g.scenarios) {
    out += fmt::format("\n{} — {} trials; baseline: {}\n", s.name, s.trials, s.baseline);
    std::size_t width = 0;
    for (const CheckResult& c : s.checks) width = std::max(width, display_width(c.label));
    for (const CheckResult& c : s.checks) {
      std::string line =
          fmt::format("  {}{}{}  {:>9}  {}", paint(c.verdict), c.label,
                      std::string(width - display_width(c.label), ' '), value(c), interval(c));
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
      // Why, where it did not simply pass.
      if (c.verdict != Verdict::kPass && !detail(c).empty())
        out += fmt::format("{:14}{}\n", "", detail(c));
    }
  }
  out += fmt::format("\nGate: {}\n", summary(g));
  return out;
}

std::string render_gate_markdown(const GateResult& g) {
  std::string out = fmt::format("## drsim gate: {}\n\n{}\n\n", summary(g), method(g));
  out += "| Scenario | Check | Verdict | Estimate | Interval | Detail | Trials |\n";
  out += "|---|---|---|---:|---|---|---:|\n";
  for (const auto& s : g.scenarios) {
    for (const CheckResult& c : s.checks) {
      out += fmt::format("| {} | {} | **{}** | {} | {} | {} | {} |\n", markdown_cell(s.name),
                         markdown_cell(c.label), validators::verdict_name(c.verdict),
                         markdown_cell(value(c)), markdown_cell(interval(c)),
                         markdown_cell(detail(c)), s.trials);
    }
  }
  return out;
}

std::string render_gate_junit(const GateResult& g) {
  std::size_t tests = 0, failures = 0, skipped = 0;
  std::string suites;
  for (const auto& s : g.scenarios) {
    std::size_t f = 0, k = 0;
    std::string cases;
    for (const CheckResult& c : s.checks) {
      cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", escape_markup(s.name),
                           escape_markup(c.label));
      const std::string text = fmt::format("{} {} {} {}", validators::verdict_name(c.verdict),
                                           value(c), interval(c), detail(c));
      const bool failed = c.verdict == Verdict::kFail ||
                          (c.verdict == Verdict::kInconclusive && g.inconclusive_fails);
      if (failed) {
        ++f;
        cases += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                             escape_markup(text), escape_markup(text));
      } else if (c.verdict == Verdict::kSkipped || c.verdict == Verdict::kInconclusive) {
        ++k;
        cases += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                             escape_markup(text));
      } else {
        cases += "/>\n";
      }
    }
    suites += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n"
        "    <properties>\n      <property name=\"file\" value=\"{}\"/>\n      <property "
        "name=\"trials\" value=\"{}\"/>\n      <property name=\"baseline\" value=\"{}\"/>\n"
        "    </properties>\n{}  </testsuite>\n",
        escape_markup(s.name), s.checks.size(), f, k, escape_markup(s.file), s.trials,
        escape_markup(s.baseline), cases);
    tests += s.checks.size();
    failures += f;
    skipped += k;
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"drsim gate\" tests=\"{}\" "
      "failures=\"{}\" skipped=\"{}\">\n{}</testsuites>\n",
      tests, failures, skipped, suites);
}

nlohmann::json gate_json(const GateResult& g) {
  const auto number = finite_json;
  nlohmann::json j;
  j["schema_version"] = 1;
  j["verdict"] = g.passed() ? "PASS" : "FAIL";
  j["seed"] = g.seed;
  j["confidence"] = g.confidence;
  j["check_confidence"] = g.check_confidence;
  j["checks"] = g.tests;
  j["looks"] = g.looks;
  j["scenarios"] = nlohmann::json::array();
  for (const auto& s : g.scenarios) {
    nlohmann::json sj{
        {"name", s.name}, {"file", s.file}, {"baseline", s.baseline}, {"trials", s.trials}};
    sj["checks"] = nlohmann::json::array();
    for (const CheckResult& c : s.checks) {
      nlohmann::json cj{{"check", c.label},
                        {"verdict", validators::verdict_name(c.verdict)},
                        {"kind", c.regression ? "regression" : "absolute"},
                        {"unit", c.share ? "share" : "ms"}};
      if (c.verdict != Verdict::kSkipped) {
        cj["estimate"] = number(c.value);
        cj["interval"] = {number(c.low), number(c.high)};
        cj["limit"] = number(c.limit);
        if (c.regression) {
          cj["baseline"] = number(c.baseline);
          cj["candidate"] = number(c.candidate);
        }
      }
      if (!c.note.empty()) cj["note"] = c.note;
      sj["checks"].push_back(std::move(cj));
    }
    j["scenarios"].push_back(std::move(sj));
  }
  return j;
}

}  // namespace drsim::reports
