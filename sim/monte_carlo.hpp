// The Monte Carlo runner: N independent trials on T threads, deterministically.
//
// Each thread owns a TrialWorker (its own Environment, model state and buffers, built once
// and reused), claims trials in chunks, and writes each trial's outcome into storage
// indexed by trial number. Since a trial's randomness depends only on (seed, trial, stream
// name), the outcomes — and everything aggregated from them in trial order — are identical
// for any thread count. An exception escaping a trial fails that trial only; it is reported
// with the trial and seed so it can be replayed alone. A stop request (Ctrl-C) ends the run
// after the trials in progress and marks the result as partial.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace drsim::sim {

/// Runs trials for one thread. Implementations keep their state between trials.
class TrialWorker {
 public:
  virtual ~TrialWorker() = default;
  /// Runs trial `trial` and stores its outcome where the caller will aggregate it.
  virtual void run_trial(std::uint64_t trial) = 0;
};

struct RunOptions {
  std::uint64_t trials = 1000;
  std::uint64_t seed = 1;  ///< recorded in failure messages, for replay
  /// The first trial's number: a shard of a larger run runs trials [first_trial,
  /// first_trial + trials). Workers and status still count from 0 within the shard.
  std::uint64_t first_trial = 0;
  unsigned threads = 0;   ///< 0: every hardware thread
  bool progress = false;  ///< draw a progress bar on stderr
  /// Set (e.g. by a SIGINT handler) to stop early; may be null.
  const std::atomic<bool>* stop = nullptr;
};

/// The trial status array's values.
enum class TrialStatus : std::uint8_t { kNotRun = 0, kOk = 1, kFailed = 2 };

struct TrialFailure {
  std::uint64_t trial = 0;
  std::string message;  ///< "trial 17 (seed 42): <what went wrong>"
};

struct RunSummary {
  std::uint64_t requested = 0;
  std::uint64_t completed = 0;  ///< ok + failed
  bool partial = false;         ///< stopped before every trial ran
  unsigned threads = 0;
  std::vector<TrialStatus> status;     ///< per trial
  std::vector<TrialFailure> failures;  ///< sorted by trial
};

/// Runs options.trials trials, calling make_worker() once per thread.
RunSummary run_trials(const RunOptions& options,
                      const std::function<std::unique_ptr<TrialWorker>()>& make_worker);

/// Threads to use for `requested` (0: all hardware threads), never more than `trials`.
unsigned effective_threads(unsigned requested, std::uint64_t trials);

}  // namespace drsim::sim
