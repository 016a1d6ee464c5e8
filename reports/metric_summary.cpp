#include "reports/metric_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

std::string interval(const sim::Bounds& b) {
  return fmt::format("{}–{}", b.low ? human(*b.low) : "?", b.high ? human(*b.high) : "?");
}

nlohmann::json seconds(std::int64_t ms) {
  return seconds_json(ms);
}

nlohmann::json seconds(const std::optional<std::int64_t>& ms) {
  return ms ? seconds(*ms) : nlohmann::json(nullptr);
}

}  // namespace

sim::Proportion meeting(const sim::Sample& sample_ms, sim::Duration objective_ms) {
  return {sample_ms.count_at_most(objective_ms), sample_ms.count()};
}

std::string render_metric_table(std::span<const MetricRow> rows, bool color) {
  const std::string bold = color ? "\033[1m" : "", reset = color ? "\033[0m" : "";
  const std::string green = color ? "\033[32m" : "", red = color ? "\033[31m" : "";
  // The first column fits the longest metric name ("RPO mangu-assets").
  std::size_t width = 12;
  for (const MetricRow& row : rows) width = std::max(width, row.name.size());
  // 100 columns: p90 is in the JSON; here p50, p95 with its interval, p99, max, objective.
  std::string out =
      fmt::format("{}{:<{}} {:>7} {:>7} {:>15} {:>7} {:>7}  {}{}\n", bold, "metric", width, "p50",
                  "p95", "p95 95% CI", "p99", "max", "objective: P(meet) [95% CI]", reset);
  bool unbounded = false;
  for (const MetricRow& row : rows) {
    const sim::Sample& s = *row.sample;
    out +=
        fmt::format("{:<{}} {:>7} {:>7} {:>15} {:>7} {:>7}", row.name, width,
                    human(s.quantile(0.5)), human(s.quantile(0.95)),
                    interval(s.quantile_interval(0.95)), human(s.quantile(0.99)), human(s.max()));
    if (row.objective_ms) {
      const sim::Proportion p = meeting(s, *row.objective_ms);
      const auto ci = p.clopper_pearson();
      const bool met = s.quantile(0.95) <= *row.objective_ms;
      out += fmt::format("  ≤ {}: {}{}{} [{}–{}]", human(*row.objective_ms), met ? green : red,
                         percent(p.estimate()), reset, percent(ci.low), percent(ci.high));
    }
    out += "\n";
    unbounded = unbounded || !s.quantile_interval(0.95).low || !s.quantile_interval(0.95).high;
  }
  if (unbounded) out += "(? in a CI: too few trials to bound that side; run more trials)\n";
  return out;
}

nlohmann::json metric_json(const sim::Sample& s, std::optional<sim::Duration> objective_ms) {
  nlohmann::json j;
  j["n"] = s.count();
  j["infinite"] = s.infinite_count();
  j["p50_s"] = seconds(s.quantile(0.5));
  j["p90_s"] = seconds(s.quantile(0.9));
  j["p95_s"] = seconds(s.quantile(0.95));
  j["p99_s"] = seconds(s.quantile(0.99));
  const sim::Bounds ci = s.quantile_interval(0.95);
  j["p95_ci_s"] = {seconds(ci.low), seconds(ci.high)};
  j["mean_s"] = s.mean() / 1000.0;
  j["sd_s"] = s.stddev() / 1000.0;
  j["min_s"] = seconds(s.min());
  j["max_s"] = seconds(s.max());
  if (objective_ms) {
    const sim::Proportion p = meeting(s, *objective_ms);
    const auto meet_ci = p.clopper_pearson();
    j["target_s"] = seconds(*objective_ms);
    j["p_meet"] = p.estimate();
    j["p_meet_ci"] = {meet_ci.low, meet_ci.high};
  }
  return j;
}

nlohmann::json seconds_json(std::int64_t ms) {
  if (ms == sim::kInfinite) return nullptr;
  return static_cast<double>(ms) / 1000.0;
}

nlohmann::json finite_json(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

}  // namespace drsim::reports
