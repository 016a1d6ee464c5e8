// Every default duration and behaviour of the mock cloud, in one place, each with its
// public source (see ../shared/calibration.md). Rows marked "assumed" have no published
// number: they are priors a scenario can and should override with its own measurements.
// docs/models.md lists the same table for users.
#pragma once

#include <span>
#include <string_view>

#include "sim/distribution.hpp"
#include "sim/time.hpp"

namespace drsim::models {

using sim::Distribution;
using sim::kDay;
using sim::kHour;
using sim::kMinute;
using sim::kSecond;

inline Distribution ln(sim::Duration p50, sim::Duration p95) {
  return Distribution::lognormal_p50_p95(static_cast<double>(p50), static_cast<double>(p95));
}

struct Calibration {
  // ---------------------------------------------------------------- control plane
  // Latency of one API call. Assumed: LN(150ms, 800ms).
  Distribution api_latency = ln(150, 800);
  // During a "slow control plane" event, calls take this many times longer and this share is
  // throttled. Assumed. Well-Architected REL11-BP04 ("rely on the data plane").
  double impaired_latency_factor = 10;
  double impaired_throttle_probability = 0.3;

  // ---------------------------------------------------------------- RDS / Aurora
  // Restore from snapshot -> available: LN(15m, 45m), assumed; re:Post
  // "rds-mysql-snapshot-restore", hashicorp/terraform#8051.
  Distribution rds_restore = ln(15 * kMinute, 45 * kMinute);
  // Larger databases take longer ("tail beyond 30-60 min for large DBs", same sources): each
  // TB of allocated storage adds LN(15m, 45m) to a restore, from a snapshot or to a point in
  // time. Assumed; what-if sweeps over size depend on it (docs/models.md).
  Distribution rds_restore_per_tb = ln(15 * kMinute, 45 * kMinute);
  // Post-restore automated backup (2025): with backup retention > 0 a restored instance can
  // sit in `backing-up` 2-3 h before `available`; hashicorp/terraform-provider-aws#44104.
  // How often it happens is not published: the 25% here is assumed.
  double rds_post_restore_backup_probability = 0.25;
  Distribution rds_post_restore_backup = Distribution::uniform(2.0 * kHour, 3.0 * kHour);
  // A restore that ends in `incompatible-restore` instead of `available` (and must be
  // retried): 0 by default, set per scenario to model a flaky restore. Assumed.
  double rds_restore_failure_probability = 0;
  // Automated backups run in a 30-minute window chosen at random within an 8-hour block of
  // the region; RDS guide USER_WorkingWithAutomatedBackups.
  sim::Duration automated_backup_block = 8 * kHour;
  // EBS snapshot of a volume: LN(10m, 1h) assumed; volume from snapshot: LN(1m, 5m)
  // assumed (lazy loading after creation, like RDS).
  Distribution ebs_snapshot = ln(10 * kMinute, 1 * kHour);
  Distribution ebs_volume_create = ln(1 * kMinute, 5 * kMinute);
  // Transaction logs are uploaded every 5 min; RDS guide USER_PIT.
  sim::Duration rds_log_upload_interval = 5 * kMinute;
  // Point-in-time restore: "10 minutes to hours": LN(30m, 3h), assumed; re:Post
  // rds-point-in-time-restore-issues.
  Distribution rds_pitr = ln(30 * kMinute, 3 * kHour);
  // Snapshot creation (incremental after the first): LN(4m, 15m), assumed; RDS guide
  // USER_CreateSnapshot.
  Distribution rds_snapshot_create = ln(4 * kMinute, 15 * kMinute);
  // Cross-region copy throughput, MB/s, by region pair: 50 GB took 24 min same continent
  // (~35 MB/s), 45 min transatlantic (~19 MB/s), 84 min transpacific (~10 MB/s); harish11g
  // blog 2013 (EBS snapshot copy). Spread sigma 0.5, assumed.
  double copy_mb_per_s_same_continent = 35;
  double copy_mb_per_s_transatlantic = 19;
  double copy_mb_per_s_transpacific = 10;
  double copy_sigma = 0.5;
  // Fixed set-up time of a copy before data moves: LN(2m, 10m), assumed ("may queue").
  Distribution copy_setup = ln(2 * kMinute, 10 * kMinute);
  // At most 20 copies in progress per destination region; RDS guide USER_CopySnapshot.
  int max_concurrent_copies = 20;
  // Cross-region automated backup replication lag: LN(5m, 30m), assumed; USER_ReplicateBackups.
  Distribution backup_replication_lag = ln(5 * kMinute, 30 * kMinute);
  // Read replica promotion incl. reboot: LN(5m, 15m), assumed; RDS guide USER_ReadRepl.
  Distribution replica_promotion = ln(5 * kMinute, 15 * kMinute);
  // Replica lag at an instant: cross-region LN(2s, 60s), assumed; in-region LN(100ms, 2s),
  // assumed; RDS guide USER_ReadRepl.
  Distribution replica_lag_cross_region = ln(2 * kSecond, 60 * kSecond);
  Distribution replica_lag_in_region = ln(100, 2 * kSecond);
  // Creating a read replica (snapshot + catch-up): LN(20m, 1h), assumed.
  Distribution replica_create = ln(20 * kMinute, 1 * kHour);
  // Multi-AZ instance failover: "typically 60-120 s": LN(75s, 150s), plus a ~3% tail of
  // minutes (assumed LN(5m, 15m)); RDS guide Concepts.MultiAZSingleStandby.
  Distribution multi_az_failover = Distribution::mixture(
      {ln(75 * kSecond, 150 * kSecond), ln(5 * kMinute, 15 * kMinute)}, {97, 3});
  // Multi-AZ DB cluster failover: "typically under 35 s": LN(15s, 35s), assumed shape.
  Distribution multi_az_cluster_failover = ln(15 * kSecond, 35 * kSecond);
  // Aurora failover with a replica: "typically < 60 s, often < 30 s": LN(15s, 45s); without a
  // replica "typically < 10 minutes": LN(5m, 10m), assumed shape; Aurora guide
  // Concepts.AuroraHighAvailability.
  Distribution aurora_failover_with_replica = ln(15 * kSecond, 45 * kSecond);
  Distribution aurora_failover_without_replica = ln(5 * kMinute, 10 * kMinute);
  // Aurora Global Database: lag "typically under a second": LN(200ms, 1s), assumed shape;
  // unplanned failover "order of minutes": LN(2m, 6m), assumed shape; switchover (RPO 0):
  // LN(2m, 5m), assumed shape. Aurora guide aurora-global-database-disaster-recovery.
  Distribution aurora_global_lag = ln(200, 1 * kSecond);
  Distribution aurora_global_failover = ln(2 * kMinute, 6 * kMinute);
  Distribution aurora_global_switchover = ln(2 * kMinute, 5 * kMinute);
  // Deleting an instance: LN(5m, 15m), assumed. Renaming (modify, apply immediately):
  // LN(1m, 3m), assumed.
  Distribution rds_delete = ln(5 * kMinute, 15 * kMinute);
  Distribution rds_rename = ln(1 * kMinute, 3 * kMinute);
  // Master password reset (status resetting-master-credentials, the instance keeps serving):
  // LN(1m, 4m), assumed.
  Distribution rds_reset_credentials = ln(1 * kMinute, 4 * kMinute);
  // A plain reboot: LN(1m, 3m), assumed. Creating an instance (also an Aurora cluster
  // member): LN(8m, 15m), assumed; an RDS create took ~6 min in public Terraform logs.
  Distribution rds_reboot = ln(1 * kMinute, 3 * kMinute);
  Distribution rds_create_instance = ln(8 * kMinute, 15 * kMinute);
  // Data changed per day, as a share of the database, for incremental copies: 2%, assumed.
  double rds_daily_change_fraction = 0.02;

  // ---------------------------------------------------------------- S3
  // CRR lag without RTC: mixture 99% LN(15s, 5m) + 1% LN(1h, 12h), assumed shape; re:Post
  // s3-crr-replication-time. With RTC: LN(2s, 30s) with 99.99% inside 15 min (SLA), assumed
  // shape; S3 guide replication-time-control.
  Distribution s3_crr_lag =
      Distribution::mixture({ln(15 * kSecond, 5 * kMinute), ln(1 * kHour, 12 * kHour)}, {99, 1});
  Distribution s3_crr_lag_rtc = ln(2 * kSecond, 30 * kSecond);
  // `s3 sync` between buckets: MB/s, assumed.
  double s3_sync_mb_per_s = 100;

  // ---------------------------------------------------------------- Route 53 / DNS
  // Change propagation PENDING -> INSYNC "generally within 60 s": LN(30s, 60s) + 1% tail
  // LN(3m, 10m), assumed; Route 53 guide resource-record-sets-editing.
  Distribution route53_propagation = Distribution::mixture(
      {ln(30 * kSecond, 60 * kSecond), ln(3 * kMinute, 10 * kMinute)}, {99, 1});
  // Health checks: interval 30 s, failure threshold 3; Route 53 guide
  // health-checks-creating-values.
  sim::Duration health_check_interval = 30 * kSecond;
  int health_check_failure_threshold = 3;
  // Extra client-side caching beyond the TTL (JVMs, resolvers): 0 by default, assumed.
  sim::Duration client_extra_cache = 0;

  // ---------------------------------------------------------------- compute
  // One task PROVISIONING -> RUNNING: LN(45s, 2m), assumed; ECS guide task-recommendations.
  Distribution ecs_task_start = ln(45 * kSecond, 2 * kMinute);
  // Fargate launch rate: burst 100, 20 tasks/s; ECS guide throttling.
  int ecs_launch_burst = 100;
  double ecs_launch_per_s = 20;
  // EC2 instance pending -> running: LN(40s, 90s), assumed.
  Distribution ec2_start = ln(40 * kSecond, 90 * kSecond);
  // EC2 instance stopping -> stopped: LN(30s, 3m), assumed (an impaired instance can take
  // minutes to stop; EC2 guide TroubleshootingInstancesStopping).
  Distribution ec2_stop = ln(30 * kSecond, 3 * kMinute);
  // EKS control plane via IaC: median ~10 min, observed 8.4-11.4 min: LN(10m, 12m); public
  // Terraform logs, aws-ia/terraform-aws-eks-blueprints#196.
  Distribution eks_create = ln(10 * kMinute, 12 * kMinute);
  // ALB target: healthy after one passing check, interval 30 s; ELB guide
  // target-group-health-checks.
  sim::Duration alb_health_interval = 30 * kSecond;
  // A CloudWatch alarm's lag after its last breaching period: the metric's publication
  // ("typically within a minute or two" for AWS service metrics) plus evaluation and the
  // SNS notification: LN(1m, 3m), assumed; CloudWatch guide AlarmThatSendsEmail,
  // cloudwatch_concepts (metric data delivery).
  Distribution alarm_lag = ln(1 * kMinute, 3 * kMinute);
  // Instance refresh: each replacement must warm up before the next old instance goes;
  // the warm-up defaults to the group's health check grace period, 300 s as the console
  // sets it; Auto Scaling guide asg-instance-refresh, health-check-grace-period.
  sim::Duration asg_instance_warmup = 5 * kMinute;
  // `terraform apply` of a DR application stack (ALB ~2.4 min, NAT ~1.7 min, services):
  // LN(6m, 15m), assumed from public Terraform logs.
  Distribution iac_apply = ln(6 * kMinute, 15 * kMinute);
  // `kubectl apply` / rollout of a deployment: LN(1m, 4m), assumed.
  Distribution kubectl_rollout = ln(1 * kMinute, 4 * kMinute);

  // ---------------------------------------------------------------- secrets, cache
  // Secrets Manager replica propagation: LN(5s, 60s), assumed; Secrets Manager guide
  // create-manage-multi-region-secrets.
  Distribution secret_replication = ln(5 * kSecond, 60 * kSecond);
  // Redis cold start: hit ratio h(t) = h_ss (1 - e^(-t/tau)); tau assumed 10 min.
  sim::Duration cache_warm_tau = 10 * kMinute;

  // ---------------------------------------------------------------- people
  // Page acknowledgement: business hours LN(3m, 15m), nights/weekends LN(5m, 30m), assumed
  // spread; Google SRE book "Being on-call", PagerDuty reports.
  Distribution ack_business_hours = ln(3 * kMinute, 15 * kMinute);
  Distribution ack_off_hours = ln(5 * kMinute, 30 * kMinute);
  // Escalation timeouts: primary 15 min, backup 30 min, manager 1 h, CTO 2 h;
  // seeds/muejam-dr-runbook.md.
  sim::Duration escalate_primary = 15 * kMinute;
  sim::Duration escalate_backup = 30 * kMinute;
  sim::Duration escalate_manager = 1 * kHour;
  sim::Duration escalate_cto = 2 * kHour;
  // Probability that a paged person does not answer at all (asleep, phone off): 5%, assumed.
  double page_no_answer_probability = 0.05;
  // Declaring a regional disaster: LN(45m, 3h) manual; LN(5m, 20m) with pre-agreed triggers;
  // no public data (assumed).
  Distribution decision_manual = ln(45 * kMinute, 3 * kHour);
  Distribution decision_pre_agreed = ln(5 * kMinute, 20 * kMinute);
};

}  // namespace drsim::models

namespace drsim::models {

/// A calibration default addressed by name, so a scenario can override it
/// (`"calibration": {"rds_restore": {"lognormal": {"p50": "25m", "p95": "1h"}}}`).
struct CalibrationField {
  std::string_view name;
  enum class Kind { kDistribution, kDuration, kNumber } kind;
  Distribution Calibration::*distribution = nullptr;
  sim::Duration Calibration::*duration = nullptr;
  double Calibration::*number = nullptr;
};

/// Every overridable default.
std::span<const CalibrationField> calibration_fields();
const CalibrationField* find_calibration_field(std::string_view name);

}  // namespace drsim::models
