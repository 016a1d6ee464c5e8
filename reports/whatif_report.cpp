#include "reports/whatif_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "reports/metric_summary.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

using scenarios::PointMetric;
using scenarios::Sweep;
using scenarios::SweepPoint;

std::string change(double v) {
  return signed_human(v);
}

/// "+42m [+38m, +46m]", or "—" at the first point.
std::string delta(const PointMetric& m, bool first) {
  if (first) return "—";
  return fmt::format("{} [{}, {}]", change(m.p95_change.estimate), change(m.p95_change.low),
                     change(m.p95_change.high));
}

std::string p95(const PointMetric& m) {
  return fmt::format("{} [{}, {}]", human(m.p95), m.p95_ci.low ? human(*m.p95_ci.low) : "?",
                     m.p95_ci.high ? human(*m.p95_ci.high) : "?");
}

std::string meet(const PointMetric& m) {
  return m.objective ? percent(m.p_meet) : "—";
}

std::string point_name(const Sweep& w, const SweepPoint& p) {
  std::string out;
  for (std::size_t a = 0; a < w.axes.size(); ++a) out += (a ? ", " : "") + p.values[a];
  return out;
}

std::string axes_name(const Sweep& w) {
  std::string out;
  for (std::size_t a = 0; a < w.axes.size(); ++a) out += (a ? ", " : "") + w.axes[a].path;
  return out;
}

std::string objectives(const Sweep& w) {
  const SweepPoint& p = w.points.front();
  std::string out =
      p.rto.objective ? fmt::format("p95 RTO ≤ {}", human(*p.rto.objective)) : "no RTO objective";
  for (std::size_t k = 0; k < w.stores.size(); ++k) {
    if (p.rpo[k].objective)
      out += fmt::format(", p95 RPO {} ≤ {}", w.stores[k], human(*p.rpo[k].objective));
  }
  return out;
}

std::string finding(const Sweep& w) {
  if (const auto miss = w.first_miss()) {
    return fmt::format("The objectives ({}) stop being met at {} = {}.", objectives(w),
                       axes_name(w), point_name(w, w.points[*miss]));
  }
  const auto met =
      std::count_if(w.points.begin(), w.points.end(), [](const SweepPoint& p) { return p.meets; });
  return fmt::format("{} of {} points meet the objectives ({}).", met, w.points.size(),
                     objectives(w));
}

}  // namespace

std::string render_whatif_text(const Sweep& w, bool color) {
  std::string out = fmt::format(
      "drsim {} — {}: {} point{} over {}\n{} trials per point, seed {}, common random numbers "
      "(changes are against the first point, paired trial by trial; 95% intervals)\n\n",
      w.command, w.name, w.points.size(), w.points.size() == 1 ? "" : "s", axes_name(w), w.trials,
      w.seed);
  std::size_t width = display_width(axes_name(w));
  for (const SweepPoint& p : w.points) width = std::max(width, display_width(point_name(w, p)));
  out += fmt::format("  {:<{}}  {:>7}  {:<24}  {:<26}  {:>9}", axes_name(w), width, "RTO p50",
                     "RTO p95 [95% CI]", "p95 change [95% CI]", "P(meet)");
  for (const std::string& store : w.stores) out += fmt::format("  RPO {} p95", store);
  out += "  meets\n";
  for (std::size_t i = 0; i < w.points.size(); ++i) {
    const SweepPoint& p = w.points[i];
    const std::string name = point_name(w, p);
    out += fmt::format("  {}{}  {:>7}  {:<24}  {:<26}  {:>9}", name,
                       std::string(width - display_width(name), ' '), human(p.rto.p50), p95(p.rto),
                       delta(p.rto, i == 0), meet(p.rto));
    for (std::size_t k = 0; k < w.stores.size(); ++k)
      out += fmt::format("  {:>{}}", human(p.rpo[k].p95), 8 + w.stores[k].size());
    const std::string mark = p.meets ? "yes" : "no";
    out += fmt::format(
        "  {}\n", color ? fmt::format("\x1b[{}m{}\x1b[0m", p.meets ? "32" : "31", mark) : mark);
  }
  out += fmt::format("\n{}\n", finding(w));
  return out;
}

std::string render_whatif_markdown(const Sweep& w) {
  std::string out = fmt::format(
      "### drsim {}: `{}` over {}\n\n{} trials per point, seed {}, common random "
      "numbers; changes against the first point with 95% paired intervals.\n\n",
      w.command, markdown_cell(w.name), markdown_cell(axes_name(w)), w.trials, w.seed);
  out += fmt::format("| {} | RTO p50 | RTO p95 [95% CI] | p95 change | P(RTO met) |",
                     markdown_cell(axes_name(w)));
  for (const std::string& store : w.stores)
    out += fmt::format(" RPO {} p95 |", markdown_cell(store));
  out += " meets |\n|---|---:|---|---|---:|";
  for (std::size_t k = 0; k < w.stores.size(); ++k) out += "---:|";
  out += "---|\n";
  for (std::size_t i = 0; i < w.points.size(); ++i) {
    const SweepPoint& p = w.points[i];
    out += fmt::format("| {} | {} | {} | {} | {} |", markdown_cell(point_name(w, p)),
                       human(p.rto.p50), p95(p.rto), delta(p.rto, i == 0), meet(p.rto));
    for (std::size_t k = 0; k < w.stores.size(); ++k)
      out += fmt::format(" {} |", human(p.rpo[k].p95));
    out += p.meets ? " **yes** |\n" : " no |\n";
  }
  out += fmt::format("\n{}\n", finding(w));
  return out;
}

nlohmann::json whatif_json(const Sweep& w) {
  const auto seconds = seconds_json;
  auto change_s = [](double ms) { return finite_json(ms / 1000); };
  auto metric = [&](const PointMetric& m, bool first) {
    nlohmann::json j{{"p50_s", seconds(m.p50)},
                     {"p95_s", seconds(m.p95)},
                     {"p99_s", seconds(m.p99)},
                     {"p95_ci_s",
                      {m.p95_ci.low ? seconds(*m.p95_ci.low) : nullptr,
                       m.p95_ci.high ? seconds(*m.p95_ci.high) : nullptr}}};
    if (m.objective) {
      j["target_s"] = seconds(*m.objective);
      j["p_meet"] = m.p_meet;
      j["p_meet_ci"] = {m.p_meet_ci.low, m.p_meet_ci.high};
    }
    if (!first) {
      j["p95_change_s"] = {{"estimate", change_s(m.p95_change.estimate)},
                           {"ci", {change_s(m.p95_change.low), change_s(m.p95_change.high)}}};
      if (m.objective) {
        j["p_meet_change"] = {{"estimate", m.meet_change.change.estimate},
                              {"ci", {m.meet_change.change.low, m.meet_change.change.high}},
                              {"p_value", m.meet_change.p_value}};
      }
    }
    return j;
  };
  nlohmann::json j;
  j["schema_version"] = 1;
  j["command"] = w.command;
  j["scenario"] = w.name;
  j["file"] = w.file;
  j["seed"] = w.seed;
  j["trials"] = w.trials;
  j["axes"] = nlohmann::json::array();
  for (const auto& a : w.axes) j["axes"].push_back({{"path", a.path}, {"values", a.values}});
  j["points"] = nlohmann::json::array();
  for (std::size_t i = 0; i < w.points.size(); ++i) {
    const SweepPoint& p = w.points[i];
    nlohmann::json pj{{"values", p.values}, {"meets", p.meets}, {"rto", metric(p.rto, i == 0)}};
    for (std::size_t k = 0; k < w.stores.size(); ++k)
      pj["rpo"][w.stores[k]] = metric(p.rpo[k], i == 0);
    j["points"].push_back(std::move(pj));
  }
  if (const auto miss = w.first_miss()) j["first_miss"] = *miss;
  return j;
}

namespace {

std::string swing_text(const scenarios::InputSwing& i) {
  const double w = i.swing();
  return std::isinf(w) ? "∞" : human(static_cast<std::int64_t>(std::llround(w)));
}

}  // namespace

std::string render_sensitivity_text(const scenarios::Sensitivity& s) {
  std::string out = fmt::format(
      "drsim sensitivity — {}: {} trials per run, seed {}, common random numbers\n"
      "p95 RTO {} with every input varying\n\n",
      s.name, s.trials, s.seed, human(s.base_p95));
  const std::string q = s.quantile == 0.95 ? "p95" : "p50";
  if (s.quantile != 0.95)
    out +=
        "(the p95 is never: more than 5% of runbooks cannot complete; the tornado moves the p50)\n";
  out += fmt::format("what moves the {} RTO: each input fixed at its p10, then its p90\n", q);
  std::size_t width = 5;
  for (const auto& i : s.inputs) width = std::max(width, display_width(i.name));
  out += fmt::format("  {:<{}}  {:>9}  {:>9}  {:>10}  {:>10}  {:>8}  tornado\n", "input", width,
                     "p10", "p90", q + " at p10", q + " at p90", "swing");
  double widest = 0;
  for (const auto& i : s.inputs) widest = std::max(widest, std::isinf(i.swing()) ? 0 : i.swing());
  for (const auto& i : s.inputs) {
    // The tornado: a bar as long as the swing (an infinite one fills the row).
    const double w = i.swing();
    const auto bar = static_cast<std::size_t>(std::isinf(w) ? 24
                                              : widest > 0  ? std::llround(24 * w / widest)
                                                            : 0);
    std::string bars;
    for (std::size_t k = 0; k < bar; ++k) bars += "█";
    out +=
        fmt::format("  {}{}  {:>9}  {:>9}  {:>10}  {:>10}  {:>8}  {}\n", i.name,
                    std::string(width - display_width(i.name), ' '), human(i.low_value),
                    human(i.high_value), human(i.p95_low), human(i.p95_high), swing_text(i), bars);
  }
  if (s.inputs.empty()) out += fmt::format("  (no input moves the {})\n", q);
  out += fmt::format(
      "\nwhich steps' durations explain the RTO (standardized regression, {} trials that "
      "recovered, R² {:.2f}), and how often each is on the critical path\n",
      s.regression_trials, s.r_squared);
  width = 4;
  for (const auto& st : s.steps) width = std::max(width, display_width(st.step));
  out += fmt::format("  {:<{}}  {:>6}  {:>9}  {:>13}\n", "step", width, "SRC", "share",
                     "critical path");
  double total = 0;
  for (const auto& st : s.steps) total += st.src * st.src;
  for (const auto& st : s.steps) {
    out +=
        fmt::format("  {}{}  {:>6.2f}  {:>9}  {:>13}\n", st.step,
                    std::string(width - display_width(st.step), ' '), st.src,
                    total > 0 ? percent(st.src * st.src / total) : "—", percent(st.critical_share));
  }
  if (!s.steps.empty() && s.steps.front().src != 0)
    out += fmt::format("\nAutomate or shorten `{}` first: it explains the most variance.\n",
                       s.steps.front().step);
  return out;
}

nlohmann::json sensitivity_json(const scenarios::Sensitivity& s) {
  const auto seconds = seconds_json;
  nlohmann::json j{{"schema_version", 1},          {"scenario", s.name},
                   {"trials", s.trials},           {"seed", s.seed},
                   {"p95_s", seconds(s.base_p95)}, {"tornado_quantile", s.quantile},
                   {"r_squared", s.r_squared},     {"regression_trials", s.regression_trials}};
  j["inputs"] = nlohmann::json::array();
  for (const auto& i : s.inputs) {
    j["inputs"].push_back({{"input", i.name},
                           {"set", i.path},
                           {"p10_s", seconds(i.low_value)},
                           {"p90_s", seconds(i.high_value)},
                           {"at_p10_s", seconds(i.p95_low)},
                           {"at_p90_s", seconds(i.p95_high)}});
  }
  j["steps"] = nlohmann::json::array();
  for (const auto& st : s.steps)
    j["steps"].push_back(
        {{"step", st.step}, {"src", st.src}, {"critical_share", st.critical_share}});
  return j;
}

}  // namespace drsim::reports
