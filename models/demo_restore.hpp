// The demo model: one production database lost and restored from its latest daily
// snapshot by the on-call engineer, with detection, paging and escalation, the CLI waiter's
// polling, and DNS caches — small enough to read in one sitting, real enough to show RTO
// and RPO as distributions.
//
// `drsim demo` runs it. It exercises the whole kernel (processes, events, any_of, a
// resource, named streams, the Monte Carlo runner) before the scenario engine exists; every
// default is from ../shared/calibration.md (sources beside each constant).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/sim.hpp"

namespace drsim::models {

struct DemoRestoreOptions {
  // Failure onset uniform over a week starting Monday 00:00 UTC, so that its phase against
  // the 03:00 backup and against business hours varies from trial to trial.
  sim::Duration onset_window_ms = sim::kWeek;
  // Automated backups: daily; the seed runbooks take theirs at 03:00 UTC
  // (seeds/mangu-backup-dr-runbook.md §1.1).
  sim::Duration snapshot_every_ms = sim::kDay;
  sim::Duration snapshot_at_ms = 3 * sim::kHour;
  // CloudWatch alarm: 3 evaluation periods of 1 minute (assumed; a common setting).
  int alarm_periods = 3;
  sim::Duration alarm_period_ms = sim::kMinute;
  // Page acknowledgement, business hours LN(3m, 15m), nights/weekends LN(5m, 30m) — assumed
  // spread; calibration.md "People" (Google SRE book, PagerDuty reports).
  sim::Distribution ack_business =
      sim::Distribution::lognormal_p50_p95(3 * sim::kMinute, 15 * sim::kMinute);
  sim::Distribution ack_off_hours =
      sim::Distribution::lognormal_p50_p95(5 * sim::kMinute, 30 * sim::kMinute);
  // Escalation to the backup on-call after 15 min unacknowledged (seeds/muejam-dr-runbook.md).
  sim::Duration escalate_after_ms = 15 * sim::kMinute;
  // Assessment before deciding to restore: LN(10m, 25m), assumed (calibration.md "Decision").
  sim::Distribution assess =
      sim::Distribution::lognormal_p50_p95(10 * sim::kMinute, 25 * sim::kMinute);
  // Restore from snapshot to `available`: LN(15m, 45m), assumed (calibration.md RDS; re:Post
  // "rds-mysql-snapshot-restore", hashicorp/terraform#8051).
  sim::Distribution restore =
      sim::Distribution::lognormal_p50_p95(15 * sim::kMinute, 45 * sim::kMinute);
  // `rds wait db-instance-available` polls every 30 s (botocore rds waiters-2.json).
  sim::Duration waiter_delay_ms = 30 * sim::kSecond;
  // Point the application at the new endpoint and smoke-test it: manual, assumed.
  sim::Distribution repoint =
      sim::Distribution::lognormal_p50_p95(5 * sim::kMinute, 15 * sim::kMinute);
  // Route 53 propagation LN(30s, 60s) (calibration.md, assumed spread); clients switch after
  // Uniform(0, TTL) with TTL 60 s.
  sim::Distribution dns_propagation =
      sim::Distribution::lognormal_p50_p95(30 * sim::kSecond, 60 * sim::kSecond);
  sim::Duration dns_ttl_ms = 60 * sim::kSecond;
  // Objectives, as in seeds/mangu-backup-dr-runbook.md: RTO 4 h, RPO 24 h.
  sim::Duration rto_objective_ms = 4 * sim::kHour;
  sim::Duration rpo_objective_ms = 24 * sim::kHour;
};

/// What one trial observed.
struct DemoOutcome {
  sim::Duration rto_ms = 0;        // onset -> clients reach the restored database
  sim::Duration rpo_ms = 0;        // onset - snapshot time
  sim::Duration detection_ms = 0;  // onset -> alarm fires
  sim::Duration decision_ms = 0;   // alarm -> page acknowledged and restore decided
  sim::Duration execution_ms = 0;  // decision -> clients reach the restored database
  bool escalated = false;          // the primary did not acknowledge in time
};

/// Runs one trial of the demo model in `env` (which it resets first).
DemoOutcome run_demo_trial(const DemoRestoreOptions& options, sim::Environment& env,
                           std::uint64_t seed, std::uint64_t trial);

/// Aggregated results of a demo run.
struct DemoResults {
  sim::RunSummary run;
  sim::Sample rto_ms, rpo_ms, detection_ms, decision_ms, execution_ms;
  std::uint64_t escalations = 0;
};

/// Runs `run_options.trials` trials; identical results for any thread count.
DemoResults run_demo(const DemoRestoreOptions& options, const sim::RunOptions& run_options);

}  // namespace drsim::models
