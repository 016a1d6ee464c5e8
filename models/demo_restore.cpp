#include "models/demo_restore.hpp"

namespace drsim::models {
namespace {

using sim::Duration;
using sim::Environment;
using sim::Event;
using sim::Process;
using sim::Time;

// Stream names are part of the results' identity: renaming one changes the numbers.
constexpr std::uint64_t kOnset = sim::stream_id("failure/onset");
constexpr std::uint64_t kAlarmPhase = sim::stream_id("detection/alarm-phase");
constexpr std::uint64_t kAckPrimary = sim::stream_id("people/primary/ack");
constexpr std::uint64_t kAckBackup = sim::stream_id("people/backup/ack");
constexpr std::uint64_t kAssess = sim::stream_id("runbook/assess/duration");
constexpr std::uint64_t kRestore = sim::stream_id("rds/prod-db/restore-duration");
constexpr std::uint64_t kRepoint = sim::stream_id("runbook/repoint/duration");
constexpr std::uint64_t kPropagation = sim::stream_id("route53/propagation");
constexpr std::uint64_t kClientCache = sim::stream_id("dns/client-cache");

bool business_hours(Time t) {
  // The epoch is a Monday 00:00 UTC; business hours are Monday–Friday 09:00–18:00 UTC.
  const Time in_week = ((t % sim::kWeek) + sim::kWeek) % sim::kWeek;
  const Time day = in_week / sim::kDay;
  const Time hour = (in_week % sim::kDay) / sim::kHour;
  return day < 5 && hour >= 9 && hour < 18;
}

/// The newest scheduled snapshot taken at or before `t`.
Time latest_snapshot(Time t, Duration every, Duration at) {
  Time k = (t - at) / every;
  if ((t - at) % every < 0) --k;  // floor, also before the first snapshot of the week
  return at + k * every;
}

struct TrialState {
  TrialState(Environment& env, const DemoRestoreOptions& o, std::uint64_t seed, std::uint64_t trial)
      : env(env),
        options(o),
        seed(seed),
        trial(trial),
        primary_ack(env),
        backup_ack(env),
        engineer(env, 1) {}
  sim::Stream stream(std::uint64_t id) const { return sim::Stream(seed, trial, id); }
  Duration draw(const sim::Distribution& d, std::uint64_t id) const {
    sim::Stream s = stream(id);
    return d.sample_duration(s);
  }

  Environment& env;
  const DemoRestoreOptions& options;
  std::uint64_t seed, trial;
  Event primary_ack, backup_ack;
  sim::Resource engineer;  // one engineer works the incident: manual steps queue for them
  DemoOutcome outcome;
};

Process acknowledge(Environment& env, Event& ack, Duration delay) {
  co_await env.timeout(delay);
  ack.succeed();
}

Duration ack_delay(const TrialState& s, std::uint64_t stream) {
  const auto& d = business_hours(s.env.now()) ? s.options.ack_business : s.options.ack_off_hours;
  return s.draw(d, stream);
}

Process incident(Environment& env, TrialState& s) {
  const DemoRestoreOptions& o = s.options;
  const Time onset = env.now();

  // Detection: the alarm needs `alarm_periods` full periods, evaluated on period boundaries.
  sim::Stream phase = s.stream(kAlarmPhase);
  const auto until_boundary = static_cast<Duration>(phase.uniform01() * o.alarm_period_ms);
  co_await env.timeout(until_boundary + o.alarm_periods * o.alarm_period_ms);
  const Time detected = env.now();

  // Page the primary; escalate to the backup if nobody acknowledges in time.
  sim::ProcessRef primary = env.start(acknowledge(env, s.primary_ack, ack_delay(s, kAckPrimary)));
  if (co_await any_of(env, s.primary_ack, env.timeout(o.escalate_after_ms)) == 1) {
    s.outcome.escalated = true;
    sim::ProcessRef backup = env.start(acknowledge(env, s.backup_ack, ack_delay(s, kAckBackup)));
    const int first = co_await any_of(env, s.primary_ack, s.backup_ack);
    env.interrupt(first == 0 ? backup : primary, "acknowledged by the other responder");
  }
  {
    sim::Lease engineer = co_await s.engineer.acquire();
    co_await env.timeout(s.draw(o.assess, kAssess));
  }
  const Time decided = env.now();

  // Restore, noticed by the CLI waiter at its next poll.
  const Time available = env.now() + s.draw(o.restore, kRestore);
  do {
    co_await env.timeout(o.waiter_delay_ms);
  } while (env.now() < available);
  {
    sim::Lease engineer = co_await s.engineer.acquire();
    co_await env.timeout(s.draw(o.repoint, kRepoint));
  }

  // DNS: the change propagates, then each client's cache expires within one TTL.
  sim::Stream cache = s.stream(kClientCache);
  co_await env.timeout(s.draw(o.dns_propagation, kPropagation) +
                       static_cast<Duration>(cache.uniform01() * o.dns_ttl_ms));
  const Time restored = env.now();

  s.outcome.rto_ms = restored - onset;
  s.outcome.rpo_ms = onset - latest_snapshot(onset, o.snapshot_every_ms, o.snapshot_at_ms);
  s.outcome.detection_ms = detected - onset;
  s.outcome.decision_ms = decided - detected;
  s.outcome.execution_ms = restored - decided;
}

}  // namespace

DemoOutcome run_demo_trial(const DemoRestoreOptions& options, Environment& env, std::uint64_t seed,
                           std::uint64_t trial) {
  sim::Stream onset_stream(seed, trial, kOnset);
  const auto onset = static_cast<Time>(onset_stream.uniform01() * options.onset_window_ms);
  env.reset(onset);
  env.set_event_limit(100'000);
  TrialState state(env, options, seed, trial);
  env.start(incident(env, state));
  env.run();
  env.reset(0);  // destroy leftover processes before `state`, whose events they reference
  return state.outcome;
}

DemoResults run_demo(const DemoRestoreOptions& options, const sim::RunOptions& run_options) {
  std::vector<DemoOutcome> outcomes(run_options.trials);
  struct Worker : sim::TrialWorker {
    Worker(const DemoRestoreOptions& o, std::uint64_t seed, std::vector<DemoOutcome>& out)
        : options(o), seed(seed), outcomes(out) {}
    void run_trial(std::uint64_t trial) override {
      outcomes[trial] = run_demo_trial(options, env, seed, trial);
    }
    const DemoRestoreOptions& options;
    std::uint64_t seed;
    std::vector<DemoOutcome>& outcomes;
    Environment env;
  };
  DemoResults results;
  results.run = sim::run_trials(
      run_options, [&] { return std::make_unique<Worker>(options, run_options.seed, outcomes); });
  // Aggregate in trial order: the same numbers for any thread count.
  for (std::uint64_t t = 0; t < outcomes.size(); ++t) {
    if (results.run.status[t] != sim::TrialStatus::kOk) continue;
    const DemoOutcome& o = outcomes[t];
    results.rto_ms.add(o.rto_ms);
    results.rpo_ms.add(o.rpo_ms);
    results.detection_ms.add(o.detection_ms);
    results.decision_ms.add(o.decision_ms);
    results.execution_ms.add(o.execution_ms);
    results.escalations += o.escalated ? 1 : 0;
  }
  return results;
}

}  // namespace drsim::models
