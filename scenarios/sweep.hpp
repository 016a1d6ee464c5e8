// What-if sweeps: one scenario run at every point of a grid of changed values (sizes,
// schedules, TTLs, team size, step durations …), every point with the same seed and trial
// ids — common random numbers — so that the difference between two points is measured trial
// by trial, not lost in the spread of either.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/run.hpp"
#include "sim/paired.hpp"

namespace drsim::scenarios {

/// One dimension of the grid: a path (as `--set` takes it) and its values.
struct SweepAxis {
  std::string path;
  std::vector<std::string> values;
};

/// "topology.rds.0.size_gb=100,500,2000" -> {path, {"100", "500", "2000"}}. Values are split
/// at commas outside brackets, braces, parentheses and quotes, so that a value may be JSON or
/// a --query with commas in it.
/// Throws sim::InputError (located at `--set`) when it is not PATH=V1,V2,...
SweepAxis parse_axis(std::string_view assignment);

/// A metric at one point, and its change against the first point, paired trial by trial.
struct PointMetric {
  std::int64_t p50 = 0, p95 = 0, p99 = 0;  // sim::kInfinite: "never"
  sim::Bounds p95_ci;
  std::optional<std::int64_t> objective;
  double p_meet = 0;
  sim::ProbabilityInterval p_meet_ci;
  sim::Change p95_change;        // against the first point (paired bootstrap, 95%)
  sim::ShareChange meet_change;  // against the first point (exact paired)
};

struct SweepPoint {
  std::vector<std::string> values;  // one per axis
  ScenarioResults results;          // run with keep_trials
  std::optional<sim::Duration> rto_objective;
  std::vector<std::optional<sim::Duration>> rpo_objectives;  // per data store
  // Filled by measure_sweep():
  PointMetric rto;
  std::vector<PointMetric> rpo;  // per data store
  bool meets = false;            // p95 RTO and every store's p95 RPO within their objectives
};

struct Sweep {
  std::string command = "whatif";  // or "compare": the points are scenario files
  std::string file, name;
  std::uint64_t seed = 1, trials = 0;
  std::vector<SweepAxis> axes;
  std::vector<std::string> stores;
  std::vector<SweepPoint> points;  // the grid, the last axis varying fastest
  /// The first point at which the objectives stop being met, after points that meet them
  /// (along a one-axis sweep); nullopt when there is none.
  std::optional<std::size_t> first_miss() const;
};

/// The grid's points in order (the last axis varying fastest): their values, and the
/// `--set` assignments that make each (`overrides` first).
std::vector<std::vector<std::string>> sweep_values(const std::vector<SweepAxis>& axes);

/// Runs every point of the grid (options.first_trial and options.trials: a shard's slice).
/// `overrides` apply to every point, before the axes'. Measures the points unless it ran a
/// slice (options.first_trial > 0 or `measure` false): a shard's parts are measured merged.
Sweep run_sweep(const std::string& path, const std::vector<std::string>& overrides,
                const std::vector<SweepAxis>& axes, const sim::RunOptions& options,
                bool measure = true);

/// Two or more variants of a scenario side by side (`drsim compare`): each file is a point
/// of one axis, run with common random numbers, compared with the first. The variants must
/// have the same data stores.
Sweep run_comparison(const std::vector<std::string>& paths,
                     const std::vector<std::string>& overrides, const sim::RunOptions& options);

/// Computes each point's metrics and its change against the first point from the results.
void measure_sweep(Sweep& w);

}  // namespace drsim::scenarios
