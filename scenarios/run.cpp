#include "scenarios/run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "scenarios/engine.hpp"

namespace drsim::scenarios {
namespace {

// One trial's metrics go into columns (one per metric), each of which becomes a Sample
// without a copy: a million trials take ~200 bytes each.
constexpr std::size_t kRto = 0, kDetection = 1, kDecision = 2, kExecution = 3, kFixed = 4;
constexpr std::int64_t kNotRun = kTrialFailed;

/// Why runbooks could not complete, interned: a trial keeps a 16-bit id; each cause keeps
/// the detail of the earliest trial that had it (whatever thread ran it first).
class Causes {
 public:
  std::uint16_t id(const std::string& cause, const std::string& detail, std::uint64_t trial) {
    const std::lock_guard lock(mutex_);
    auto it = std::find(names_.begin(), names_.end(), cause);
    if (it == names_.end()) {
      if (names_.size() == 0xfffe) throw std::runtime_error("more than 65,534 failure causes");
      names_.push_back(cause);
      examples_.emplace_back(trial, detail);
      it = names_.end() - 1;
    }
    auto& [first, text] = examples_[static_cast<std::size_t>(it - names_.begin())];
    if (trial < first) {
      first = trial;
      text = detail;
    }
    return static_cast<std::uint16_t>(it - names_.begin() + 1);
  }
  const std::string& name(std::uint16_t id) const { return names_[id - 1u]; }
  const std::string& detail(std::uint16_t id) const { return examples_[id - 1u].second; }

 private:
  std::mutex mutex_;
  std::vector<std::string> names_;
  std::vector<std::pair<std::uint64_t, std::string>> examples_;
};

/// Calls work(i) for every i in [0, n), on up to `threads` threads (this one among them), an
/// i at a time. Before and after the trials, the columns of a million trials are filled,
/// filtered and sorted one by one: ~0.35 s of work that one core would otherwise do while
/// the others idle.
/// What work(i) throws (a column that cannot be allocated) is thrown here, on the calling
/// thread, once every thread has stopped.
template <class Work>
void on_threads(std::size_t n, unsigned threads, const Work& work) {
  std::atomic<std::size_t> next = 0;
  std::mutex mutex;
  std::exception_ptr error;
  auto run = [&] {
    try {
      for (std::size_t i; (i = next++) < n;) work(i);
    } catch (...) {
      next = n;  // the others stop after their current i
      const std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
    }
  };
  {
    std::vector<std::jthread> helpers(sim::effective_threads(threads, n) - 1);
    for (std::jthread& h : helpers) h = std::jthread(run);
    run();
  }  // joined
  if (error) std::rethrow_exception(error);
}

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> representative_trials(
    const std::vector<std::int64_t>& rto, std::uint64_t first) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  std::vector<std::pair<std::int64_t, std::uint64_t>> recovered;
  std::optional<std::uint64_t> incomplete;
  for (std::uint64_t t = 0; t < rto.size(); ++t) {
    if (rto[t] == kNotRun) continue;
    if (rto[t] == sim::kInfinite) {
      if (!incomplete) incomplete = first + t;
    } else {
      recovered.emplace_back(rto[t], first + t);
    }
  }
  auto at_rank = [&](double p) {
    const auto rank = static_cast<std::size_t>(
        std::max(1.0, std::ceil(p * static_cast<double>(recovered.size()))) - 1);
    std::nth_element(recovered.begin(), recovered.begin() + static_cast<std::ptrdiff_t>(rank),
                     recovered.end());
    return recovered[rank].second;
  };
  if (!recovered.empty()) {
    out.emplace_back("median recovered", at_rank(0.5));
    out.emplace_back("p95 recovered", at_rank(0.95));
    out.emplace_back("slowest recovered", at_rank(1.0));
  }
  if (incomplete) out.emplace_back("could not complete", *incomplete);
  return out;
}

ScenarioResults run_scenario(const Scenario& s, const sim::RunOptions& options, bool keep_trials,
                             const TrialObserver* observer) {
  const std::size_t stores = s.data_stores.size();
  const std::size_t steps = s.runbook.size();
  const std::size_t width = kFixed + stores + steps;
  std::vector<std::vector<std::int64_t>> columns(width);
  on_threads(width, options.threads,
             [&](std::size_t c) { columns[c].assign(options.trials, kNotRun); });
  std::vector<std::uint8_t> flags(options.trials * steps, 0);  // bit 0: critical, bit 1: failed
  std::vector<std::uint16_t> cause_of(options.trials, 0);      // 0: the runbook completed
  Causes causes;

  struct Worker : sim::TrialWorker {
    Worker(const Scenario& s, std::uint64_t seed, std::vector<std::vector<std::int64_t>>& columns,
           std::vector<std::uint8_t>& flags, std::vector<std::uint16_t>& cause_of, Causes& causes,
           const TrialObserver* observer, std::uint64_t first)
        : engine(s),
          observer(observer),
          first(first),
          seed(seed),
          columns(columns),
          flags(flags),
          cause_of(cause_of),
          causes(causes),
          steps(s.runbook.size()) {}
    void run_trial(std::uint64_t trial) override {  // `trial` counts from the shard's first
      const TrialOutcome o = engine.run_trial(seed, first + trial);
      if (observer) (*observer)(trial, o);
      columns[kRto][trial] = o.rto_ms;
      if (o.cause.empty()) {
        columns[kDetection][trial] = o.detection_ms;
        columns[kDecision][trial] = o.decision_ms;
        columns[kExecution][trial] = o.execution_ms;
      } else {
        cause_of[trial] = causes.id(o.cause, o.detail, first + trial);
      }
      for (std::size_t k = 0; k < o.rpo_ms.size(); ++k) columns[kFixed + k][trial] = o.rpo_ms[k];
      const std::size_t base = kFixed + o.rpo_ms.size();
      for (std::size_t i = 0; i < o.steps.size(); ++i) {
        const StepRecord& r = o.steps[i];
        if (r.end != sim::kNever && r.start != sim::kNever)
          columns[base + i][trial] = r.end - r.start;
        flags[trial * steps + i] = static_cast<std::uint8_t>(
            (r.critical ? 1 : 0) | (r.end != sim::kNever && !r.ok ? 2 : 0));
      }
    }
    Engine engine;
    const TrialObserver* observer;
    std::uint64_t first;
    std::uint64_t seed;
    std::vector<std::vector<std::int64_t>>& columns;
    std::vector<std::uint8_t>& flags;
    std::vector<std::uint16_t>& cause_of;
    Causes& causes;
    std::size_t steps;
  };

  ScenarioResults r;
  r.run = sim::run_trials(options, [&] {
    return std::make_unique<Worker>(s, options.seed, columns, flags, cause_of, causes, observer,
                                    options.first_trial);
  });
  r.step_critical.assign(steps, 0);
  r.step_failed.assign(steps, 0);
  for (std::uint64_t t = 0; t < options.trials; ++t) {
    if (r.run.status[t] != sim::TrialStatus::kOk) continue;
    if (const std::uint16_t c = cause_of[t]; c != 0) {
      CauseCount& count = r.causes[causes.name(c)];
      if (count.count++ == 0) {
        count.example_trial = options.first_trial + t;
        count.detail = causes.detail(c);
      }
    }
    bool chain = false;
    for (std::size_t i = 0; i < steps; ++i) {
      r.step_critical[i] += flags[t * steps + i] & 1;
      r.step_failed[i] += (flags[t * steps + i] >> 1) & 1;
      chain = chain || (flags[t * steps + i] & 1) != 0;
    }
    r.chain_trials += chain ? 1 : 0;
  }
  r.representative = representative_trials(columns[kRto], options.first_trial);
  if (keep_trials) {
    r.trial_rto_ms = columns[kRto];
    for (std::size_t k = 0; k < stores; ++k) r.trial_rpo_ms.push_back(columns[kFixed + k]);
  }
  // Trials that threw wrote no metrics (kNotRun): the samples leave them out. Each sample is
  // sorted now, which its first query would do otherwise.
  std::vector<sim::Sample> samples(width);
  on_threads(width, options.threads, [&](std::size_t c) {
    samples[c] = sim::Sample::from_values(std::move(columns[c]), kNotRun);
    samples[c].sort();
  });
  r.rto_ms = std::move(samples[kRto]);
  r.detection_ms = std::move(samples[kDetection]);
  r.decision_ms = std::move(samples[kDecision]);
  r.execution_ms = std::move(samples[kExecution]);
  for (std::size_t k = 0; k < stores; ++k) r.rpo_ms.push_back(std::move(samples[kFixed + k]));
  for (std::size_t i = 0; i < steps; ++i)
    r.step_ms.push_back(std::move(samples[kFixed + stores + i]));
  // Trials that threw count as failures of the engine itself, by message.
  for (const sim::TrialFailure& f : r.run.failures) {
    CauseCount& c = r.causes["internal error"];
    if (c.count++ == 0) {
      c.example_trial = f.trial;
      c.detail = f.message;
    }
  }
  return r;
}

}  // namespace drsim::scenarios
