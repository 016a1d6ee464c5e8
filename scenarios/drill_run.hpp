// A drill run for real: the scenario's runbook, step by step, against a live backend (the
// AWS CLI), in wall-clock time, writing the drill record as it goes.
//
// Safety first: before the first call it checks the guard rails — an account allow-list
// (`sts get-caller-identity`), a region allow-list and resource names marked for drills — and
// refuses (DrillRefused) before anything changes. Between calls it honours a stop request
// (Ctrl-C): the call in flight finishes, the record says where the drill stopped. Commands
// that are not AWS calls (terraform, kubectl), manual steps, probes and dig checks are the
// operator's: confirmed at the terminal or, for unattended runs, from a confirm file.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/request.hpp"
#include "scenarios/drill_plan.hpp"
#include "scenarios/scenario.hpp"

namespace drsim::scenarios {

using GuardRails = Scenario::LiveGuards;

/// A drill config file: {"accounts": [...], "regions": [...], "marked": [...]}, added to the
/// scenario's own `live` guard rails. Throws sim::InputError with the place and what was expected.
GuardRails load_drill_config(const std::string& path);

/// How the operator (or a confirm file) answered for a step drsim does not run itself.
struct Confirmation {
  std::string outcome = "ok";  // ok | failed | skipped
  std::string detail;
};

/// A confirm file for unattended runs: {"assess": "ok", "smoke-tests": {"outcome": "failed",
/// "detail": "login page 500"}}. Throws sim::InputError (with a suggestion for a step id the
/// scenario does not have).
std::map<std::string, Confirmation> load_confirmations(const std::string& path, const Scenario& s);

/// The guard rails said no; nothing was changed.
class DrillRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a mutating call changes, by the parameter that names it ("db-instance-identifier" of a
/// restore, "secret-id", "hosted-zone-id", ...); empty for a read.
std::vector<std::string> changed_resources(const models::Request& request);

/// The guard rails as far as they can be checked before anything runs: allow-lists present,
/// every literal region allowed, every literal resource a mutating step changes marked
/// (unless `allow_unmarked`). One line per problem; empty when the plan may run.
std::vector<std::string> check_plan(const Scenario& s, const GuardRails& rails,
                                    bool allow_unmarked);

/// `argv` with credentials and secret values (--secret-string, --*password*) as ****: what
/// logs and drill records show.
std::vector<std::string> masked(std::vector<std::string> argv);

struct DrillRunOptions {
  models::LiveOptions live;  // argv shown in the record (the backend makes the calls)
  std::string drill;         // the record's "drill"
  GuardRails rails;
  bool allow_unmarked = false;
  std::optional<std::chrono::milliseconds> poll_delay;  // every waiter; default: AWS's delay
  std::optional<int> max_polls;                         // every waiter; default: AWS's limit
  std::map<std::string, Confirmation> confirmations;
  /// Asks the operator at the terminal (null: there is no one to ask).
  std::function<std::optional<Confirmation>(const std::string& step, const std::string& what)> ask;
  /// Receives the whole record after every change (write it atomically).
  std::function<void(const nlohmann::json& record)> write_record;
  std::function<void(const std::string& line)> log;
  const std::atomic<bool>* stop = nullptr;  // set by Ctrl-C
  std::function<std::chrono::system_clock::time_point()> now = std::chrono::system_clock::now;
};

struct DrillRunResult {
  bool completed = false;  // the runbook ran to its end (steps that may fail did not stop it)
  std::string account;     // as sts get-caller-identity said
  std::size_t failed_steps = 0;
  std::string stopped;  // why it stopped early, or empty
  nlohmann::json record;
};

/// Checks the guard rails (throws DrillRefused before any mutating call when one fails), then
/// runs the plan in order.
DrillRunResult execute_drill(const Scenario& s, models::Backend& backend,
                             const DrillRunOptions& options);

/// "2026-04-12T02:00:00.250Z"
std::string iso8601_utc(std::chrono::system_clock::time_point t);

}  // namespace drsim::scenarios
