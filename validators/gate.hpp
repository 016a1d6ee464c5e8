// The CI gate: does a change to runbooks, topologies or schedules make recovery worse?
//
// A policy lists checks: absolute ones (p95 RTO ≤ 4h, P(meet the RTO) ≥ 99%, p99 RPO of a
// store ≤ 24h) and regressions against a baseline (p95 RTO may not grow by more than
// max(5%, 10m); P(meet) may not fall by more than 1 point). Baseline and candidate run with
// common random numbers — the same seed and trial ids — and are compared trial by trial:
// a paired bootstrap interval for the change in a quantile, an exact paired (McNemar-type)
// interval for the change in a share. Each check's verdict is PASS when its whole interval
// is on the right side of the limit, FAIL when the whole interval is on the wrong side, and
// INCONCLUSIVE otherwise — the gate then doubles the trials, up to the policy's budget.
// Intervals are Bonferroni-corrected over every check and every look, so the chance that
// any verdict of a run is wrong stays below 1 − confidence.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/scenario.hpp"

namespace drsim::validators {

enum class Metric { kRto, kRpo };

/// One check of the policy, as written (an RPO check without a store applies to each store).
struct GateCheck {
  Metric metric = Metric::kRto;
  std::string store;                    // kRpo: the data store ("": every data store)
  std::optional<double> quantile;       // the statistic is this quantile, or (nullopt) P(meet)
  std::optional<sim::Duration> target;  // P(meet)'s target; default: the scenario's objective
  // Exactly one of:
  std::optional<sim::Duration> max;  // the quantile must be at most this
  std::optional<double> min;         // P(meet) must be at least this
  bool regression = false;           // against the baseline:
  double relative = 0;               //   the quantile may grow by max(relative·baseline,
  sim::Duration absolute = 0;        //   absolute); P(meet) may fall by at most `drop`
  double drop = 0;
  std::string pointer;  // where the policy says it
};

struct GatePolicy {
  std::string file;
  double confidence = 0.95;  // family-wise, over every check and look
  std::uint64_t initial_trials = 2000;
  std::uint64_t max_trials = 16000;
  std::uint64_t resamples = 1000;  // bootstrap replicates per quantile check
  bool inconclusive_fails = true;  // an undecided check at the budget fails the gate
  std::vector<GateCheck> checks;   // for every scenario
  std::map<std::string, std::vector<GateCheck>> scenario_checks;  // by scenario name
};

/// Loads a policy file; errors name file:line:column and the JSON pointer (sim::InputError).
GatePolicy load_policy(const std::string& path);
GatePolicy parse_policy(std::string_view text, const std::string& file);

/// A baseline: scenarios as they were (resolved JSON, so they can be re-run), the seed, and
/// for each a digest of its first trials, by which the gate knows the models still give the
/// same results.
struct BaselineEntry {
  std::string name, file, hash;
  nlohmann::json scenario;  // resolved: includes merged, overrides applied
  std::uint64_t digest_trials = 0;
  std::string digest;
  nlohmann::json summary;  // for readers: RTO/RPO quantiles at the baseline's trials
};
struct Baseline {
  std::string file;
  std::string version;  // the drsim that wrote it
  std::uint64_t seed = 1;
  std::uint64_t trials = 0;
  std::vector<BaselineEntry> entries;
  const BaselineEntry* find(std::string_view name) const;
};

/// A scenario to gate or to record: its resolved JSON and its hash.
struct ScenarioInput {
  std::string file;
  nlohmann::json resolved;
  std::string hash;  // "fnv1a64:…" of the resolved JSON, keys sorted
  scenarios::Scenario scenario;
};
ScenarioInput read_scenario_input(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

/// Runs each scenario and records it; `trials` for the summaries.
Baseline make_baseline(const std::vector<ScenarioInput>& inputs, std::uint64_t seed,
                       std::uint64_t trials, unsigned threads);
nlohmann::json baseline_json(const Baseline& b);
/// Reads a baseline; refuses (sim::InputError) one written by another drsim version.
Baseline load_baseline(const std::string& path);

enum class Verdict { kPass, kFail, kInconclusive, kSkipped };
std::string_view verdict_name(Verdict v);  // "PASS", ...

struct CheckResult {
  std::string
      label;  // "p95 RTO ≤ 4h", "p95 RTO growth ≤ max(5%, 10m)", "P(RPO prod-db ≤ 24h) ≥ 99%"
  Verdict verdict = Verdict::kSkipped;
  bool regression = false;
  bool share = false;  // values are shares (P(meet)), else milliseconds
  // Absolute: the statistic and its interval; regression: the change and its interval.
  // Milliseconds or shares; ±infinity where unbounded ("never").
  double value = 0, low = 0, high = 0;
  double limit = 0;                    // max, min, or the tolerated change
  double baseline = 0, candidate = 0;  // regression: the statistic in each run
  std::string note;                    // why it was skipped; the exact test's p-value; …
};

struct ScenarioGate {
  std::string name, file;
  std::string baseline;  // "same scenario", "changed", or "none"
  std::uint64_t trials = 0;
  std::vector<CheckResult> checks;
};

struct GateResult {
  std::uint64_t seed = 1;
  double confidence = 0.95;
  double check_confidence = 0.95;  // per check and look, after the correction
  std::uint64_t tests = 0;         // checks decided statistically
  unsigned looks = 1;
  bool inconclusive_fails = true;
  std::vector<ScenarioGate> scenarios;
  std::size_t count(Verdict v) const;
  bool passed() const;
};

GateResult run_gate(const std::vector<ScenarioInput>& candidates, const GatePolicy& policy,
                    const Baseline* baseline, std::uint64_t seed, unsigned threads);

}  // namespace drsim::validators
