#include "models/aws_error.hpp"

#include <array>

namespace drsim::models {
namespace {

constexpr std::array<std::string_view, 44> kNames{
    "DBInstanceNotFound",
    "DBInstanceAlreadyExists",
    "DBSnapshotNotFound",
    "DBSnapshotAlreadyExists",
    "InvalidDBInstanceState",
    "InvalidDBSnapshotState",
    "InvalidRestoreFault",
    "SnapshotQuotaExceeded",
    "DBClusterNotFoundFault",
    "InvalidDBClusterStateFault",
    "GlobalClusterNotFoundFault",
    "KMSKeyNotAccessibleFault",
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchVersion",
    "ReplicationConfigurationNotFoundError",
    "NoSuchHostedZone",
    "NoSuchChange",
    "InvalidChangeBatch",
    "NoSuchHealthCheck",
    "ClusterNotFoundException",
    "ServiceNotFoundException",
    "InvalidInstanceID.NotFound",
    "InvalidAMIID.NotFound",
    "InvalidVolume.NotFound",
    "InvalidSnapshot.NotFound",
    "IncorrectState",
    "IncorrectInstanceState",
    "ResourceNotFoundException",
    "NotFoundException",
    "TargetGroupNotFound",
    "AutoScalingGroupNotFound",
    "AccessDenied",
    "Throttling",
    "EndpointConnectionError",
    "ServiceUnavailable",
    "InvalidParameterValue",
    "MissingParameter",
    "InvalidParameterCombination",
    "UnknownOperation",
    "WaiterTimedOut",
    "WaiterFailed",
    "CommandFailed",
    "",
};

}  // namespace

std::string_view error_name(AwsErrorCode code) {
  return kNames[static_cast<std::size_t>(code)];
}

bool is_retryable(AwsErrorCode code) {
  return code == AwsErrorCode::kThrottling || code == AwsErrorCode::kServiceUnavailable;
}

std::optional<AwsErrorCode> error_from_name(std::string_view name) {
  for (std::size_t i = 0; i + 1 < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<AwsErrorCode>(i);
  }
  // The CLI also reports some codes with a "Fault" suffix or as "...Exception".
  if (name == "DBSnapshotNotFoundFault") return AwsErrorCode::kDBSnapshotNotFound;
  if (name == "DBInstanceNotFoundFault") return AwsErrorCode::kDBInstanceNotFound;
  if (name == "ThrottlingException" || name == "RequestLimitExceeded" ||
      name == "TooManyRequestsException") {
    return AwsErrorCode::kThrottling;
  }
  if (name == "AccessDeniedException" || name == "UnauthorizedOperation")
    return AwsErrorCode::kAccessDenied;
  return std::nullopt;
}

std::string AwsError::describe() const {
  return std::string(error_name(code)) + (message.empty() ? "" : ": " + message);
}

}  // namespace drsim::models
