#include "reports/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

#include "reports/metric_summary.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

using sim::Duration;
using sim::kHour;
using sim::kMinute;

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
constexpr std::array<const char*, 7> kPhaseColors = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                     "#56B4E9", "#D55E00", "#F0E442"};
constexpr const char* kObjectiveColor = "#D55E00";
constexpr const char* kBarColor = "#0072B2";
constexpr const char* kNeverColor = "#999999";

std::string esc(std::string_view text) {
  return escape_markup(text);
}

/// A time axis from 0 to at least `span`: a round tick step giving at most 8 ticks.
struct TimeAxis {
  Duration end = kMinute, step = kMinute;
  explicit TimeAxis(Duration span) {
    static constexpr std::array<Duration, 19> kSteps = {
        sim::kSecond, 5 * sim::kSecond, 15 * sim::kSecond, 30 * sim::kSecond, kMinute,
        2 * kMinute,  5 * kMinute,      10 * kMinute,      15 * kMinute,      30 * kMinute,
        kHour,        2 * kHour,        3 * kHour,         6 * kHour,         12 * kHour,
        sim::kDay,    2 * sim::kDay,    7 * sim::kDay,     30 * sim::kDay};
    span = std::max<Duration>(span, sim::kSecond);
    step = kSteps.back();
    for (const Duration s : kSteps) {
      if (span / s <= 7) {
        step = s;
        break;
      }
    }
    end = (span + step - 1) / step * step;
  }
};

/// Plot geometry: a chart of `width` x `height` with margins for the axes.
struct Plot {
  double width = 640, height = 220, left = 64, right = 24, top = 16, bottom = 44;
  double x(double fraction) const { return left + fraction * (width - left - right); }
  double y(double fraction) const { return height - bottom - fraction * (height - top - bottom); }
};

/// The x axis of a time plot: ticks, human labels and the axis title.
std::string time_axis_svg(const Plot& p, const TimeAxis& axis, std::string_view title) {
  std::string out =
      fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="axis"/>)", p.x(0),
                  p.y(0), p.x(1), p.y(0));
  for (Duration t = 0; t <= axis.end; t += axis.step) {
    const double x = p.x(static_cast<double>(t) / static_cast<double>(axis.end));
    out += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" class="tick"/>)"
                       R"(<text x="{0:.1f}" y="{3:.1f}" class="tl">{4}</text>)",
                       x, p.y(0), p.y(0) + 4, p.y(0) + 16,
                       t == 0 ? "0" : esc(sim::format_duration_short(t)));
  }
  out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="at">{}</text>)", p.x(0.5), p.height - 6,
                     esc(title));
  return out;
}

/// A vertical marker at `t` on a time axis (the objective), labelled; `row` moves the label
/// down so that two markers' labels do not collide. Near the right edge the label goes left.
std::string marker_svg(const Plot& p, const TimeAxis& axis, Duration t, std::string_view label,
                       int row = 0) {
  if (t > axis.end) return {};
  const double x = p.x(static_cast<double>(t) / static_cast<double>(axis.end));
  const bool left = x > p.x(0.8);
  return fmt::format(
      R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="2" stroke-dasharray="6 4"/>)"
      R"(<text x="{4:.1f}" y="{5:.1f}" fill="{3}" class="ml" text-anchor="{6}">{7}</text>)",
      x, p.y(0), p.y(1), kObjectiveColor, left ? x - 4 : x + 4, p.y(1) + 10 + 13 * row,
      left ? "end" : "start", esc(label));
}

/// The finite values' p-quantile (the sample's quantiles count infinite values too).
std::int64_t finite_quantile(const sim::Sample& x, double p) {
  const double share = static_cast<double>(x.finite_count()) / static_cast<double>(x.count());
  return x.quantile(std::max(1e-9, p * share));
}

/// Histogram and cumulative distribution of one metric, side by side, with the objective
/// and the probability of meeting it in words.
std::string distribution_svg(const sim::Sample& x, std::optional<Duration> objective,
                             std::string_view metric) {
  if (x.count() == 0) return "<p>No trial.</p>";
  std::string out;
  if (x.finite_count() == 0) {
    return fmt::format("<p class=\"never\">{}: never, in all {} trials.</p>", esc(metric),
                       x.count());
  }
  // Up to the 99th percentile of the finite values (and the objective): a long tail is one
  // last bar, counted, not a squashed chart.
  const Duration top =
      std::max<Duration>({finite_quantile(x, 0.99), objective.value_or(0), sim::kSecond});
  const TimeAxis axis(top + top / 20);
  constexpr int kBins = 40;
  std::array<std::uint64_t, kBins> counts{};
  std::uint64_t previous = 0;
  for (int b = 0; b < kBins; ++b) {
    const std::uint64_t upto =
        b + 1 == kBins ? x.finite_count()
                       : x.count_at_most(axis.end * (b + 1) / kBins - (b + 1 == kBins ? 0 : 1));
    counts[static_cast<std::size_t>(b)] = upto - previous;
    previous = upto;
  }
  const std::uint64_t peak =
      std::max(*std::max_element(counts.begin(), counts.end()), x.infinite_count());
  // Histogram (a last, grey bar counts the trials that never got there).
  Plot h;
  out += fmt::format(
      R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{} histogram"><title>{} histogram</title>)",
      h.width, h.height, esc(metric), esc(metric));
  const double bar = (h.x(1) - h.x(0)) / (kBins + 3);
  for (int b = 0; b < kBins; ++b) {
    const double frac =
        static_cast<double>(counts[static_cast<std::size_t>(b)]) / static_cast<double>(peak);
    out += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>)",
                       h.x(0) + b * bar, h.y(frac), bar * 0.92, h.y(0) - h.y(frac), kBarColor);
  }
  if (x.infinite_count() > 0) {
    const double frac = static_cast<double>(x.infinite_count()) / static_cast<double>(peak);
    const double nx = h.x(0) + (kBins + 1.5) * bar;
    out += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/><text x="{:.1f}" y="{:.1f}" class="tl">never</text>)",
        nx, h.y(frac), bar * 1.5, h.y(0) - h.y(frac), kNeverColor, nx + bar * 0.75, h.y(frac) - 4);
  }
  for (int k = 0; k <= 4; ++k) {
    out += fmt::format(
        R"(<text x="{:.1f}" y="{:.1f}" class="yl">{}</text><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="grid"/>)",
        h.x(0) - 6, h.y(k / 4.0) + 4, peak * static_cast<std::uint64_t>(k) / 4, h.x(0),
        h.y(k / 4.0), h.x(1), h.y(k / 4.0));
  }
  out += fmt::format(
      "<text x=\"14\" y=\"{:.1f}\" class=\"at\" transform=\"rotate(-90 14 {:.1f})\">trials</text>",
      h.y(0.5), h.y(0.5));
  out += time_axis_svg(h, axis, metric);
  if (objective) out += marker_svg(h, axis, *objective, "objective " + human(*objective));
  out += "</svg>";

  // Cumulative distribution: the share of all trials back within t.
  Plot c;
  out += fmt::format(
      R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{} cumulative distribution"><title>{}: share of trials within t</title>)",
      c.width, c.height, esc(metric), esc(metric));
  for (int k = 0; k <= 4; ++k) {
    out += fmt::format(
        R"(<text x="{:.1f}" y="{:.1f}" class="yl">{}%</text><line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="grid"/>)",
        c.x(0) - 6, c.y(k / 4.0) + 4, 25 * k, c.x(0), c.y(k / 4.0), c.x(1), c.y(k / 4.0));
  }
  std::string path = fmt::format("M{:.1f},{:.1f}", c.x(0), c.y(0));
  constexpr int kPoints = 160;
  for (int i = 1; i <= kPoints; ++i) {
    const Duration t = axis.end * i / kPoints;
    const double share = static_cast<double>(x.count_at_most(t)) / static_cast<double>(x.count());
    path += fmt::format(" L{:.1f},{:.1f}", c.x(static_cast<double>(i) / kPoints), c.y(share));
  }
  out += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"/>)", path, kBarColor);
  out += fmt::format(
      "<text x=\"14\" y=\"{:.1f}\" class=\"at\" transform=\"rotate(-90 14 {:.1f})\">trials within "
      "t</text>",
      c.y(0.5), c.y(0.5));
  out += time_axis_svg(c, axis, metric);
  if (objective) out += marker_svg(c, axis, *objective, "objective " + human(*objective));
  out += "</svg>";

  // In words.
  out += "<p class=\"words\">";
  if (objective) {
    const sim::Proportion p = meeting(x, *objective);
    const sim::ProbabilityInterval ci = p.clopper_pearson();
    out += fmt::format(
        "P({} ≤ {}) = <b>{}</b> (95% CI {} to {}): in about {} of 100 incidents like this one, "
        "{} is within the objective. ",
        esc(metric), esc(human(*objective)), percent(p.estimate()), percent(ci.low),
        percent(ci.high), static_cast<int>(std::lround(100 * p.estimate())), esc(metric));
  }
  out += fmt::format("Median {}, p95 {}, p99 {}", esc(human(x.quantile(0.5))),
                     esc(human(x.quantile(0.95))), esc(human(x.quantile(0.99))));
  if (x.infinite_count() > 0)
    out += fmt::format("; never in {} of {} trials", x.infinite_count(), x.count());
  out += ".</p>";
  return out;
}

/// The RTO of recovered trials split into detection, escalation and decision, execution.
std::string breakdown_html(const scenarios::ScenarioResults& r) {
  if (r.detection_ms.count() == 0) return "<p>No runbook completed.</p>";
  const std::array<std::pair<const char*, const sim::Sample*>, 3> parts = {
      {{"detection", &r.detection_ms},
       {"escalation and decision", &r.decision_ms},
       {"execution", &r.execution_ms}}};
  double total = 0;
  for (const auto& [name, x] : parts) total += static_cast<double>(x->quantile(0.5));
  Plot p;
  p.height = 70;
  p.bottom = 10;
  std::string out = fmt::format(
      R"(<svg class="chart wide" viewBox="0 0 {} {}" role="img" aria-label="RTO breakdown"><title>Median RTO parts</title>)",
      p.width, p.height);
  double at = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const double w = total > 0 ? static_cast<double>(parts[k].second->quantile(0.5)) / total : 0;
    out += fmt::format(
        R"(<rect x="{:.1f}" y="14" width="{:.1f}" height="26" fill="{}"><title>{} {}</title></rect>)",
        p.x(at), std::max(0.0, p.x(at + w) - p.x(at)), kPhaseColors[k], parts[k].first,
        esc(human(parts[k].second->quantile(0.5))));
    at += w;
  }
  out += "</svg><table><tr><th>part of the RTO</th><th>p50</th><th>p95</th></tr>";
  for (std::size_t k = 0; k < parts.size(); ++k) {
    out += fmt::format(
        "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        kPhaseColors[k], parts[k].first, esc(human(parts[k].second->quantile(0.5))),
        esc(human(parts[k].second->quantile(0.95))));
  }
  return out +
         "</table><p class=\"note\">Medians of each part, over the trials whose runbook "
         "completed; they need not add up to the median RTO.</p>";
}

/// The runbook's phases in the order its steps first name them ("" for steps without one).
std::vector<std::string> phases_in_order(const scenarios::Scenario& s) {
  std::vector<std::string> phases;
  for (const scenarios::Step& step : s.runbook) {
    if (std::find(phases.begin(), phases.end(), step.phase) == phases.end())
      phases.push_back(step.phase);
  }
  return phases;
}

/// One replayed trial as a Gantt chart: detection and the page, then each step.
std::string gantt_html(const scenarios::Scenario& s, const ReplayedTrial& t) {
  const scenarios::TrialOutcome& o = t.outcome;
  const std::vector<std::string> phases = phases_in_order(s);
  Duration span = o.detection_ms + o.decision_ms;
  for (const scenarios::StepRecord& rec : o.steps) {
    if (rec.end != sim::kNever) span = std::max(span, rec.end - o.onset);
  }
  if (o.rto_ms != sim::kInfinite) span = std::max(span, o.rto_ms);
  if (s.objectives.rto) span = std::max(span, *s.objectives.rto);
  const TimeAxis axis(span);
  constexpr double kRow = 18;
  Plot p;
  p.width = 900;
  p.left = 170;
  p.top = 10;
  p.height = p.top + kRow * static_cast<double>(s.runbook.size() + 1) + p.bottom;
  auto x_of = [&](Duration d) {
    return p.x(std::clamp(static_cast<double>(d) / static_cast<double>(axis.end), 0.0, 1.0));
  };
  std::string out = fmt::format(
      R"(<h3>{} trial (#{}): RTO {}</h3><svg class="chart wide" viewBox="0 0 {} {:.0f}" role="img" aria-label="timeline of trial {}"><title>Trial {}</title>)",
      esc(t.label), t.trial, esc(human(o.rto_ms)), p.width, p.height, t.trial, t.trial);
  // Row 0: until detected, then until someone acknowledged the page.
  const double y0 = p.top;
  out += fmt::format(
      R"(<text x="{:.1f}" y="{:.1f}" class="rl">detection, page</text><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/><rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="#bbbbbb"/>)",
      p.left - 6, y0 + 13, x_of(0), y0 + 3, x_of(o.detection_ms) - x_of(0), kRow - 6, kNeverColor,
      x_of(o.detection_ms), y0 + 3, x_of(o.detection_ms + o.decision_ms) - x_of(o.detection_ms),
      kRow - 6);
  std::vector<sim::Time> phase_start(phases.size(), sim::kNever);
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    const scenarios::Step& step = s.runbook[i];
    const scenarios::StepRecord& rec = o.steps[i];
    const std::size_t ph = static_cast<std::size_t>(
        std::find(phases.begin(), phases.end(), step.phase) - phases.begin());
    const double y = p.top + kRow * static_cast<double>(i + 1);
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="rl">{}</text>)", p.left - 6, y + 13,
                       esc(step.id));
    if (rec.start == sim::kNever || rec.end == sim::kNever) {
      out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tl left">{}</text>)", p.x(0) + 4,
                         y + 13, rec.skipped ? "skipped (its condition did not hold)" : "not run");
      continue;
    }
    phase_start[ph] = std::min(phase_start[ph], rec.start);
    const double x1 = x_of(rec.start - o.onset), x2 = std::max(x1 + 2, x_of(rec.end - o.onset));
    out += fmt::format(
        R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"{}><title>{}: {} ({}){}</title></rect>)",
        x1, y + 3, x2 - x1, kRow - 6, kPhaseColors[ph % kPhaseColors.size()],
        rec.critical ? R"( stroke="#000" stroke-width="2")" : "", esc(step.id),
        esc(human(rec.end - rec.start)), esc(step.phase.empty() ? "no phase" : step.phase),
        rec.ok ? "" : ", FAILED");
    if (!rec.ok) {
      out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tl left fail">failed</text>)",
                         x2 + 4, y + 13);
    }
  }
  // Phase budgets: a dashed tick where each phase's budget runs out, from its first start.
  for (std::size_t ph = 0; ph < phases.size(); ++ph) {
    const auto budget =
        std::find_if(s.phases.begin(), s.phases.end(),
                     [&](const scenarios::Phase& x) { return x.name == phases[ph]; });
    if (budget == s.phases.end() || !budget->budget || phase_start[ph] == sim::kNever) continue;
    double first = p.height, last = 0;
    for (std::size_t i = 0; i < s.runbook.size(); ++i) {
      if (s.runbook[i].phase != phases[ph]) continue;
      first = std::min(first, p.top + kRow * static_cast<double>(i + 1));
      last = std::max(last, p.top + kRow * static_cast<double>(i + 2));
    }
    const double bx = x_of(phase_start[ph] - o.onset + *budget->budget);
    out += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" stroke-width="2" stroke-dasharray="3 3"><title>{4} budget {5}</title></line>)",
        bx, first, last, kPhaseColors[ph % kPhaseColors.size()], esc(phases[ph]),
        esc(human(*budget->budget)));
  }
  out += time_axis_svg(p, axis, "time since the failure");
  if (o.rto_ms != sim::kInfinite) out += marker_svg(p, axis, o.rto_ms, "service back");
  if (s.objectives.rto && *s.objectives.rto != o.rto_ms)
    out += marker_svg(p, axis, *s.objectives.rto, "RTO objective", 1);
  out += "</svg>";
  if (!o.cause.empty())
    out += fmt::format("<p class=\"fail\">Could not complete: {} — {}</p>", esc(o.cause),
                       esc(o.detail));
  return out;
}

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       margin: 2em auto; max-width: 1000px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
h3 { font-size: 1em; }
.chart { width: 49%; height: auto; } .chart.wide { width: 100%; }
.axis { stroke: #333; } .tick { stroke: #333; } .grid { stroke: #e6e6e6; }
text { font-size: 11px; fill: #333; } .tl { text-anchor: middle; } .tl.left { text-anchor: start; }
.yl, .rl { text-anchor: end; } .at { text-anchor: middle; font-weight: 600; } .ml { font-size: 11px; }
.fail { color: #b00; fill: #b00; } .never { color: #555; } .note { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
footer { margin-top: 3em; color: #666; font-size: 0.9em; }
)";

}  // namespace

namespace {

/// A what-if chart: a metric's p95 at each point with its 95% interval, the objective as a
/// dashed line, points that meet the objectives filled.
std::string sweep_chart_svg(
    const scenarios::Sweep& w, std::string_view title,
    const std::function<const scenarios::PointMetric&(const scenarios::SweepPoint&)>& of) {
  Plot p;
  p.width = 960;
  p.height = 260;
  p.bottom = 64;
  Duration top = 0;
  bool never = false;
  for (const auto& point : w.points) {
    const scenarios::PointMetric& m = of(point);
    for (const std::int64_t v : {m.p95, m.p95_ci.high.value_or(sim::kInfinite)}) {
      if (v == sim::kInfinite) {
        never = true;
      } else {
        top = std::max(top, v);
      }
    }
    if (m.objective) top = std::max(top, *m.objective);
  }
  const TimeAxis axis(top);
  const double never_y = p.y(1) - 4;  // "never" plots above the axis' end
  auto y = [&](std::int64_t v) {
    return v == sim::kInfinite ? never_y
                               : p.y(static_cast<double>(v) / static_cast<double>(axis.end));
  };
  std::string out =
      fmt::format(R"(<svg class="chart wide" viewBox="0 0 {} {}" role="img" aria-label="{}">)",
                  p.width, p.height, esc(title));
  for (Duration t = 0; t <= axis.end; t += axis.step) {
    out += fmt::format(R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" class="grid"/>)"
                       R"(<text x="{3:.1f}" y="{4:.1f}" class="yl">{5}</text>)",
                       p.x(0), y(t), p.x(1), p.x(0) - 6, y(t) + 4,
                       t == 0 ? "0" : esc(sim::format_duration_short(t)));
  }
  if (never)
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="yl">never</text>)", p.x(0) - 6,
                       never_y + 4);
  const auto& first = of(w.points.front());
  if (first.objective) {
    out += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{2:.1f}" y2="{1:.1f}" stroke="{3}" stroke-width="2" stroke-dasharray="6 4"/>)"
        R"(<text x="{2:.1f}" y="{4:.1f}" fill="{3}" class="yl">objective {5}</text>)",
        p.x(0), y(*first.objective), p.x(1), kObjectiveColor, y(*first.objective) - 4,
        esc(human(*first.objective)));
  }
  const std::size_t n = w.points.size();
  for (std::size_t k = 0; k < n; ++k) {
    const auto& point = w.points[k];
    const scenarios::PointMetric& m = of(point);
    const double x = p.x((static_cast<double>(k) + 0.5) / static_cast<double>(n));
    const double lo = y(m.p95_ci.low.value_or(0)), hi = y(m.p95_ci.high.value_or(sim::kInfinite));
    out += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#333"/>)", x, lo, hi);
    const bool meets = m.objective && m.p95 <= *m.objective;
    out += fmt::format(
        R"(<circle cx="{:.1f}" cy="{:.1f}" r="5" fill="{}" stroke="{}" stroke-width="2"><title>{}: p95 {}</title></circle>)",
        x, y(m.p95), meets ? "#009E73" : "#fff", meets ? "#009E73" : kObjectiveColor,
        esc(fmt::format("{}", fmt::join(point.values, ", "))), esc(human(m.p95)));
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="tl">{}</text>)", x, p.y(0) + 16,
                       esc(fmt::format("{}", fmt::join(point.values, ", "))));
  }
  std::string axes;
  for (const auto& a : w.axes) axes += (axes.empty() ? "" : ", ") + a.path;
  out += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" class="axis"/>)",
                     p.x(0), p.y(0), p.x(1), p.y(0));
  out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="at">{}</text></svg>)", p.x(0.5),
                     p.height - 10, esc(axes));
  return out;
}

}  // namespace

std::string render_whatif_html(const scenarios::Sweep& w, const Provenance& provenance) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += fmt::format("<title>drsim {}: {}</title><style>{}</style></head><body>", esc(w.command),
                     esc(w.name), kStyle);
  out += fmt::format(
      "<h1>drsim {}: {}</h1><p>{} points, {} trials each, seed {}, common random numbers: "
      "every point replays the same trials, so differences between points are measured "
      "trial by trial. Filled: the point meets the objectives at p95. Whiskers: 95% intervals.</p>",
      esc(w.command), esc(w.name), w.points.size(), w.trials, w.seed);
  out += "<h2>RTO p95</h2>";
  out += sweep_chart_svg(
      w, "RTO p95 at each point",
      [](const scenarios::SweepPoint& p) -> const scenarios::PointMetric& { return p.rto; });
  for (std::size_t k = 0; k < w.stores.size(); ++k) {
    out += fmt::format("<h2>RPO p95: {}</h2>", esc(w.stores[k]));
    out += sweep_chart_svg(
        w, "RPO p95 at each point",
        [k](const scenarios::SweepPoint& p) -> const scenarios::PointMetric& { return p.rpo[k]; });
  }
  out += "<h2>Points</h2><table><tr>";
  for (const auto& a : w.axes) out += fmt::format("<th>{}</th>", esc(a.path));
  out +=
      "<th>RTO p50</th><th>RTO p95</th><th>change of p95 vs the first point [95% CI]</th><th>P(RTO "
      "met)</th>";
  for (const auto& store : w.stores) out += fmt::format("<th>RPO {} p95</th>", esc(store));
  out += "<th>meets</th></tr>";
  auto change = [](double v) {
    if (std::isinf(v)) return std::string(v > 0 ? "+&#8734;" : "&#8722;&#8734;");
    return fmt::format("{}{}", v < 0 ? "&#8722;" : "+",
                       esc(human(static_cast<std::int64_t>(std::llround(std::abs(v))))));
  };
  for (std::size_t i = 0; i < w.points.size(); ++i) {
    const auto& pt = w.points[i];
    out += "<tr>";
    for (const auto& v : pt.values) out += fmt::format("<td>{}</td>", esc(v));
    out += fmt::format(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td>",
        esc(human(pt.rto.p50)), esc(human(pt.rto.p95)),
        i == 0 ? "&#8212;"
               : fmt::format("{} [{}, {}]", change(pt.rto.p95_change.estimate),
                             change(pt.rto.p95_change.low), change(pt.rto.p95_change.high)),
        pt.rto.objective ? percent(pt.rto.p_meet) : "&#8212;");
    for (const auto& m : pt.rpo) out += fmt::format("<td class=\"n\">{}</td>", esc(human(m.p95)));
    out += fmt::format("<td>{}</td></tr>", pt.meets ? "<b>yes</b>" : "no");
  }
  out += "</table>";
  out += fmt::format("<footer>{}; seed {}; drsim {}.</footer></body></html>\n",
                     esc(provenance.scenario_file), provenance.seed, esc(provenance.version));
  return out;
}

std::string render_sensitivity_html(const scenarios::Sensitivity& s, const Provenance& provenance) {
  const std::string q = s.quantile == 0.95 ? "p95" : "p50";
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += fmt::format("<title>drsim sensitivity: {}</title><style>{}</style></head><body>",
                     esc(s.name), kStyle);
  out += fmt::format(
      "<h1>drsim sensitivity: {}</h1><p>{} trials per run, seed {}, common random numbers. Each "
      "input is fixed at its p10 (blue) and then its p90 (orange) while everything else varies; "
      "the bars show where the {} RTO goes.</p>",
      esc(s.name), s.trials, s.seed, q);
  // The tornado: one row per input, on a time axis from 0 to the largest finite value.
  Duration top = s.base == sim::kInfinite ? 0 : s.base;
  for (const auto& i : s.inputs) {
    for (const std::int64_t v : {i.p95_low, i.p95_high}) {
      if (v != sim::kInfinite) top = std::max(top, v);
    }
  }
  const TimeAxis axis(top);
  Plot p;
  p.width = 960;
  p.left = 260;
  p.top = 10;
  p.height =
      p.top + p.bottom + 26.0 * static_cast<double>(std::max<std::size_t>(s.inputs.size(), 1));
  auto x = [&](std::int64_t v) {
    return v == sim::kInfinite ? p.x(1)
                               : p.x(static_cast<double>(v) / static_cast<double>(axis.end));
  };
  out += fmt::format(
      R"(<svg class="chart wide" viewBox="0 0 {} {:.0f}" role="img" aria-label="tornado">)",
      p.width, p.height);
  out += time_axis_svg(p, axis, fmt::format("{} RTO", q));
  for (std::size_t k = 0; k < s.inputs.size(); ++k) {
    const auto& i = s.inputs[k];
    const double y = p.top + 26.0 * static_cast<double>(k);
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="yl">{}</text>)", p.left - 6, y + 15,
                       esc(i.name));
    for (const auto& [v, color] :
         {std::pair{i.p95_low, "#56B4E9"}, std::pair{i.p95_high, "#E69F00"}}) {
      const double a = std::min(x(v), x(s.base)), b = std::max(x(v), x(s.base));
      out += fmt::format(
          R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="18" fill="{}"><title>{}</title></rect>)",
          a, y + 2, std::max(b - a, 1.0), color, esc(human(v)));
      if (v == sim::kInfinite)
        out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="yl">never</text>)", p.x(1) - 4,
                           y + 15);
    }
  }
  if (s.base != sim::kInfinite) {
    out += fmt::format(
        R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#333" stroke-dasharray="4 3"/>)",
        x(s.base), p.top, p.y(0));
  }
  out += "</svg>";
  out += "<h2>Which steps explain the RTO</h2>";
  out += fmt::format(
      "<p>Standardized regression of the RTO on every step's duration over the {} trials that "
      "recovered (R² {:.2f}), and each step's share of the critical path.</p>",
      s.regression_trials, s.r_squared);
  out += "<table><tr><th>step</th><th>SRC</th><th>critical path</th></tr>";
  for (const auto& st : s.steps) {
    out += fmt::format(
        "<tr><td><code>{}</code></td><td class=\"n\">{:.2f}</td><td class=\"n\">{}</td></tr>",
        esc(st.step), st.src, percent(st.critical_share));
  }
  out += "</table>";
  out += fmt::format("<footer>{}; seed {}; drsim {}.</footer></body></html>\n",
                     esc(provenance.scenario_file), provenance.seed, esc(provenance.version));
  return out;
}

std::string render_scenario_html(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                 const Provenance& provenance,
                                 const std::vector<ReplayedTrial>& trials) {
  // Well-formed XML too (self-closed void elements, numeric entities), so tests can parse it.
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += fmt::format("<title>drsim: {}</title><style>{}</style></head><body>", esc(s.name), kStyle);
  out += fmt::format("<h1>drsim: {}</h1><p>{}</p>", esc(s.name), esc(s.source));
  out += fmt::format("<p>{} trials{}.</p>", r.run.completed,
                     r.run.partial ? fmt::format(" (<b>partial</b>: stopped after {} of {})",
                                                 r.run.completed, r.run.requested)
                                   : "");

  out += "<h2>Recovery time (RTO)</h2>";
  out += distribution_svg(r.rto_ms, s.objectives.rto, "RTO");
  out += "<h2>What the RTO is made of</h2>" + breakdown_html(r);
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    const models::DataStore& store = s.data_stores[k];
    out += fmt::format("<h2>Data lost: RPO of {}</h2>", esc(store.name));
    out += distribution_svg(r.rpo_ms[k], s.objectives.rpo_of(store.name), "RPO " + store.name);
    if (store.writes_per_second > 0 && r.rpo_ms[k].count() > 0) {
      auto lost = [&](double p) {
        const std::int64_t ms = r.rpo_ms[k].quantile(p);
        return ms == sim::kInfinite
                   ? std::string("never recovered")
                   : fmt::format("{:.0f} {}", models::data_lost(store, ms), esc(store.unit));
      };
      out += fmt::format("<p>At {:g} {}/s: p50 {}, p95 {} lost.</p>", store.writes_per_second,
                         esc(store.unit), lost(0.5), lost(0.95));
    }
  }

  out += "<h2>Representative trials</h2><p>";
  const std::vector<std::string> phases = phases_in_order(s);
  for (std::size_t ph = 0; ph < phases.size(); ++ph) {
    auto budget = std::find_if(s.phases.begin(), s.phases.end(),
                               [&](const scenarios::Phase& x) { return x.name == phases[ph]; });
    out += fmt::format(
        "<span class=\"swatch\" style=\"background:{}\"></span>{}{} &#160; ",
        kPhaseColors[ph % kPhaseColors.size()], esc(phases[ph].empty() ? "no phase" : phases[ph]),
        budget != s.phases.end() && budget->budget ? " (budget " + esc(human(*budget->budget)) + ")"
                                                   : "");
  }
  out +=
      "</p><p class=\"note\">Black outline: on the critical path. Dashed ticks: where each "
      "phase's budget runs out, counted from its first step. Replay any of them with "
      "<code>drsim trace</code>.</p>";
  for (const ReplayedTrial& t : trials) out += gantt_html(s, t);

  out +=
      "<h2>Steps</h2><table><tr><th>step</th><th>phase</th><th>p50</th><th>p95</th>"
      "<th>on the critical path</th><th>failed</th></tr>";
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    const sim::Sample& d = r.step_ms[i];
    const double share = r.critical_share(i);
    out += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        esc(s.runbook[i].id), esc(s.runbook[i].phase),
        d.count() ? esc(human(d.quantile(0.5))) : "—",
        d.count() ? esc(human(d.quantile(0.95))) : "—", percent(share), r.step_failed[i]);
  }
  out += "</table>";

  if (!r.causes.empty()) {
    std::vector<std::pair<std::string, scenarios::CauseCount>> causes(r.causes.begin(),
                                                                      r.causes.end());
    std::stable_sort(causes.begin(), causes.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    out +=
        "<h2>Why runbooks could not complete</h2><table><tr><th>trials</th><th>cause</th>"
        "<th>example</th><th>detail</th></tr>";
    for (const auto& [cause, c] : causes) {
      out += fmt::format(
          "<tr><td class=\"n\">{}</td><td>{}</td><td><code>drsim trace {} --trial {} --seed "
          "{}</code></td><td>{}</td></tr>",
          c.count, esc(cause), esc(provenance.scenario_file), c.example_trial, provenance.seed,
          esc(c.detail));
    }
    out += "</table>";
  }
  out += fmt::format(
      "<footer>Scenario <code>{}</code> · seed {} · {} trials · drsim {} · reproduce with "
      "<code>drsim run {} --trials {} --seed {}</code></footer></body></html>\n",
      esc(provenance.scenario_file), provenance.seed, r.run.completed, esc(provenance.version),
      esc(provenance.scenario_file), r.run.requested, provenance.seed);
  return out;
}

}  // namespace drsim::reports
