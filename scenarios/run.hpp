// Runs a scenario's trials on all threads and aggregates them, exactly and in trial order,
// so the numbers are the same for any thread count. Per trial only a compact record is
// kept (the RTO and its breakdown, the RPO per data store, each step's duration, which
// steps were on the critical chain, and the cause when the runbook could not complete).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "scenarios/engine.hpp"
#include "scenarios/scenario.hpp"
#include "sim/monte_carlo.hpp"
#include "sim/statistics.hpp"

namespace drsim::scenarios {

struct CauseCount {
  std::uint64_t count = 0;
  std::uint64_t example_trial = 0;  // replay it with `drsim trace --trial`
  std::string detail;
};

struct ScenarioResults {
  sim::RunSummary run;
  sim::Sample rto_ms, detection_ms, decision_ms, execution_ms;
  std::vector<sim::Sample> rpo_ms;           // per data store, in scenario order
  std::vector<sim::Sample> step_ms;          // per step: durations of the runs that finished
  std::vector<std::uint64_t> step_critical;  // per step: trials where it was on the critical chain
  std::uint64_t chain_trials = 0;  // trials whose runbook finished (so a critical chain exists)
  /// The share of finished runbooks in which step `i` was on the critical chain (the chain is
  /// only defined where the runbook finished, whether or not the service then recovered).
  double critical_share(std::size_t i) const {
    return chain_trials ? static_cast<double>(step_critical[i]) / static_cast<double>(chain_trials)
                        : 0.0;
  }
  std::vector<std::uint64_t> step_failed;    // per step: trials where it failed
  std::map<std::string, CauseCount> causes;  // why runbooks could not complete
  /// Trials worth a look, to replay: the median, p95 and slowest of those that recovered,
  /// and the first that could not complete. (label, trial)
  std::vector<std::pair<std::string, std::uint64_t>> representative;
  /// With `keep_trials`: each trial's RTO and its RPO per data store, in trial order
  /// (kInfinite: never; kTrialFailed: drsim itself failed in that trial), so that two runs
  /// with common random numbers can be compared trial by trial.
  std::vector<std::int64_t> trial_rto_ms;
  std::vector<std::vector<std::int64_t>> trial_rpo_ms;
};

/// The trials worth replaying, from each trial's RTO (in trial order, the first being trial
/// `first`): the median, p95 and slowest of those that recovered, and the first that could
/// not complete.
std::vector<std::pair<std::string, std::uint64_t>> representative_trials(
    const std::vector<std::int64_t>& rto, std::uint64_t first);

/// The per-trial value of a trial that threw (an internal error), in trial_rto_ms.
inline constexpr std::int64_t kTrialFailed = -1;

/// Called with each trial's full outcome, on the thread that ran it (so it must only write
/// to storage indexed by trial): for judges that need more than the kept record.
using TrialObserver = std::function<void(std::uint64_t trial, const TrialOutcome& outcome)>;

ScenarioResults run_scenario(const Scenario& scenario, const sim::RunOptions& options,
                             bool keep_trials = false, const TrialObserver* observer = nullptr);

}  // namespace drsim::scenarios
