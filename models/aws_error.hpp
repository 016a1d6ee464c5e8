// The errors a runbook step can meet, named as AWS names them, so that a failure cause in a
// report reads like the CLI's own "An error occurred (DBSnapshotNotFound) when calling the
// RestoreDBInstanceFromDBSnapshot operation". The mock cloud raises them from the simulated
// state; the live backend maps the CLI's error codes onto the same list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drsim::models {

enum class AwsErrorCode : std::uint8_t {
  // RDS
  kDBInstanceNotFound,
  kDBInstanceAlreadyExists,
  kDBSnapshotNotFound,
  kDBSnapshotAlreadyExists,
  kInvalidDBInstanceState,
  kInvalidDBSnapshotState,
  kInvalidRestore,
  kSnapshotQuotaExceeded,
  kDBClusterNotFound,
  kInvalidDBClusterState,
  kGlobalClusterNotFound,
  kKMSKeyNotAccessible,
  // S3
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchVersion,
  kReplicationConfigurationNotFound,
  // Route 53
  kNoSuchHostedZone,
  kNoSuchChange,
  kInvalidChangeBatch,
  kNoSuchHealthCheck,
  // ECS, EC2, EKS, Auto Scaling, ELB
  kClusterNotFound,
  kServiceNotFound,
  kInvalidInstanceIdNotFound,
  kInvalidAmiIdNotFound,
  kInvalidVolumeNotFound,
  kInvalidSnapshotNotFound,
  kIncorrectState,
  kIncorrectInstanceState,
  kResourceNotFound,  // EKS, Secrets Manager, ElastiCache: ResourceNotFoundException
  kNotFound,          // KMS: NotFoundException
  kTargetGroupNotFound,
  kAutoScalingGroupNotFound,
  // Generic
  kAccessDenied,
  kThrottling,
  kEndpointConnectionError,  // the region does not answer
  kServiceUnavailable,
  kInvalidParameterValue,
  kMissingParameter,
  kInvalidParameterCombination,
  kUnknownOperation,
  kWaiterTimedOut,  // a waiter gave up after its last attempt
  kWaiterFailed,    // a waiter reached a failure state
  kCommandFailed,   // a non-AWS command (psql, curl, terraform, ...) failed
};

/// The code as AWS writes it ("DBSnapshotNotFound").
std::string_view error_name(AwsErrorCode code);
/// Whether the CLI's standard retry mode retries it (throttling, unavailability).
bool is_retryable(AwsErrorCode code);
/// The code whose name is `name`, for mapping the live CLI's errors.
std::optional<AwsErrorCode> error_from_name(std::string_view name);

struct AwsError {
  AwsErrorCode code;
  std::string message;
  /// "DBSnapshotNotFound: DBSnapshot mangu-2026-01-05 not found."
  std::string describe() const;
};

}  // namespace drsim::models
