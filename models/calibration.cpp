#include "models/calibration.hpp"

#include <array>

namespace drsim::models {
namespace {

using K = CalibrationField::Kind;

// One row per default in Calibration; whole-number settings (counts) are not overridable
// by name yet.
const std::array kFields = std::to_array<CalibrationField>({
    {"api_latency", K::kDistribution, &Calibration::api_latency, nullptr, nullptr},
    {"impaired_latency_factor", K::kNumber, nullptr, nullptr,
     &Calibration::impaired_latency_factor},
    {"impaired_throttle_probability", K::kNumber, nullptr, nullptr,
     &Calibration::impaired_throttle_probability},
    {"rds_restore", K::kDistribution, &Calibration::rds_restore, nullptr, nullptr},
    {"rds_restore_per_tb", K::kDistribution, &Calibration::rds_restore_per_tb, nullptr, nullptr},
    {"rds_post_restore_backup_probability", K::kNumber, nullptr, nullptr,
     &Calibration::rds_post_restore_backup_probability},
    {"rds_post_restore_backup", K::kDistribution, &Calibration::rds_post_restore_backup, nullptr,
     nullptr},
    {"rds_restore_failure_probability", K::kNumber, nullptr, nullptr,
     &Calibration::rds_restore_failure_probability},
    {"automated_backup_block", K::kDuration, nullptr, &Calibration::automated_backup_block,
     nullptr},
    {"ebs_snapshot", K::kDistribution, &Calibration::ebs_snapshot, nullptr, nullptr},
    {"ebs_volume_create", K::kDistribution, &Calibration::ebs_volume_create, nullptr, nullptr},
    {"rds_log_upload_interval", K::kDuration, nullptr, &Calibration::rds_log_upload_interval,
     nullptr},
    {"rds_pitr", K::kDistribution, &Calibration::rds_pitr, nullptr, nullptr},
    {"rds_snapshot_create", K::kDistribution, &Calibration::rds_snapshot_create, nullptr, nullptr},
    {"copy_mb_per_s_same_continent", K::kNumber, nullptr, nullptr,
     &Calibration::copy_mb_per_s_same_continent},
    {"copy_mb_per_s_transatlantic", K::kNumber, nullptr, nullptr,
     &Calibration::copy_mb_per_s_transatlantic},
    {"copy_mb_per_s_transpacific", K::kNumber, nullptr, nullptr,
     &Calibration::copy_mb_per_s_transpacific},
    {"copy_sigma", K::kNumber, nullptr, nullptr, &Calibration::copy_sigma},
    {"copy_setup", K::kDistribution, &Calibration::copy_setup, nullptr, nullptr},
    {"backup_replication_lag", K::kDistribution, &Calibration::backup_replication_lag, nullptr,
     nullptr},
    {"replica_promotion", K::kDistribution, &Calibration::replica_promotion, nullptr, nullptr},
    {"replica_lag_cross_region", K::kDistribution, &Calibration::replica_lag_cross_region, nullptr,
     nullptr},
    {"replica_lag_in_region", K::kDistribution, &Calibration::replica_lag_in_region, nullptr,
     nullptr},
    {"replica_create", K::kDistribution, &Calibration::replica_create, nullptr, nullptr},
    {"multi_az_failover", K::kDistribution, &Calibration::multi_az_failover, nullptr, nullptr},
    {"multi_az_cluster_failover", K::kDistribution, &Calibration::multi_az_cluster_failover,
     nullptr, nullptr},
    {"aurora_failover_with_replica", K::kDistribution, &Calibration::aurora_failover_with_replica,
     nullptr, nullptr},
    {"aurora_failover_without_replica", K::kDistribution,
     &Calibration::aurora_failover_without_replica, nullptr, nullptr},
    {"aurora_global_lag", K::kDistribution, &Calibration::aurora_global_lag, nullptr, nullptr},
    {"aurora_global_failover", K::kDistribution, &Calibration::aurora_global_failover, nullptr,
     nullptr},
    {"aurora_global_switchover", K::kDistribution, &Calibration::aurora_global_switchover, nullptr,
     nullptr},
    {"rds_delete", K::kDistribution, &Calibration::rds_delete, nullptr, nullptr},
    {"rds_rename", K::kDistribution, &Calibration::rds_rename, nullptr, nullptr},
    {"rds_reset_credentials", K::kDistribution, &Calibration::rds_reset_credentials, nullptr,
     nullptr},
    {"rds_reboot", K::kDistribution, &Calibration::rds_reboot, nullptr, nullptr},
    {"rds_create_instance", K::kDistribution, &Calibration::rds_create_instance, nullptr, nullptr},
    {"rds_daily_change_fraction", K::kNumber, nullptr, nullptr,
     &Calibration::rds_daily_change_fraction},
    {"s3_crr_lag", K::kDistribution, &Calibration::s3_crr_lag, nullptr, nullptr},
    {"s3_crr_lag_rtc", K::kDistribution, &Calibration::s3_crr_lag_rtc, nullptr, nullptr},
    {"s3_sync_mb_per_s", K::kNumber, nullptr, nullptr, &Calibration::s3_sync_mb_per_s},
    {"route53_propagation", K::kDistribution, &Calibration::route53_propagation, nullptr, nullptr},
    {"health_check_interval", K::kDuration, nullptr, &Calibration::health_check_interval, nullptr},
    {"client_extra_cache", K::kDuration, nullptr, &Calibration::client_extra_cache, nullptr},
    {"ecs_task_start", K::kDistribution, &Calibration::ecs_task_start, nullptr, nullptr},
    {"ecs_launch_per_s", K::kNumber, nullptr, nullptr, &Calibration::ecs_launch_per_s},
    {"ec2_start", K::kDistribution, &Calibration::ec2_start, nullptr, nullptr},
    {"ec2_stop", K::kDistribution, &Calibration::ec2_stop, nullptr, nullptr},
    {"eks_create", K::kDistribution, &Calibration::eks_create, nullptr, nullptr},
    {"alb_health_interval", K::kDuration, nullptr, &Calibration::alb_health_interval, nullptr},
    {"alarm_lag", K::kDistribution, &Calibration::alarm_lag, nullptr, nullptr},
    {"asg_instance_warmup", K::kDuration, nullptr, &Calibration::asg_instance_warmup, nullptr},
    {"iac_apply", K::kDistribution, &Calibration::iac_apply, nullptr, nullptr},
    {"kubectl_rollout", K::kDistribution, &Calibration::kubectl_rollout, nullptr, nullptr},
    {"secret_replication", K::kDistribution, &Calibration::secret_replication, nullptr, nullptr},
    {"cache_warm_tau", K::kDuration, nullptr, &Calibration::cache_warm_tau, nullptr},
    {"ack_business_hours", K::kDistribution, &Calibration::ack_business_hours, nullptr, nullptr},
    {"ack_off_hours", K::kDistribution, &Calibration::ack_off_hours, nullptr, nullptr},
    {"escalate_primary", K::kDuration, nullptr, &Calibration::escalate_primary, nullptr},
    {"escalate_backup", K::kDuration, nullptr, &Calibration::escalate_backup, nullptr},
    {"escalate_manager", K::kDuration, nullptr, &Calibration::escalate_manager, nullptr},
    {"escalate_cto", K::kDuration, nullptr, &Calibration::escalate_cto, nullptr},
    {"page_no_answer_probability", K::kNumber, nullptr, nullptr,
     &Calibration::page_no_answer_probability},
    {"decision_manual", K::kDistribution, &Calibration::decision_manual, nullptr, nullptr},
    {"decision_pre_agreed", K::kDistribution, &Calibration::decision_pre_agreed, nullptr, nullptr},
});

}  // namespace

std::span<const CalibrationField> calibration_fields() {
  return kFields;
}

const CalibrationField* find_calibration_field(std::string_view name) {
  for (const CalibrationField& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace drsim::models
