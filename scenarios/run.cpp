#include "scenarios/run.hpp"

#include <memory>

#include "scenarios/engine.hpp"

namespace drsim::scenarios {
namespace {

// Layout of one trial's record in the flat metrics array.
constexpr std::size_t kRto = 0, kDetection = 1, kDecision = 2, kExecution = 3, kFixed = 4;
constexpr std::int64_t kNotRun = -1;

}  // namespace

ScenarioResults run_scenario(const Scenario& s, const sim::RunOptions& options) {
  const std::size_t stores = s.data_stores.size();
  const std::size_t steps = s.runbook.size();
  const std::size_t width = kFixed + stores + steps;
  std::vector<std::int64_t> metrics(options.trials * width, kNotRun);
  std::vector<std::uint8_t> flags(options.trials * steps, 0);  // bit 0: critical, bit 1: failed
  std::vector<std::string> causes(options.trials);
  std::vector<std::string> details(options.trials);

  struct Worker : sim::TrialWorker {
    Worker(const Scenario& s, std::uint64_t seed, std::size_t width,
           std::vector<std::int64_t>& metrics, std::vector<std::uint8_t>& flags,
           std::vector<std::string>& causes, std::vector<std::string>& details)
        : engine(s),
          seed(seed),
          width(width),
          metrics(metrics),
          flags(flags),
          causes(causes),
          details(details),
          steps(s.runbook.size()) {}
    void run_trial(std::uint64_t trial) override {
      const TrialOutcome o = engine.run_trial(seed, trial);
      std::int64_t* m = &metrics[trial * width];
      m[kRto] = o.rto_ms;
      m[kDetection] = o.detection_ms;
      m[kDecision] = o.decision_ms;
      m[kExecution] = o.execution_ms;
      for (std::size_t k = 0; k < o.rpo_ms.size(); ++k) m[kFixed + k] = o.rpo_ms[k];
      const std::size_t base = kFixed + o.rpo_ms.size();
      for (std::size_t i = 0; i < o.steps.size(); ++i) {
        const StepRecord& r = o.steps[i];
        m[base + i] = r.end == sim::kNever || r.start == sim::kNever ? kNotRun : r.end - r.start;
        flags[trial * steps + i] = static_cast<std::uint8_t>(
            (r.critical ? 1 : 0) | (r.end != sim::kNever && !r.ok ? 2 : 0));
      }
      causes[trial] = o.cause;
      details[trial] = o.detail;
    }
    Engine engine;
    std::uint64_t seed;
    std::size_t width;
    std::vector<std::int64_t>& metrics;
    std::vector<std::uint8_t>& flags;
    std::vector<std::string>& causes;
    std::vector<std::string>& details;
    std::size_t steps;
  };

  ScenarioResults r;
  r.run = sim::run_trials(options, [&] {
    return std::make_unique<Worker>(s, options.seed, width, metrics, flags, causes, details);
  });
  r.rpo_ms.resize(stores);
  r.step_ms.resize(steps);
  r.step_critical.assign(steps, 0);
  r.step_failed.assign(steps, 0);
  for (std::uint64_t t = 0; t < options.trials; ++t) {
    if (r.run.status[t] != sim::TrialStatus::kOk) continue;
    const std::int64_t* m = &metrics[t * width];
    r.rto_ms.add(m[kRto]);
    if (!causes[t].empty()) {
      CauseCount& c = r.causes[causes[t]];
      if (c.count++ == 0) {
        c.example_trial = t;
        c.detail = details[t];
      }
    } else {
      r.detection_ms.add(m[kDetection]);
      r.decision_ms.add(m[kDecision]);
      r.execution_ms.add(m[kExecution]);
    }
    for (std::size_t k = 0; k < stores; ++k) r.rpo_ms[k].add(m[kFixed + k]);
    bool chain = false;
    for (std::size_t i = 0; i < steps; ++i) {
      const std::int64_t d = m[kFixed + stores + i];
      if (d != kNotRun) r.step_ms[i].add(d);
      r.step_critical[i] += flags[t * steps + i] & 1;
      r.step_failed[i] += (flags[t * steps + i] >> 1) & 1;
      chain = chain || (flags[t * steps + i] & 1) != 0;
    }
    r.chain_trials += chain ? 1 : 0;
  }
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
