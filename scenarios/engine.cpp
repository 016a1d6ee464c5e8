#include "scenarios/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "models/waiters.hpp"
#include "scenarios/service_health.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {

using models::Value;
using sim::Time;

namespace {

/// "+1h2m3s" / "-3d": an instant relative to the onset, for traces.
std::string relative(Time delta) {
  return fmt::format("{}{}", delta < 0 ? "-" : "+",
                     sim::format_duration(delta < 0 ? -delta : delta));
}

}  // namespace

namespace {

sim::Process run_step(sim::Environment& env, Engine::State& st, const Scenario& s,
                      models::MockCloud& cloud, std::size_t i);

}  // namespace

struct Engine::State {
  /// Starts a step's process once the steps it runs after are done. It waits for them one
  /// at a time, in the order of `after`, and wakes as the step's own process would if it
  /// waited for each in turn: a process started for every step at the decision, only to
  /// wait, would cost an entry and a suspension a step.
  class Gate final : public sim::Waiter {
   public:
    Gate() = default;
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;

    /// Waits for the first of `after` not yet done; starts the step when none is left.
    void check(State& st, std::size_t step) {
      st_ = &st;
      step_ = step;
      Engine& e = st.engine;
      const std::vector<std::size_t>& after = e.scenario_.runbook[step].after_index;
      for (; next_ < after.size(); ++next_) {
        sim::Event& done = *st.done[after[next_]];
        if (!done.triggered()) {
          node_.owner = this;
          done.attach(node_);
          return;
        }
      }
      e.env_.start_now(run_step(e.env_, st, e.scenario_, e.cloud_, step));
    }
    void fire(std::uint32_t, std::exception_ptr) override {
      sim::Environment& env = st_->engine.env_;
      wake_ = env.schedule(env.now(), sim::Callback{&Gate::on_wake, this});
    }
    void cancel() override {
      if (st_ == nullptr) return;
      sim::detach(st_->engine.env_, node_);
      if (wake_) st_->engine.env_.cancel(std::exchange(wake_, {}));
    }
    /// Closed again, for the next trial (the node must be unlinked).
    void clear() {
      st_ = nullptr;
      step_ = next_ = 0;
      node_ = {};
      wake_ = {};
    }

   private:
    static void on_wake(void* self) {
      auto* gate = static_cast<Gate*>(self);
      gate->wake_ = {};
      gate->check(*gate->st_, gate->step_);
    }
    State* st_ = nullptr;
    std::size_t step_ = 0;
    std::size_t next_ = 0;  // the first of `after` not known to be done
    sim::WaitNode node_;
    sim::EventId wake_;
  };

  // Made once per engine and begun anew for each trial, keeping its storage.
  State(Engine& e, std::size_t steps)
      : engine(e), requests(e.requests_), gates(steps), done(steps) {}
  /// Ready for a trial: no step done or waited for, no variable bound, nothing recorded.
  void begin(bool trace) {
    for (std::optional<sim::Event>& d : done) d.emplace(engine.env_);  // unlinks its waiters
    for (Gate& g : gates) g.clear();
    variables = engine.scenario_.variables;
    outcome = {};
    health.reset();
    aborted = false;
    tracing = trace;
  }
  Engine& engine;
  std::vector<KeptRequest>& requests;  // the engine's, one per step
  // One per step (used by those with steps to run after). Before `done`, whose waiter lists
  // unlink the gates' nodes when they go first.
  std::vector<Gate> gates;
  // One per step: it finished (either way). Made in place in one block, which never grows
  // (an event cannot move: its waiters point at it).
  std::vector<std::optional<sim::Event>> done;
  std::map<std::string, Value, std::less<>> variables;
  TrialOutcome outcome;
  std::unique_ptr<ServiceHealth> health;  // the service as a client sees it
  bool aborted = false;
  bool tracing = false;

  /// A line of the trace; formatted only when tracing (a trial that is not traced pays
  /// nothing for its notes).
  template <typename... Args>
  void note(fmt::format_string<Args...> what, Args&&... args) {
    if (!tracing) return;
    outcome.trace.push_back(fmt::format("{:>12}  {}", relative(engine.env_.now() - outcome.onset),
                                        fmt::format(what, std::forward<Args>(args)...)));
  }
};

namespace {

/// How one attempt at a step ended: the facts of a failure, put into words (explain) only
/// when read — most failed attempts are retried, and an untraced trial never describes them.
struct StepResult {
  enum class Failure : std::uint8_t {
    kNone,
    kProbe,          // the probe did not reach a healthy service
    kDigNoAnswer,    // dig found no record
    kDigOldTarget,   // dig answered `text`, not the expected target
    kUnsetVariable,  // the command reads variable `text`, which no step set
    kWaiterGaveUp,   // `waiter` still retrying after `attempts` polls
    kWaiterFailed,   // `waiter` reached a failure state (or its call failed: `error`)
    kCall,           // the call failed with `error`
    kOutputs,        // an output could not be bound: `text` (what), `detail`
    kTimeout,        // the step's own timeout
  };
  Failure failure = Failure::kNone;
  // Each failure sets the members it names above (the others may hold an earlier attempt's).
  std::string text, detail;
  std::optional<models::AwsError> error;
  const models::WaiterSpec* waiter = nullptr;
  int attempts = 0;

  bool ok() const { return failure == Failure::kNone; }
};

/// (cause, detail) of a failed attempt at `step`.
std::pair<std::string, std::string> explain(const StepResult& r, const Step& step,
                                            const Scenario& s) {
  using Failure = StepResult::Failure;
  switch (r.failure) {
    case Failure::kNone:
      break;
    case Failure::kProbe:
      return {fmt::format("step {}: probe {} failed", step.id, step.probe),
              fmt::format("a client resolving {} did not reach a healthy service", s.service.dns)};
    case Failure::kDigNoAnswer:
      return {fmt::format("step {}: dig {}: no answer", step.id, step.dig),
              fmt::format("{} has no record a resolver can find (NXDOMAIN)", step.dig)};
    case Failure::kDigOldTarget:
      return {fmt::format("step {}: dig {} still answers the old target", step.id, step.dig),
              fmt::format("dig {} answered {}, not {}", step.dig, r.text, step.expect)};
    case Failure::kUnsetVariable:
      return {fmt::format("step {}: variable ${} is not set", step.id, r.text),
              fmt::format("no earlier step binds ${} (check the `outputs` of the steps this one "
                          "runs after)",
                          r.text)};
    case Failure::kWaiterGaveUp:
      return {fmt::format("step {}: waiter {} gave up (max attempts)", step.id, r.waiter->name),
              fmt::format("still not there after {} polls of {}", r.attempts,
                          sim::format_duration(r.waiter->delay))};
    case Failure::kWaiterFailed:
      return {fmt::format("step {}: waiter {} failed", step.id, r.waiter->name),
              r.error ? r.error->describe() : "reached a failure state"};
    case Failure::kCall:
      return {fmt::format("step {}: {}", step.id, models::error_name(r.error->code)),
              r.error->describe()};
    case Failure::kOutputs:
      return {fmt::format("step {}: {}", step.id, r.text), r.detail};
    case Failure::kTimeout:
      return {
          fmt::format("step {}: timed out after {}", step.id, sim::format_duration(*step.timeout)),
          "the step's own timeout"};
  }
  return {};
}

}  // namespace

Engine::Engine(const Scenario& scenario)
    : scenario_(scenario),
      cloud_(env_, scenario.calibration),
      requests_(scenario.runbook.size()),
      state_(std::make_unique<State>(*this, scenario.runbook.size())) {}

Engine::~Engine() {
  // A trial that threw leaves its processes suspended, referring to the state, the kept
  // requests and the mock: end them while those are still here.
  env_.reset();
}

namespace {

// One client health check: a `curl -f` with its connection and TLS handshake.
constexpr sim::Duration kProbeLatency = sim::kSecond;
// One `dig`: a query to the resolver.
constexpr sim::Duration kDigLatency = 100 * sim::kMillisecond;

// The body of one attempt at a step: run inline by the step's process, or as a process of
// its own when the step has a timeout that must interrupt it (timed_attempt).
sim::Task<> attempt(sim::Environment& env, models::MockCloud& cloud, const Scenario& s,
                    const Step& step, std::map<std::string, Value, std::less<>>& variables,
                    ServiceHealth& health, Engine::KeptRequest& kept, std::uint64_t trial_attempt,
                    StepResult& result) {
  if (!step.probe.empty()) {
    co_await env.timeout(kProbeLatency);
    if (!health.healthy(env.now())) result.failure = StepResult::Failure::kProbe;
    co_return;
  }
  if (!step.dig.empty()) {
    // The operator's resolver: its own cache, refreshed at its own phase of the TTL.
    co_await env.timeout(kDigLatency);
    const std::string_view answer = cloud.route53().client_answer(
        step.dig, env.now(), cloud.context().uniform("dns/operator-phase", step.dig),
        cloud.context().uniform("dns/operator-pick", step.dig));
    if (answer.empty()) {
      result.failure = StepResult::Failure::kDigNoAnswer;
    } else if (answer.find(step.expect) == std::string_view::npos) {
      result.failure = StepResult::Failure::kDigOldTarget;
      result.text = answer;
    }
    co_return;
  }
  if (step.manual) {
    co_await env.timeout(
        cloud.context().draw(*step.manual, "runbook/duration", step.id, trial_attempt));
    co_return;
  }
  const CommandTemplate& c = *step.aws;
  // Instants relative to "now" take the moment this attempt runs.
  for (const auto& [name, offset] : s.now_variables)
    variables[name] = Value(models::Timestamp{env.now() + offset});
  // The request is written into the step's kept one, unless an attempt that timed out is
  // still unwinding with it: then into one of this attempt's own.
  models::Request own;
  const bool borrowed = !kept.busy;
  models::Request& buffer = borrowed ? kept.request : own;
  if (borrowed) kept.busy = true;
  struct GiveBack {
    bool* busy;
    ~GiveBack() {
      if (busy) *busy = false;
    }
  } give_back{borrowed ? &kept.busy : nullptr};
  // A command that reads no variable makes the same request every time: made once, when
  // the scenario was compiled.
  if (!step.fixed_request) {
    if (const std::optional<std::string_view> v = c.unbound(variables)) {
      result.failure = StepResult::Failure::kUnsetVariable;
      result.text = *v;
      co_return;
    }
    step_request_into(buffer, s, step, variables, cloud.context().epoch_unix_ms());
  }
  const models::Request& request = step.fixed_request ? *step.fixed_request : buffer;
  if (!c.waiter.empty()) {
    const models::WaiterSpec& spec = *models::find_waiter(c.service, c.waiter);
    models::Request& poll = buffer;  // the waiter writes its describe call over it
    if (step.fixed_request) poll = *step.fixed_request;
    poll.call_key = sim::mix64(sim::stream_id(step.id) + trial_attempt);
    models::WaitResult w =
        co_await models::wait_for(env, cloud, spec, poll, spec.delay, spec.max_attempts);
    if (w.state == models::WaiterState::kSuccess) co_return;
    result.failure = w.state == models::WaiterState::kRetry ? StepResult::Failure::kWaiterGaveUp
                                                            : StepResult::Failure::kWaiterFailed;
    result.waiter = &spec;
    result.attempts = w.attempts;
    result.error = std::move(w.last.error);
    co_return;
  }
  models::Outcome o = cloud.invoke(request);
  co_await env.timeout(o.latency);
  if (!o.ok()) {
    result.failure = StepResult::Failure::kCall;
    result.error = std::move(o.error);
    co_return;
  }
  if (auto e = bind_outputs(step, o.result, variables, cloud.context().epoch_unix_ms())) {
    result.failure = StepResult::Failure::kOutputs;
    result.text = std::move(e->what);
    result.detail = std::move(e->detail);
  }
}

sim::Process timed_attempt(sim::Environment& env, models::MockCloud& cloud, const Scenario& s,
                           const Step& step, std::map<std::string, Value, std::less<>>& variables,
                           ServiceHealth& health, Engine::KeptRequest& kept,
                           std::uint64_t trial_attempt, StepResult& result) {
  co_await attempt(env, cloud, s, step, variables, health, kept, trial_attempt, result);
}

}  // namespace

TrialOutcome Engine::run_trial(std::uint64_t seed, std::uint64_t trial, bool trace) {
  const Scenario& s = scenario_;
  sim::Stream onset_stream(seed, trial, sim::stream_id("failure/onset"));
  const Time onset = s.onset_start + static_cast<Time>(onset_stream.uniform01() *
                                                       static_cast<double>(s.onset_window));
  env_.reset(onset);
  env_.set_event_limit(event_limit_);
  cloud_.reset(seed, trial);
  models::CloudContext& ctx = cloud_.context();
  ctx.set_epoch_unix_ms(s.epoch_unix_ms);
  for (const std::string& r : s.regions) ctx.add_region(r);
  for (const auto& [region, alias] : s.kms_keys) cloud_.kms().add_key(region, alias, alias);
  const Time long_ago = onset - 60 * sim::kDay;
  for (const models::DbInstanceConfig& db : s.databases) cloud_.rds().add_instance(db, long_ago);
  for (const models::SnapshotSchedule& sc : s.schedules) cloud_.rds().add_schedule(sc);
  for (const models::DataStore& d : s.data_stores) cloud_.add_data_store(d);
  for (const auto& [id, name] : s.zones) cloud_.route53().add_zone(id, name);
  for (const auto& [zone, record] : s.records) cloud_.route53().add_record(zone, record, long_ago);
  for (const models::EcsService& svc : s.services) cloud_.compute().add_service(svc, long_ago);
  for (models::Ec2Instance i : s.instances) {
    i.exists_from = i.running_from = long_ago;
    cloud_.compute().add_instance(std::move(i));
  }
  for (models::EksCluster c : s.eks_clusters) {
    c.exists_from = c.active_from = long_ago;
    cloud_.compute().add_eks_cluster(std::move(c));
  }
  for (const models::KubeDeployment& d : s.kube_deployments) cloud_.compute().add_deployment(d);
  for (const models::MachineImage& im : s.images)
    cloud_.compute().add_image(im.region, im.id, onset + im.created);
  for (const models::LoadBalancer& lb : s.load_balancers)
    cloud_.compute().add_load_balancer(lb, long_ago);
  for (const models::Stack& stack : s.stacks) cloud_.compute().use_stack(stack);
  for (models::DbCluster c : s.clusters) {
    c.exists_from = long_ago;
    cloud_.rds().add_cluster(std::move(c));
  }
  for (const models::Secret& secret : s.secrets) cloud_.secrets().add_secret(secret);
  for (const auto& [name, region] : s.endpoints) cloud_.add_static_endpoint(name, region);
  for (const models::Bucket& b : s.buckets) cloud_.s3().add_bucket(b);
  for (const Scenario::SeedObject& o : s.objects)
    cloud_.s3().put(o.bucket, o.key, onset + o.written, o.size_mb);
  cloud_.people().set_team(s.team);

  State& st = *state_;
  st.begin(trace);
  for (const auto& [name, offset] : s.onset_variables)
    st.variables[name] = models::Value(models::Timestamp{onset + offset});
  st.outcome.onset = onset;
  st.outcome.steps.assign(s.runbook.size(), {});
  st.health = std::make_unique<ServiceHealth>(s, cloud_, st.outcome.steps);
  for (std::size_t i = 0; i < s.failures.size(); ++i) {
    const models::InjectedFailure f = models::inject(cloud_, s.failures[i], onset, i);
    if (trace) {
      st.outcome.trace.push_back(fmt::format("{:>12}  failure: {}", relative(f.start - onset),
                                             models::describe(s.failures[i], f, onset)));
    }
  }

  // Detection, then the page, then the runbook.
  struct Incident {
    static sim::Process run(sim::Environment& env, State& st, const Scenario& s,
                            models::MockCloud& cloud) {
      if (s.alarm) {
        // The first whole period after the onset, then as many breaching periods as the
        // alarm needs, then publication and notification.
        const Scenario::Alarm& a = *s.alarm;
        const Time onset = env.now();
        const Time first = (onset + a.period - 1) / a.period * a.period;
        const sim::Duration lag =
            cloud.context().draw(a.lag ? *a.lag : cloud.context().calibration().alarm_lag,
                                 "detection/alarm-lag", "incident");
        co_await env.until(first + a.datapoints * a.period + lag);
      } else {
        co_await env.timeout(cloud.context().draw(s.detection, "detection/delay", "incident"));
      }
      st.outcome.detection_ms = env.now() - st.outcome.onset;
      st.note("detected");
      if (s.page && !s.team.escalation.empty()) {
        const models::PageResult page = cloud.people().page(env.now());
        if (page.acknowledged_at == sim::kNever) {
          st.aborted = true;
          st.outcome.cause = "nobody acknowledged the page";
          st.outcome.detail = fmt::format("{} escalation levels paged", page.levels_paged);
          st.note("nobody acknowledged the page");
          for (std::optional<sim::Event>& e : st.done) e->succeed();
          co_return;
        }
        co_await env.until(page.acknowledged_at);
        st.note("page acknowledged by {} ({} level{} paged)", page.role, page.levels_paged,
                page.levels_paged == 1 ? "" : "s");
      }
      st.outcome.decision_ms = env.now() - st.outcome.onset - st.outcome.detection_ms;
      // The steps that run after none start now; each other when its gate opens.
      for (std::size_t i = 0; i < s.runbook.size(); ++i) {
        if (s.runbook[i].after_index.empty()) {
          env.start(run_step(env, st, s, cloud, i));
        } else {
          st.gates[i].check(st, i);
        }
      }
    }
  };
  env_.start(Incident::run(env_, st, s, cloud_));
  env_.run();
  const Time runbook_end = env_.now();
  env_.reset(0);  // processes hold references into `st`: end them before it goes

  TrialOutcome& out = st.outcome;
  out.rpo_ms.assign(s.data_stores.size(), sim::kInfinite);
  if (!out.cause.empty()) return std::move(out);

  // The critical chain: from the step that finished last, back through the `after` step
  // that finished last.
  std::size_t last = 0;
  for (std::size_t i = 0; i < out.steps.size(); ++i) {
    if (out.steps[i].end > out.steps[last].end) last = i;
  }
  for (std::optional<std::size_t> i = last; i;) {
    out.steps[*i].critical = !out.steps[*i].skipped;
    std::optional<std::size_t> next;
    for (const std::size_t j : s.runbook[*i].after_index) {
      if (!next || out.steps[j].end > out.steps[*next].end) next = j;
    }
    i = next;
  }

  // Recovery as a client sees it, read off the timelines after the run.
  ServiceHealth& health = *st.health;
  const Time horizon = runbook_end + sim::kDay;
  Time restored = sim::kNever;
  const sim::Duration step = s.service.resolution;
  for (Time t = onset; t <= horizon;) {
    Time retry_at = t;
    if (health.healthy(t, &retry_at)) {
      restored = t;
      break;
    }
    if (!scan_shortcuts_) {
      t += step;
      continue;
    }
    // Skip the instants at which the service cannot be back yet (e.g. no database up, or
    // the client still holds the answer naming the failed region's load balancer).
    const Time next = std::max(health.not_before(t + step), retry_at);
    if (next == sim::kNever) break;
    t += std::max<Time>(1, (next - t + step - 1) / step) * step;
  }
  if (restored == sim::kNever && health.corrupt_seen()) {
    out.cause = "the restored data is corrupt";
    out.detail =
        "the database serving the app holds data from after the corruption began: the restore "
        "point was too late";
    return std::move(out);
  }
  if (restored == sim::kNever) {
    for (const std::string& id : s.service.databases) {
      const models::DbCluster* c = cloud_.rds().cluster(id);
      if (c != nullptr && !cloud_.rds().can_serve(*c, horizon)) {
        out.cause = "the restored cluster has no DB instance";
        out.detail = fmt::format(
            "Aurora cluster {} has no instance to serve from: restore-db-cluster-* creates none; "
            "the runbook needs `rds create-db-instance --db-cluster-identifier {}`",
            id, id);
        return std::move(out);
      }
    }
    const Service& svc = s.service;
    if (const std::string* name = health.leaked(horizon)) {
      out.cause = "leaked credentials were never revoked";
      out.detail =
          fmt::format("{}'s leaked credentials still work a day after the runbook finished", *name);
      return std::move(out);
    }
    if (!svc.secret.empty() && cloud_.secrets()
                                       .value_seen(svc.secret, svc.secret_region, horizon)
                                       .find(svc.secret_must_contain) == std::string::npos) {
      out.cause = "the app's configuration never names the recovered database";
      out.detail = fmt::format(
          "secret {} in {} still does not contain `{}` a day after the runbook finished: no step "
          "points the application at it",
          svc.secret, svc.secret_region, svc.secret_must_contain);
      return std::move(out);
    }
    out.cause = "the service did not recover";
    out.detail = fmt::format(
        "the runbook finished at +{} but clients still could not reach a healthy service a day "
        "later",
        sim::format_duration(runbook_end - onset));
    return std::move(out);
  }
  out.rto_ms = restored - onset;
  out.execution_ms = out.rto_ms - out.detection_ms - out.decision_ms;
  if (trace)
    out.trace.push_back(
        fmt::format("{:>12}  service restored for clients", relative(restored - onset)));
  // Objects: the restored versions against the newest written before the onset.
  if (!s.service.objects.empty()) {
    for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
      if (s.data_stores[k].name != s.service.objects_data_store) continue;
      const models::Bucket* b = cloud_.s3().bucket(s.service.objects_bucket);
      Time lost = 0;
      for (const std::string& key : s.service.objects) {
        const models::ObjectVersion* v = cloud_.s3().current(*b, key, restored);
        Time newest = v->written_at;
        for (const Scenario::SeedObject& o : s.objects) {
          if (o.bucket == b->name && o.key == key) newest = std::max(newest, onset + o.written);
        }
        lost = std::max(lost, newest - v->written_at);
      }
      out.rpo_ms[k] = lost;
    }
  }
  if (const std::optional<ServiceHealth::Serving> served = health.serving(restored)) {
    for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
      if (served->data_store != s.data_stores[k].name) continue;
      // Logically corrupt data does not count: the clean point precedes the corruption.
      const models::DataStore* store = cloud_.data_store(s.data_stores[k].name);
      Time point = served->data_as_of;
      if (store != nullptr && point >= store->corrupted_since) {
        // The serving copy holds corrupt data; a repair copied clean data from elsewhere.
        const models::DbInstance* source =
            s.service.repair_source.empty() ? nullptr
                                            : cloud_.rds().instance_ever(s.service.repair_source);
        if (source == nullptr || source->data_as_of >= store->corrupted_since) continue;
        point = source->data_as_of;
      }
      out.rpo_ms[k] = std::max<Time>(0, onset - point);
    }
  }
  return std::move(out);
}

namespace {

/// A step's `if`, over the variables and each step's status so far.
bool condition_holds(const Query& condition, const Engine::State& st, const Scenario& s,
                     models::MockCloud& cloud) {
  models::Members input(st.variables.begin(), st.variables.end());
  models::Members steps;
  for (std::size_t j = 0; j < s.runbook.size(); ++j) {
    const StepRecord& r = st.outcome.steps[j];
    const char* status = r.end == sim::kNever ? "pending"
                         : r.skipped          ? "skipped"
                         : r.ok               ? "ok"
                                              : "failed";
    steps.emplace_back(s.runbook[j].id, Value(std::string(status)));
  }
  input.emplace_back("steps", Value(std::move(steps)));
  return condition.evaluate(Value(std::move(input)), cloud.context().epoch_unix_ms()).truthy();
}

sim::Process run_step(sim::Environment& env, Engine::State& st, const Scenario& s,
                      models::MockCloud& cloud, std::size_t i) {
  const Step& step = s.runbook[i];
  if (st.aborted) {
    st.done[i]->succeed();
    co_return;
  }
  StepRecord& record = st.outcome.steps[i];
  if (step.condition && !condition_holds(*step.condition, st, s, cloud)) {
    record.end = env.now();
    record.ok = true;
    record.skipped = true;
    st.note("step {} skipped: `{}` does not hold", step.id, step.condition->text());
    st.done[i]->succeed();
    co_return;
  }
  sim::Lease person;
  if (!step.owner.empty()) person = co_await cloud.people().staff(step.owner).acquire();
  record.start = env.now();
  st.note("step {} started{}{}", step.id, step.owner.empty() ? "" : " by ", step.owner);
  StepResult result;
  for (int k = 0; k <= step.retries; ++k) {
    if (k > 0 && step.retry_delay > 0) co_await env.timeout(step.retry_delay);
    result.failure = StepResult::Failure::kNone;  // (a failure sets the members it reads)
    const auto trial_attempt = static_cast<std::uint64_t>(k);
    if (step.timeout) {
      sim::ProcessRef body = env.start(timed_attempt(env, cloud, s, step, st.variables, *st.health,
                                                     st.requests[i], trial_attempt, result));
      if (co_await any_of(env, body, env.timeout(*step.timeout)) == 1) {
        env.interrupt(body, "timeout");
        result.failure = StepResult::Failure::kTimeout;
      }
    } else {
      // Inline: a process of its own would cost more than most attempts. The two yields put
      // its events where starting the attempt as a process and joining it would.
      co_await env.yield_urgent();
      co_await attempt(env, cloud, s, step, st.variables, *st.health, st.requests[i], trial_attempt,
                       result);
      co_await env.timeout(0);
    }
    if (result.ok()) break;
    if (st.tracing)
      st.note("step {} attempt {} failed: {}", step.id, k + 1, explain(result, step, s).second);
  }
  record.end = env.now();
  record.ok = result.ok();
  st.note("step {} {}", step.id, result.ok() ? "done" : "FAILED");
  if (!result.ok() && step.on_failure == "abort" && !st.aborted) {
    st.aborted = true;
    std::tie(st.outcome.cause, st.outcome.detail) = explain(result, step, s);
  }
  st.done[i]->succeed();
}

}  // namespace

}  // namespace drsim::scenarios
