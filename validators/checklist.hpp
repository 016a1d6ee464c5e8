// The drill checklist: items that are predicates over what a drill observed — a step's
// outcome or duration, the time between two events, the RTO or RPO, an observation written
// down during the drill — evaluated the same way on a simulated trial (before the drill:
// `drsim drill preflight`) and on a drill record (after it: `drsim drill check`).
//
// Times are milliseconds from the onset (the instant the drill declares the disaster).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/engine.hpp"
#include "scenarios/scenario.hpp"

namespace drsim::validators {

/// A predicate of a checklist item.
struct Predicate {
  enum class Kind { kStepOk, kStepWithin, kSpan, kRto, kRpo, kObservation, kAll } kind;
  std::string step;         // kStepOk, kStepWithin
  std::string from, to;     // kSpan: a step's start (or "onset") to a step's end (or "service")
  std::string store;        // kRpo ("": the scenario's only / first data store)
  std::string observation;  // kObservation
  std::optional<std::string> equals;  // kObservation
  std::optional<sim::Duration> max;   // kStepWithin, kSpan, kRto, kRpo, kObservation (a duration)
  std::vector<Predicate> all;         // kAll
  bool measures_time() const {
    return kind == Kind::kStepWithin || kind == Kind::kSpan || kind == Kind::kRto ||
           kind == Kind::kRpo;
  }
};

struct ChecklistItem {
  std::string id, text;
  std::vector<std::string> when;  // "Q2", "monthly", …; empty: every drill
  Predicate check;
  std::string pointer;
};

struct Checklist {
  std::string file, name, source, scenario;
  std::map<std::string, std::string> schedule;  // "Q2" -> "Full DR failover simulation"
  std::vector<ChecklistItem> items;
  /// The items for drill `when` ("" : all of them).
  std::vector<const ChecklistItem*> items_for(std::string_view when) const;
};

Checklist load_checklist(const std::string& path);
Checklist parse_checklist(std::string_view text, const std::string& file);

/// What one trial or one drill observed.
struct Observed {
  struct Step {
    std::optional<std::int64_t> start, end;  // from the onset
    bool ok = false;
    std::string detail;  // why it failed, when it did
  };
  std::map<std::string, Step, std::less<>> steps;
  std::optional<std::int64_t> service_back;  // the RTO, when the service came back
  std::map<std::string, std::optional<std::int64_t>>
      rpo;                                          // per data store (nullopt: not recovered)
  std::map<std::string, std::string> observations;  // name -> value as written
  std::string cause;  // why the runbook could not complete ("" when it did)
};

/// A trial's outcome as observations.
Observed observe(const scenarios::Scenario& s, const scenarios::TrialOutcome& o);

enum class ItemVerdict { kPass, kFail, kNotObserved };
std::string_view item_verdict_name(ItemVerdict v);  // "PASS", "FAIL", "NOT OBSERVED"

struct ItemResult {
  ItemVerdict verdict = ItemVerdict::kNotObserved;
  std::string reason;                 // why it failed or was not observed, without numbers
  std::optional<std::int64_t> value;  // the time it measured, for timed predicates
};
ItemResult evaluate(const Predicate& p, const Observed& o);

/// A drill record: what a real drill did, step by step (the live backend writes it; people
/// can too). Documented by schema/drill-record.schema.json.
struct DrillRecord {
  std::string file, scenario, drill;
  std::int64_t onset_unix_ms = 0;
  Observed observed;
  std::vector<std::string> step_order;  // as recorded
  std::optional<std::string> stopped;   // why the drill ended early
};
DrillRecord load_drill_record(const std::string& path);
DrillRecord parse_drill_record(std::string_view text, const std::string& file);

// ---- before the drill ----

struct PreflightItem {
  const ChecklistItem* item = nullptr;
  bool simulated = true;  // false: observed in the drill only
  std::uint64_t passed = 0, trials = 0;
  double low = 0, high = 1;  // 95% interval of the pass probability (Wilson)
  std::vector<std::pair<std::string, std::uint64_t>> reasons;  // why it failed, most common first
  std::optional<std::int64_t> p50, p95;                        // the measured time, for timed items
};
struct Preflight {
  std::string when;
  std::uint64_t trials = 0, seed = 1;
  double threshold = 0.9;
  std::vector<PreflightItem> items;
  std::vector<std::pair<std::string, std::uint64_t>> causes;  // why runbooks could not complete
  bool passed() const;  // every simulated item at or above the threshold
};
/// The result points into `c`, which must outlive it.
Preflight preflight(const scenarios::Scenario& s, const Checklist& c, std::string_view when,
                    std::uint64_t trials, std::uint64_t seed, unsigned threads, double threshold);

// ---- after the drill ----

struct CheckedItem {
  const ChecklistItem* item = nullptr;
  ItemResult result;
  // With a scenario: where the measured time falls among the simulated trials.
  std::optional<double> percentile;  // share of simulated values below it (ties count half)
  std::optional<std::int64_t> p50, p95;
  std::string flag;  // "", "model needs calibration", "drill behaved unusually"
};
struct CheckedStep {
  std::string id;
  Observed::Step observed;
  std::optional<double> percentile;
  std::optional<std::int64_t> p50, p95;
  std::string flag;
};
struct DrillCheck {
  const DrillRecord* record = nullptr;
  const Checklist* checklist = nullptr;
  std::string scenario_name;  // when placed against a scenario
  std::uint64_t trials = 0;
  std::vector<CheckedItem> items;
  std::vector<CheckedStep> steps;
  bool passed() const;  // no item failed
};
/// The result points into `record` and `c`, which must outlive it.
/// Checks the record item by item; with `scenario`, places each measured time in the
/// distribution of `trials` simulated trials and flags values outside its central 98%.
DrillCheck check_drill(const DrillRecord& record, const Checklist& c,
                       const scenarios::Scenario* scenario, std::uint64_t trials,
                       std::uint64_t seed, unsigned threads);

}  // namespace drsim::validators
