// Renderers for metric summaries: the terminal table and the JSON fields that every drsim
// result uses (`p50_s`, `p95_ci_s`, `p_meet`, ... — seconds, named with `_s`). Pure
// functions from statistics to text; they never run simulations.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "sim/statistics.hpp"
#include "sim/time.hpp"

namespace drsim::reports {

/// One row: a duration metric and, optionally, its objective.
struct MetricRow {
  std::string name;
  const sim::Sample* sample = nullptr;  // values in milliseconds
  std::optional<sim::Duration> objective_ms;
};

/// An aligned table (fits 100 columns): p50, p90, p95 with its 95% CI, p99, max and, for
/// rows with an objective, the probability of meeting it with its exact (Clopper–Pearson) 95%
/// interval.
std::string render_metric_table(std::span<const MetricRow> rows, bool color);

/// {"n", "p50_s", "p90_s", "p95_s", "p99_s", "mean_s", "sd_s", "min_s", "max_s",
///  "p95_ci_s": [lo, hi], "infinite", and with an objective "target_s", "p_meet",
///  "p_meet_ci": [lo, hi]}. Infinite or unbounded values are null.
nlohmann::json metric_json(const sim::Sample& sample_ms, std::optional<sim::Duration> objective_ms);

/// Milliseconds as JSON seconds; "never" (sim::kInfinite) as null.
nlohmann::json seconds_json(std::int64_t ms);
/// A number for JSON, which has no infinity: ±infinity as the strings "inf" and "-inf".
nlohmann::json finite_json(double v);

/// The probability that a sample meets `objective_ms` (values <= objective), over all trials.
sim::Proportion meeting(const sim::Sample& sample_ms, sim::Duration objective_ms);

}  // namespace drsim::reports
