#include "scenarios/sensitivity.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/calibration.hpp"
#include "scenarios/distribution_json.hpp"

namespace drsim::scenarios {
namespace {

constexpr double kLow = 0.1, kHigh = 0.9;
constexpr std::uint64_t kScreenTrials = 200;

struct Input {
  std::string name, path;
  sim::Distribution dist;
};

std::string fixed(double ms) {
  return fmt::format("\"{}ms\"", static_cast<std::int64_t>(std::llround(ms)));
}

/// RTOs of a run (trial order).
std::vector<std::int64_t> rto_column(const Scenario& s, const sim::RunOptions& options) {
  return run_scenario(s, options, true).trial_rto_ms;
}

}  // namespace

double InputSwing::swing() const {
  if (p95_low == sim::kInfinite && p95_high == sim::kInfinite) return 0;
  if (p95_low == sim::kInfinite || p95_high == sim::kInfinite)
    return std::numeric_limits<double>::infinity();
  return std::abs(static_cast<double>(p95_high - p95_low));
}

Sensitivity run_sensitivity(const std::string& path, const std::vector<std::string>& overrides,
                            const sim::RunOptions& options) {
  const Scenario base = load_scenario(path, overrides);
  const nlohmann::json resolved = resolve_scenario(path, overrides);
  Sensitivity out;
  out.name = base.name;
  out.trials = options.trials;
  out.seed = options.seed;

  // The base run, watched trial by trial: each step's duration and the RTO.
  const std::size_t steps = base.runbook.size();
  std::vector<std::vector<double>> durations(options.trials,
                                             std::vector<double>(steps, std::nan("")));
  std::vector<std::int64_t> rto(options.trials, sim::kInfinite);
  const TrialObserver observer = [&](std::uint64_t trial, const TrialOutcome& o) {
    rto[trial] = o.rto_ms;
    for (std::size_t i = 0; i < steps && i < o.steps.size(); ++i) {
      if (o.steps[i].start != sim::kNever && o.steps[i].end != sim::kNever)
        durations[trial][i] = static_cast<double>(o.steps[i].end - o.steps[i].start);
    }
  };
  const ScenarioResults results = run_scenario(base, options, false, &observer);
  out.base_p95 = results.rto_ms.quantile(0.95);
  if (out.base_p95 == sim::kInfinite) out.quantile = 0.5;
  out.base = results.rto_ms.quantile(out.quantile);

  // Tornado inputs.
  std::vector<Input> inputs;
  for (std::size_t i = 0; i < steps; ++i) {
    if (base.runbook[i].manual)
      inputs.push_back({"step " + base.runbook[i].id, fmt::format("/runbook/{}/manual", i),
                        *base.runbook[i].manual});
  }
  if (resolved.contains("detection") && resolved["detection"].contains("delay"))
    inputs.push_back({"detection delay", "/detection/delay", base.detection});
  // When the disaster strikes: its time of week (business hours or a Sunday night) and its
  // phase against the backup schedule.
  inputs.push_back(
      {"failure onset (time in the window)", "/onset_start",
       sim::Distribution::uniform(static_cast<double>(base.onset_start),
                                  static_cast<double>(base.onset_start + base.onset_window))});
  // The mock cloud's durations: screened first on a few trials, kept when they move any RTO.
  const nlohmann::json calibration = resolved.value("calibration", nlohmann::json::object());
  sim::RunOptions screen = options;
  screen.trials = std::min(options.trials, kScreenTrials);
  const std::vector<std::int64_t> screen_base = rto_column(base, screen);
  for (const models::CalibrationField& f : models::calibration_fields()) {
    if (f.kind != models::CalibrationField::Kind::kDistribution) continue;
    const sim::Distribution& d = base.calibration.*(f.distribution);
    nlohmann::json changed = calibration;
    changed[std::string(f.name)] = nlohmann::json::parse(fixed(d.quantile(kHigh)));
    const Scenario probe = load_scenario(path, [&] {
      auto o = overrides;
      o.push_back("/calibration=" + changed.dump());
      return o;
    }());
    if (rto_column(probe, screen) == screen_base) continue;
    inputs.push_back({"calibration " + std::string(f.name), "/calibration", d});
  }
  for (const Input& in : inputs) {
    InputSwing swing;
    swing.name = in.name;
    swing.path = in.path;
    swing.low_value = std::llround(in.dist.quantile(kLow));
    swing.high_value = std::llround(in.dist.quantile(kHigh));
    for (const bool high : {false, true}) {
      std::string assignment;
      const double value = in.dist.quantile(high ? kHigh : kLow);
      if (in.path == "/calibration") {
        nlohmann::json changed = calibration;
        changed[in.name.substr(std::string("calibration ").size())] =
            nlohmann::json::parse(fixed(value));
        assignment = "/calibration=" + changed.dump();
      } else {
        assignment = in.path + "=" + fixed(value);
      }
      auto o = overrides;
      o.push_back(assignment);
      if (in.path == "/onset_start") o.push_back("/onset_window=0");  // one fixed instant
      const ScenarioResults r = run_scenario(load_scenario(path, o), options);
      (high ? swing.p95_high : swing.p95_low) = r.rto_ms.quantile(out.quantile);
    }
    if (swing.p95_low != swing.p95_high) out.inputs.push_back(swing);
  }
  std::stable_sort(out.inputs.begin(), out.inputs.end(),
                   [](const InputSwing& a, const InputSwing& b) { return a.swing() > b.swing(); });

  // The regression of the RTO on the steps' durations, over the trials that recovered and in
  // which every regressor step ran; a step that never varies is left out.
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < steps; ++i) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (std::uint64_t t = 0; t < options.trials; ++t) {
      if (rto[t] == sim::kInfinite || std::isnan(durations[t][i])) continue;
      lo = std::min(lo, durations[t][i]);
      hi = std::max(hi, durations[t][i]);
    }
    if (hi > lo) columns.push_back(i);
  }
  std::vector<std::uint64_t> rows;
  for (std::uint64_t t = 0; t < options.trials; ++t) {
    if (rto[t] == sim::kInfinite) continue;
    if (std::all_of(columns.begin(), columns.end(),
                    [&](std::size_t i) { return !std::isnan(durations[t][i]); }))
      rows.push_back(t);
  }
  out.regression_trials = rows.size();
  if (rows.size() > columns.size() + 1 && !columns.empty()) {
    Eigen::MatrixXd x(rows.size(), columns.size());
    Eigen::VectorXd y(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      y(static_cast<Eigen::Index>(r)) = static_cast<double>(rto[rows[r]]);
      for (std::size_t c = 0; c < columns.size(); ++c)
        x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
            durations[rows[r]][columns[c]];
    }
    // Standardize: SRC = the coefficients of z-scored regressors on the z-scored RTO.
    auto standardize = [](auto&& v) {
      const double mean = v.mean();
      const double sd =
          std::sqrt((v.array() - mean).square().sum() / static_cast<double>(v.size() - 1));
      v = (v.array() - mean) / (sd > 0 ? sd : 1.0);
    };
    standardize(y);
    for (Eigen::Index c = 0; c < x.cols(); ++c) standardize(x.col(c));
    const Eigen::VectorXd beta = x.colPivHouseholderQr().solve(y);
    const double residual = (y - x * beta).squaredNorm();
    out.r_squared = 1 - residual / y.squaredNorm();
    for (std::size_t c = 0; c < columns.size(); ++c)
      out.steps.push_back({base.runbook[columns[c]].id, beta(static_cast<Eigen::Index>(c)),
                           results.critical_share(columns[c])});
  }
  for (std::size_t i = 0; i < steps; ++i) {
    if (std::find(columns.begin(), columns.end(), i) == columns.end())
      out.steps.push_back({base.runbook[i].id, 0, results.critical_share(i)});
  }
  std::stable_sort(
      out.steps.begin(), out.steps.end(),
      [](const StepEffect& a, const StepEffect& b) { return std::abs(a.src) > std::abs(b.src); });
  return out;
}

}  // namespace drsim::scenarios
