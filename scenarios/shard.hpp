// Scale-out on existing engines: a run (or a what-if sweep) split into shards that run
// anywhere — Slurm array tasks, a Kubernetes Indexed Job, AWS Batch array jobs — and merged
// exactly. A shard runs a deterministic slice of the trials; its part file keeps what the
// aggregates need in exact form (per-trial RTO and RPO, every other metric as sorted
// run-length-encoded integers, counts, and each failure cause with its earliest trial), so
// that merging the parts gives the very numbers — and the byte-identical JSON — of a single
// run.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/run.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/sweep.hpp"

namespace drsim::scenarios {

struct Shard {
  std::uint64_t index = 0, count = 1;  // shard `index` of `count`, from 0
};

/// "2/8": shard 2 of 8 (from 0). "8": 8 shards, this one's index from the environment —
/// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
/// AWS_BATCH_JOB_ARRAY_INDEX, the first that is set. Throws sim::InputError otherwise.
Shard parse_shard(std::string_view text,
                  const std::function<const char*(const char*)>& getenv = nullptr);

/// The trials of `shard` among `trials`: [first, first + count), balanced to within one.
std::pair<std::uint64_t, std::uint64_t> shard_trials(const Shard& shard, std::uint64_t trials);

/// A shard's results (run with keep_trials, starting at trial `first`) as exact JSON.
nlohmann::json results_part(const ScenarioResults& r, std::uint64_t first);

/// The results of the whole run from its parts' results_part() JSON: every trial of
/// [0, trials) exactly once. Throws sim::InputError (naming `where`) when trials are missing
/// or covered twice.
ScenarioResults merge_results(const std::vector<const nlohmann::json*>& parts, std::uint64_t trials,
                              const std::string& where);

/// The part file of shard `shard` of `drsim run`: the resolved scenario (so the merge needs
/// no other file), the seed, the whole run's trial count, and the slice's results.
nlohmann::json run_part(const std::string& file, const nlohmann::json& resolved, std::uint64_t seed,
                        std::uint64_t trials, const Shard& shard, const ScenarioResults& slice,
                        std::uint64_t first);
/// The part file of shard `shard` of `drsim whatif` (`slice` ran every point's slice).
nlohmann::json sweep_part(const Sweep& slice, const std::vector<std::string>& overrides,
                          std::uint64_t trials, const Shard& shard, std::uint64_t first);

/// What `drsim merge` rebuilds: a run (its scenario and results) or a measured sweep.
struct Merged {
  std::string command;  // "run" or "whatif"
  std::uint64_t seed = 1;
  std::string file;
  std::optional<Scenario> scenario;  // run
  ScenarioResults results;           // run
  Sweep sweep;                       // whatif
};
/// Reads part files and merges them. Throws sim::InputError when they are not all parts of
/// one run, or do not cover each trial exactly once.
Merged merge_parts(const std::vector<std::string>& paths);
/// The same from parts in memory (an MPI run gathers them); `names` say which is which in
/// messages.
Merged merge_part_json(const std::vector<nlohmann::json>& parts,
                       const std::vector<std::string>& names);

}  // namespace drsim::scenarios
