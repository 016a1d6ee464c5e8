// The failure catalogue: what a scenario can inject, with its parameters. Each failure
// starts at an instant relative to the disaster's onset (fixed, or drawn by the scenario
// engine inside a window so its phase against backup schedules and time of day varies) and,
// for outages, lasts for a drawn duration — the primary region may come back mid-failover.
//
// Injecting a failure changes the mock cloud's state for the current trial only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/mock_cloud.hpp"

namespace drsim::models {

enum class FailureKind {
  kRegionOutage,        // region: everything down for `duration`
  kControlPlaneOutage,  // region: APIs fail, running resources serve
  kSlowControlPlane,    // region: APIs slow and throttled
  kAzOutage,            // region + az
  kDbInstanceFailure,   // target: instance; it fails and stays failed
  kStorageFailure,      // target: instance; like an instance failure, data not recoverable in place
  kDataCorruption,      // target: data store; corrupt from `start`, noticed later
  kDbRowsDeleted,       // target: data store; like corruption, from one bad statement
  kObjectsDeleted,      // target: bucket; `keys` deleted (delete markers)
  kBucketDeleted,       // target: bucket
  kSecurityIncident,    // target: secret; its credentials must be rotated
  kReplicationBroken,   // target: bucket (S3 CRR) or instance (snapshot copies); silently
  kSnapshotCopyFailed,  // target: instance; copies started after `start` fail
  kKmsKeyMissing,       // region + target key
  kPermissionMissing,   // region + service + operation
  kOperationFailure,    // service + operation fail with `probability` (a flaky step)
  kPersonUnavailable,   // role does not answer for `duration`
  kInstanceFailure,     // target: EC2 instance; its status checks fail; `probability`: a host
                        // fault that a stop and start cures (otherwise the instance's own)
  kBadDeployment,       // target: "cluster/deployment"; a new revision whose pods fail checks
  kEksClusterFailure,   // target: EKS cluster; it is gone, and its pods with it
};

struct Failure {
  FailureKind kind;
  sim::Duration offset = 0;  // start relative to the onset (negative: before it)
  sim::Duration window = 0;  // > 0: the start is drawn uniformly in [offset, offset + window)
  std::optional<Distribution> duration;  // outages, unavailability; none: until the end
  std::string region, az, target, role, service, operation;
  std::vector<std::string> keys;  // objects, for kObjectsDeleted
  double probability = 1.0;
  AwsErrorCode error = AwsErrorCode::kServiceUnavailable;
};

/// What an injection did, for traces.
struct InjectedFailure {
  sim::Time start = 0;
  sim::Time end = sim::kNever;
  std::string detail;  // what the trial drew, where that varies (also in the description)
};

/// "region-outage us-east-1 from +0s (...)": the injection, for a trace (formatted only for
/// traced trials).
std::string describe(const Failure& failure, const InjectedFailure& injected, sim::Time onset);

/// Applies `failure` to the current trial of `cloud`, for a disaster whose onset is `onset`.
/// `index` tells failures of one scenario apart (their random streams).
InjectedFailure inject(MockCloud& cloud, const Failure& failure, sim::Time onset,
                       std::uint64_t index = 0);

/// "region-outage", ... for messages; and the kind named so in a scenario file.
std::string_view failure_name(FailureKind kind);
std::optional<FailureKind> failure_from_name(std::string_view name);
/// Every kind's name, for suggestions.
std::vector<std::string_view> failure_names();

}  // namespace drsim::models
