// Which uncertain inputs drive the RTO: `drsim sensitivity`.
//
// Two views, both with common random numbers:
// - a tornado: each input (every manual step's duration, the detection delay, the failure's
//   onset in its window, every duration distribution of the mock cloud's calibration that the
//   scenario touches) fixed at its low
//   and then its high quantile (p10, p90) while everything else still varies, and how far
//   the p95 RTO moves between the two;
// - a variance-based ranking: the standardized regression coefficients (SRC) of the RTO on
//   every step's duration, trial by trial (least squares with Eigen), whose squares share out
//   the variance the steps explain (R²);
// and each step's share of the critical path: which step to automate first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/run.hpp"

namespace drsim::scenarios {

struct InputSwing {
  std::string name;  // "step restore-validation", "detection delay", "calibration rds_restore"
  std::string path;  // the --set path that fixes it
  std::int64_t low_value = 0, high_value = 0;  // the input at p10 and p90 (ms)
  // The RTO's quantile (the p95, or the p50: see Sensitivity::quantile) with the input there.
  std::int64_t p95_low = 0, p95_high = 0;
  double swing() const;  // |p95_high − p95_low|, never = infinite
};

struct StepEffect {
  std::string step;
  double src = 0;             // standardized regression coefficient of the RTO on its duration
  double critical_share = 0;  // share of finished runbooks in which it was on the critical path
};

struct Sensitivity {
  std::string name;
  std::uint64_t trials = 0, seed = 1;
  std::int64_t base_p95 = 0;
  /// The quantile the tornado moves: 0.95, or 0.5 when the p95 is "never" (more than 5% of
  /// the runbooks cannot complete, which no single input changes).
  double quantile = 0.95;
  std::int64_t base = 0;                // the RTO at that quantile, with every input varying
  std::vector<InputSwing> inputs;       // the inputs that move it, largest swing first
  std::vector<StepEffect> steps;        // by |SRC|, largest first
  double r_squared = 0;                 // of the regression on step durations
  std::uint64_t regression_trials = 0;  // trials that recovered (the regression's rows)
};

Sensitivity run_sensitivity(const std::string& path, const std::vector<std::string>& overrides,
                            const sim::RunOptions& options);

}  // namespace drsim::scenarios
