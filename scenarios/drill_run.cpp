#include "scenarios/drill_run.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "models/live_backend.hpp"
#include "models/operations.hpp"
#include "models/waiters.hpp"
#include "scenarios/json_object.hpp"
#include "scenarios/query.hpp"

namespace drsim::scenarios {
namespace {

using json = nlohmann::json;
using SysClock = std::chrono::system_clock;
using models::Value;

/// The parameters that name what a mutating call changes, most specific first: a restore's
/// new instance before the snapshot it reads.
constexpr std::array<std::string_view, 22> kResourceParams = {
    "target-db-instance-identifier",
    "target-db-snapshot-identifier",
    "target-db-cluster-identifier",
    "db-instance-identifier",
    "db-cluster-identifier",
    "global-cluster-identifier",
    "db-snapshot-identifier",
    "secret-id",
    "service",
    "cluster",
    "hosted-zone-id",
    "bucket",
    "auto-scaling-group-name",
    "instance-ids",
    "function-name",
    "replication-group-id",
    "cache-cluster-id",
    "load-balancer-arn",
    "target-group-arn",
    "stack-name",
    "key-id",
    "name",
};

bool marked(const std::string& name, const GuardRails& rails) {
  return std::any_of(rails.marked.begin(), rails.marked.end(), [&](const std::string& pattern) {
    return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
  });
}

bool allowed(const std::string& x, const std::vector<std::string>& list) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

std::string listing(const std::vector<std::string>& v) {
  return v.empty() ? "none" : fmt::format("{}", fmt::join(v, ", "));
}

/// Problems of one request against the rails (`what` names the step).
void check_request(const models::Request& r, bool mutating, const GuardRails& rails,
                   bool allow_unmarked, const std::string& what, bool literal_only,
                   std::vector<std::string>& problems) {
  const auto unbound = [&](const std::string& v) {
    return literal_only && v.find("${") != std::string::npos;
  };
  // An empty list is one problem of its own (check_plan), not one per call.
  if (!rails.regions.empty() && !r.region.empty() && !unbound(r.region) &&
      !allowed(r.region, rails.regions)) {
    problems.push_back(fmt::format("{} calls region {}, which is not in the allow-list ({})", what,
                                   r.region, listing(rails.regions)));
  }
  if (!mutating || allow_unmarked || rails.marked.empty()) return;
  for (const std::string& name : changed_resources(r)) {
    if (unbound(name) || marked(name, rails)) continue;
    problems.push_back(fmt::format(
        "{} changes {}, which is not marked for drills (marked: {}); mark it in `live.marked` "
        "or pass --allow-unmarked",
        what, name, listing(rails.marked)));
  }
}

bool is_mutating(const CommandTemplate& c) {
  return c.waiter.empty() && c.mutating();
}

}  // namespace

std::string iso8601_utc(SysClock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const models::CivilTime c = models::civil_time(ms.count());
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour,
                     c.minute, c.second, c.millisecond);
}

GuardRails load_drill_config(const std::string& path) {
  const std::string text = read_input_file(path, sim::Location{path, 0, 0, {}});
  const json j = parse_json(text, path);
  try {
    JsonObject o(j, "", "a drill config", {"accounts", "regions", "marked"});
    GuardRails g{o.strings("accounts"), o.strings("regions"), o.strings("marked")};
    for (std::size_t i = 0; i < g.accounts.size(); ++i) {
      const std::string& a = g.accounts[i];
      if (a.size() != 12 || !std::all_of(a.begin(), a.end(), ::isdigit))
        fail_at(fmt::format("/accounts/{}", i), "an AWS account id is 12 digits");
    }
    return g;
  } catch (const sim::InputError& e) {
    throw JsonLocations(text, path).locate(e);
  }
}

std::map<std::string, Confirmation> load_confirmations(const std::string& path, const Scenario& s) {
  const std::string text = read_input_file(path, sim::Location{path, 0, 0, {}});
  const json j = parse_json(text, path);
  try {
    std::vector<std::string_view> ids;
    for (const Step& step : s.runbook) ids.push_back(step.id);
    JsonObject root(j, "", "a confirm file (step id -> outcome)", ids);
    std::map<std::string, Confirmation> out;
    for (const auto& [id, v] : j.items()) {
      if (id == "$schema" || id == "//" || id.starts_with("_")) continue;
      Confirmation c;
      if (v.is_string()) {
        c.outcome = v.get<std::string>();
      } else {
        JsonObject o(v, root.at(id), "a confirmation", {"outcome", "detail"});
        c.outcome = o.text("outcome", true);
        c.detail = o.text("detail");
      }
      constexpr std::array<std::string_view, 3> kOutcomes = {"ok", "failed", "skipped"};
      if (std::find(kOutcomes.begin(), kOutcomes.end(), c.outcome) == kOutcomes.end()) {
        fail_at(root.at(id), fmt::format("unknown outcome `{}`", c.outcome),
                sim::suggest(c.outcome, kOutcomes));
      }
      out[id] = c;
    }
    return out;
  } catch (const sim::InputError& e) {
    throw JsonLocations(text, path).locate(e);
  }
}

std::vector<std::string> changed_resources(const models::Request& r) {
  for (std::string_view p : kResourceParams) {
    const Value* v = r.find(p);
    if (v == nullptr) continue;
    std::vector<std::string> out;
    if (v->is_array()) {
      for (const Value& e : v->as_array()) out.push_back(e.to_text());
    } else {
      out.push_back(v->to_text());
    }
    return out;
  }
  return {};
}

std::vector<std::string> masked(std::vector<std::string> argv) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.starts_with("--") && models::is_secret_parameter(std::string_view(a).substr(2))) {
      argv[i + 1] = "****";
    }
  }
  return argv;
}

std::vector<std::string> check_plan(const Scenario& s, const GuardRails& rails,
                                    bool allow_unmarked) {
  std::vector<std::string> problems;
  if (rails.accounts.empty()) {
    problems.push_back(
        "no account allow-list: add \"live\": {\"accounts\": [\"<12-digit id>\"]} to the "
        "scenario or give --config FILE");
  }
  if (rails.regions.empty()) {
    problems.push_back(
        "no region allow-list: add \"live\": {\"regions\": [...]} to the scenario or give "
        "--config FILE");
  }
  if (rails.marked.empty() && !allow_unmarked &&
      std::any_of(s.runbook.begin(), s.runbook.end(),
                  [](const Step& st) { return st.aws && is_mutating(*st.aws); })) {
    problems.push_back(
        "no resource is marked for drills: add \"live\": {\"marked\": [\"name-pattern-*\"]} "
        "to the scenario or --config FILE (or pass --allow-unmarked)");
  }
  const auto shown = [&](const ValueTemplate& v) { return planned_text(v, s); };
  for (const Step& step : s.runbook) {
    if (!step.aws || step.aws->service == "kubectl" || step.aws->service == "terraform") continue;
    check_request(live_request(s, *step.aws, shown), is_mutating(*step.aws), rails, allow_unmarked,
                  fmt::format("step {}", step.id), true, problems);
  }
  return problems;
}

namespace {

/// One run: the record and the state the steps share.
class DrillRun {
 public:
  DrillRun(const Scenario& s, models::Backend& backend, const DrillRunOptions& o)
      : s_(s), backend_(backend), o_(o), onset_(o.now()) {
    record_ = {{"kind", "drsim-drill-record"}, {"schema_version", 1},
               {"scenario", s.name},           {"drill", o.drill},
               {"onset", iso8601_utc(onset_)}, {"steps", json::array()}};
    if (o.drill.empty()) record_.erase("drill");
    for (const auto& [name, value] : s.variables) vars_[name] = value;
    for (const auto& [name, offset] : s.onset_variables)
      vars_[name] = Value(iso8601_utc(onset_ + std::chrono::milliseconds(offset)));
  }

  /// Every step starts as soon as the steps it comes after have finished, as in the
  /// simulation: independent branches (the DR stack's terraform while the database restores)
  /// run at the same time, each on a thread of its own.
  DrillRunResult run() {
    DrillRunResult result;
    guard(result);
    std::unique_lock lock(mutex_);
    save();
    const std::vector<PlannedStep> plan = plan_drill(s_, o_.live);
    enum class State { kPending, kRunning, kDone };
    std::map<std::string, State> state;
    for (const PlannedStep& p : plan) state[p.id] = State::kPending;
    std::vector<std::thread> threads;
    std::size_t running = 0;
    bool halted = false;
    last_end_ = onset_;
    const auto step_of = [&](const std::string& id) -> const Step& {
      return *std::find_if(s_.runbook.begin(), s_.runbook.end(),
                           [&](const Step& x) { return x.id == id; });
    };
    for (;;) {
      if (!halted && !stopped_.empty()) halted = true;  // a step failed and stops the drill
      bool started = false;
      for (const PlannedStep& p : plan) {
        if (halted || state[p.id] != State::kPending) continue;
        if (!std::all_of(p.after.begin(), p.after.end(),
                         [&](const std::string& d) { return state[d] == State::kDone; }))
          continue;
        const Step& step = step_of(p.id);
        if (stopping()) {
          stop_at(step.id, "interrupted by the operator (Ctrl-C)");
          halted = true;
          break;
        }
        started = true;
        if (step.condition && !condition_holds(*step.condition)) {
          status_[step.id] = "skipped";
          state[p.id] = State::kDone;
          const std::string now = iso8601_utc(o_.now());
          record_["steps"].push_back(
              {{"id", step.id},
               {"started", now},
               {"ended", now},
               {"outcome", "skipped"},
               {"detail", fmt::format("`{}` does not hold", step.condition->text())}});
          save();
          continue;
        }
        state[p.id] = State::kRunning;
        ++running;
        record_["steps"].push_back(
            json{{"id", step.id}, {"started", iso8601_utc(o_.now())}, {"outcome", "running"}});
        save();
        threads.emplace_back([this, &step, &p, &state, &running, &result] {
          try {
            const auto started_at = o_.now();
            Attempt a;
            for (int k = 0; k <= step.retries; ++k) {
              if (k > 0 && step.retry_delay > 0) sleep(std::chrono::milliseconds(step.retry_delay));
              a = attempt(step, p);
              if (a.ok || a.needs_operator || stopping()) break;
            }
            std::lock_guard done_lock(mutex_);
            finish(step, a, started_at, result);
            state[p.id] = State::kDone;
            --running;
          } catch (...) {
            // Raised again on the caller's thread once every step has returned (a record
            // that cannot be written, say); no further step starts.
            std::lock_guard failed_lock(mutex_);
            if (!error_) error_ = std::current_exception();
            if (stopped_.empty()) stopped_ = "error";
            state[p.id] = State::kDone;
            --running;
          }
          changed_.notify_all();
        });
      }
      if (started) continue;  // a skipped step may have freed others
      if (running == 0) break;
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    lock.unlock();
    for (std::thread& t : threads) t.join();
    if (error_) std::rethrow_exception(error_);
    lock.lock();
    if (stopped_.empty()) {
      // The runbook ran to its end, its final checks included (a step that failed did not
      // stop it: the runbook goes on after it): the service is back.
      record_["observations"] =
          json::array({json{{"name", "service-recovered"}, {"at", iso8601_utc(last_end_)}}});
      result.completed = true;
      save();
    }
    result.stopped = stopped_;
    result.record = record_;
    return result;
  }

 private:
  struct Attempt {
    bool ok = false, needs_operator = false;
    std::string outcome = "failed", detail, command;
  };

  /// Records a finished step; under the lock.
  void finish(const Step& step, const Attempt& a, SysClock::time_point started,
              DrillRunResult& result) {
    json& steps = record_["steps"];
    const auto entry =
        std::find_if(steps.begin(), steps.end(), [&](const json& e) { return e["id"] == step.id; });
    if (a.needs_operator) {
      steps.erase(entry);  // it did not run
      stop_at(step.id, a.detail);
      return;
    }
    const auto ended = o_.now();
    last_end_ = std::max(last_end_, ended);
    json& done = *entry;
    done["ended"] = iso8601_utc(ended);
    done["outcome"] = a.outcome;
    if (!a.command.empty()) done["command"] = a.command;
    if (!a.detail.empty()) done["detail"] = a.detail;
    status_[step.id] = a.outcome;
    log(fmt::format("{} {} ({:.1f} s){}", step.id, a.outcome,
                    std::chrono::duration<double>(ended - started).count(),
                    a.detail.empty() ? "" : ": " + a.detail));
    save();
    if (a.outcome != "failed") return;
    ++result.failed_steps;
    if (stopping()) {
      stop_at(step.id, "interrupted by the operator (Ctrl-C)");
    } else if (step.on_failure != "continue") {
      stop_at(step.id, fmt::format("step {} failed: {}", step.id, a.detail));
    }
  }

  bool stopping() const { return o_.stop != nullptr && o_.stop->load(); }
  void save() {
    if (o_.write_record) o_.write_record(record_);
  }
  void log(const std::string& line) {
    if (o_.log) o_.log(line);
  }
  void sleep(std::chrono::milliseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (!stopping() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
  }

  /// The first reason the drill stops is the one recorded; under the lock.
  void stop_at(const std::string& step, const std::string& reason) {
    if (!stopped_.empty()) return;
    record_["stopped"] = {{"at", iso8601_utc(o_.now())}, {"reason", reason}, {"step", step}};
    stopped_ = reason;
    log(fmt::format("stopped at {}: {}", step, reason));
    save();
  }

  /// The rails that need no call, then the account. Throws DrillRefused.
  void guard(DrillRunResult& result) {
    const std::vector<std::string> problems = check_plan(s_, o_.rails, o_.allow_unmarked);
    if (!problems.empty()) throw DrillRefused(fmt::format("{}", fmt::join(problems, "\n")));
    const models::Outcome who = backend_.invoke(
        {.service = "sts", .operation = "get-caller-identity", .region = o_.rails.regions.front()});
    if (!who.ok())
      throw DrillRefused("cannot tell which account this is (sts get-caller-identity): " +
                         who.error->describe());
    result.account = who.result["Account"].string_or();
    if (!allowed(result.account, o_.rails.accounts)) {
      throw DrillRefused(fmt::format(
          "the credentials are for account {}, which is not in the allow-list ({}): nothing was "
          "changed",
          result.account.empty() ? "(unknown)" : result.account, listing(o_.rails.accounts)));
    }
    log(fmt::format("account {} is allowed; regions {}", result.account,
                    listing(o_.rails.regions)));
  }

  bool condition_holds(const Query& condition) const {
    models::Members input(vars_.begin(), vars_.end());
    models::Members steps;
    for (const Step& st : s_.runbook) {
      const auto it = status_.find(st.id);
      steps.emplace_back(st.id, Value(it == status_.end() ? std::string("pending") : it->second));
    }
    input.emplace_back("steps", Value(std::move(steps)));
    return condition.evaluate(Value(std::move(input))).truthy();
  }

  /// The value a template has now: variables bound so far, instants relative to now.
  std::string text(const ValueTemplate& v) const {
    std::string out;
    for (const auto& part : v.parts) {
      if (!part.variable) {
        out += part.text;
        continue;
      }
      const auto it = vars_.find(part.text);
      out += it == vars_.end()      ? "${" + part.text + "}"
             : it->second.is_null() ? "None"  // what the CLI's text output would have said
                                    : it->second.to_text();
    }
    return out;
  }

  Attempt confirm(const Step& step, const PlannedStep& p) {
    std::string what;
    switch (p.kind) {
      case PlannedStep::Kind::kOther:
        what = fmt::format("run it yourself: {}", p.text);
        break;
      case PlannedStep::Kind::kProbe:
        what = fmt::format("check that {} answers (curl -f)", p.text);
        break;
      case PlannedStep::Kind::kDig:
        what = fmt::format("check what `dig {}` answers{}", p.text,
                           step.expect.empty() ? "" : " (expected: " + step.expect + ")");
        break;
      default:
        what = fmt::format("manual step{}{}", step.owner.empty() ? "" : " for " + step.owner,
                           step.phase.empty() ? "" : " (" + step.phase + ")");
    }
    Attempt a;
    std::optional<Confirmation> c;
    if (const auto it = o_.confirmations.find(step.id); it != o_.confirmations.end()) {
      c = it->second;
    } else if (o_.ask) {
      std::lock_guard asking(operator_);
      c = o_.ask(step.id, what);
    }
    if (!c) {
      a.needs_operator = true;
      a.detail = fmt::format(
          "step {} needs the operator ({}), and there is no terminal to ask: confirm it in a "
          "--confirm file for unattended runs",
          step.id, what);
      return a;
    }
    a.outcome = c->outcome;
    a.ok = c->outcome != "failed";
    a.detail = c->detail;
    a.command = p.kind == PlannedStep::Kind::kOther ? p.text : "";
    return a;
  }

  Attempt attempt(const Step& step, const PlannedStep& p) {
    if (!step.aws || p.kind == PlannedStep::Kind::kOther) return confirm(step, p);
    const CommandTemplate& c = *step.aws;
    Attempt a;
    std::unique_lock lock(mutex_);  // the variables; released for the call itself
    for (const auto& [name, offset] : s_.now_variables)
      vars_[name] = Value(iso8601_utc(o_.now() + std::chrono::milliseconds(offset)));
    if (const std::optional<std::string_view> v = c.unbound(vars_)) {
      a.detail = fmt::format("variable ${} is not set (no earlier step bound it)", *v);
      return a;
    }
    const models::Request request =
        live_request(s_, c, [&](const ValueTemplate& v) { return text(v); });
    a.command = shell_line(masked(models::cli_argv(request, o_.live)));
    std::vector<std::string> problems;
    check_request(request, is_mutating(c), o_.rails, o_.allow_unmarked, "the call", false,
                  problems);
    if (!problems.empty()) {
      a.detail = "refused: " + problems.front();
      return a;
    }
    lock.unlock();
    if (!c.waiter.empty()) {
      const models::WaiterSpec& spec = *models::find_waiter(c.service, c.waiter);
      const auto delay = o_.poll_delay.value_or(std::chrono::milliseconds(spec.delay));
      const int max = o_.max_polls.value_or(spec.max_attempts);
      const models::WaitResult w = models::wait_live(backend_, spec, request, delay, max, o_.stop);
      if (w.state == models::WaiterState::kSuccess) {
        a.ok = true;
        a.outcome = "ok";
      } else if (w.state == models::WaiterState::kFailure) {
        a.detail = fmt::format("waiter {} failed: {}", c.waiter,
                               w.last.error ? w.last.error->describe() : "reached a failure state");
      } else if (stopping()) {
        a.detail = fmt::format("stopped by the operator after {} polls", w.attempts);
      } else {
        a.detail = fmt::format("waiter {} gave up after {} polls, {} s apart", c.waiter, w.attempts,
                               delay.count() / 1000.0);
      }
      return a;
    }
    const models::Outcome out = backend_.invoke(request);
    if (!out.ok()) {
      a.detail = out.error->describe();
      return a;
    }
    lock.lock();
    if (const auto e = bind_outputs(step, out.result, vars_, 0)) {
      a.detail = fmt::format("{}: {}", e->what, e->detail);
      return a;
    }
    a.ok = true;
    a.outcome = "ok";
    return a;
  }

  const Scenario& s_;
  models::Backend& backend_;
  const DrillRunOptions& o_;
  SysClock::time_point onset_;
  json record_;
  std::map<std::string, Value, std::less<>> vars_;
  std::map<std::string, std::string> status_;
  std::string stopped_;
  SysClock::time_point last_end_;
  // The record, the variables and the steps' status are shared by the steps' threads.
  std::mutex mutex_;
  std::condition_variable changed_;
  std::mutex operator_;  // one question to the operator at a time
  std::exception_ptr error_;
};

}  // namespace

DrillRunResult execute_drill(const Scenario& s, models::Backend& backend,
                             const DrillRunOptions& options) {
  return DrillRun(s, backend, options).run();
}

}  // namespace drsim::scenarios
