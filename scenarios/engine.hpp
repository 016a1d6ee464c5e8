// The runbook engine: replays one trial of a scenario against the mock cloud.
//
// A trial builds the world at its onset (drawn in the scenario's window), injects the
// failures, waits for detection and for someone to acknowledge the page, then runs the
// runbook's steps as processes — each after its `after` steps, holding one person of its
// owner's role while it runs, with retries, timeouts and on_failure. Recovery is then read
// off the models' timelines: the first instant at which a client, through its DNS cache,
// reaches a healthy endpoint while a service database is available (RTO), and the age of the
// data that database holds (RPO).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scenarios/scenario.hpp"
#include "sim/statistics.hpp"

namespace drsim::scenarios {

struct StepRecord {
  sim::Time start = sim::kNever;
  sim::Time end = sim::kNever;
  bool ok = false;
  bool critical = false;  // on the chain that decided when the runbook finished
  bool skipped = false;   // its `if` did not hold (start stays kNever; end is when it was passed)
};

struct TrialOutcome {
  sim::Time onset = 0;
  std::int64_t rto_ms = sim::kInfinite;  // kInfinite: the runbook could not complete
  std::int64_t detection_ms = 0, decision_ms = 0, execution_ms = 0;
  std::vector<std::int64_t> rpo_ms;  // per scenario data store (kInfinite: not recovered)
  std::vector<StepRecord> steps;
  std::string cause;               // why the runbook could not complete ("" when it did)
  std::string detail;              // the error as AWS or the engine worded it
  std::vector<std::string> trace;  // the timeline, when asked for
};

class Engine {
 public:
  explicit Engine(const Scenario& scenario);
  ~Engine();
  /// Runs trial `trial` of run `seed`. With `trace`, records every event with its time.
  TrialOutcome run_trial(std::uint64_t seed, std::uint64_t trial, bool trace = false);
  /// With false, the search for the recovery instant tries every instant of its grid
  /// instead of skipping those at which the service provably cannot be back: the same
  /// outcome, more slowly (for tests of the skipping).
  void set_scan_shortcuts(bool on) { scan_shortcuts_ = on; }
  /// At most this many events a trial before it fails with sim::EventLimitExceeded (a runbook
  /// looping without end).
  void set_event_limit(std::uint64_t limit) { event_limit_ = limit; }

  struct State;  // one trial's state (engine.cpp)
  /// A step's request, kept from one attempt (and trial) to the next so that resolving its
  /// command reuses the storage of the last one; `busy` while an attempt uses it.
  struct KeptRequest {
    models::Request request;
    bool busy = false;
  };

 private:
  const Scenario& scenario_;
  sim::Environment env_;
  models::MockCloud cloud_;
  bool scan_shortcuts_ = true;
  std::uint64_t event_limit_ = 2'000'000;
  std::vector<KeptRequest> requests_;  // one per step
  std::unique_ptr<State> state_;       // after what it refers to
};

}  // namespace drsim::scenarios
