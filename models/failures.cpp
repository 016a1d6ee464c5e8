#include "models/failures.hpp"

#include <fmt/format.h>

#include <array>

namespace drsim::models {
namespace {

constexpr std::array<std::pair<FailureKind, std::string_view>, 20> kNames{{
    {FailureKind::kRegionOutage, "region-outage"},
    {FailureKind::kControlPlaneOutage, "control-plane-outage"},
    {FailureKind::kSlowControlPlane, "slow-control-plane"},
    {FailureKind::kAzOutage, "az-outage"},
    {FailureKind::kDbInstanceFailure, "db-instance-failure"},
    {FailureKind::kStorageFailure, "storage-failure"},
    {FailureKind::kDataCorruption, "data-corruption"},
    {FailureKind::kDbRowsDeleted, "db-rows-deleted"},
    {FailureKind::kObjectsDeleted, "objects-deleted"},
    {FailureKind::kBucketDeleted, "bucket-deleted"},
    {FailureKind::kSecurityIncident, "security-incident"},
    {FailureKind::kReplicationBroken, "replication-broken"},
    {FailureKind::kSnapshotCopyFailed, "snapshot-copy-failed"},
    {FailureKind::kKmsKeyMissing, "kms-key-missing"},
    {FailureKind::kPermissionMissing, "permission-missing"},
    {FailureKind::kOperationFailure, "operation-failure"},
    {FailureKind::kPersonUnavailable, "person-unavailable"},
    {FailureKind::kInstanceFailure, "instance-failure"},
    {FailureKind::kBadDeployment, "bad-deployment"},
    {FailureKind::kEksClusterFailure, "eks-cluster-failure"},
}};

}  // namespace

std::string_view failure_name(FailureKind kind) {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<FailureKind> failure_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::vector<std::string_view> failure_names() {
  std::vector<std::string_view> out;
  for (const auto& [k, n] : kNames) out.push_back(n);
  return out;
}

InjectedFailure inject(MockCloud& cloud, const Failure& f, sim::Time onset, std::uint64_t index) {
  CloudContext& context = cloud.context();
  InjectedFailure result;
  result.start = onset + f.offset;
  if (f.window > 0) {
    result.start +=
        static_cast<sim::Time>(context.uniform("failure/start", failure_name(f.kind), index) *
                               static_cast<double>(f.window));
  }
  if (f.duration) {
    result.end =
        result.start + context.draw(*f.duration, "failure/duration", failure_name(f.kind), index);
  }
  const sim::Time start = result.start;
  auto window = [&](Disruption kind) {
    context.disrupt({kind, f.region, f.az, start, result.end});
  };
  switch (f.kind) {
    case FailureKind::kRegionOutage:
      window(Disruption::kRegionDown);
      break;
    case FailureKind::kControlPlaneOutage:
      window(Disruption::kControlPlaneDown);
      break;
    case FailureKind::kSlowControlPlane:
      window(Disruption::kControlPlaneImpaired);
      break;
    case FailureKind::kAzOutage:
      window(Disruption::kAzDown);
      break;
    case FailureKind::kDbInstanceFailure:
    case FailureKind::kStorageFailure:
      if (DbInstance* db = cloud.rds().mutable_instance(f.target))
        db->failed_at = std::min(db->failed_at, start);
      break;
    case FailureKind::kDataCorruption:
    case FailureKind::kDbRowsDeleted:
      if (DataStore* store = cloud.data_store(f.target))
        store->corrupted_since = std::min(store->corrupted_since, start);
      break;
    case FailureKind::kObjectsDeleted:
      for (const std::string& key : f.keys) cloud.s3().remove(f.target, key, start);
      break;
    case FailureKind::kBucketDeleted:
      cloud.s3().delete_bucket(f.target, start);
      break;
    case FailureKind::kSecurityIncident:
      // Credentials leak at `start`: a database's master credentials until its password is
      // changed, a secret's until it is rotated (readers still hold a leaked version).
      if (DbInstance* db = cloud.rds().mutable_instance(f.target)) {
        db->credentials_leaked_since = std::min(db->credentials_leaked_since, start);
      } else {
        cloud.secrets().compromise(f.target, start);
      }
      break;
    case FailureKind::kReplicationBroken:
      if (Bucket* b = cloud.s3().bucket(f.target)) {
        for (ReplicationRule& rule : b->replication)
          rule.broken_since = std::min(rule.broken_since, start);
      } else {
        cloud.rds().break_copies(f.target, start);
      }
      break;
    case FailureKind::kSnapshotCopyFailed:
      cloud.rds().break_copies(f.target, start);
      break;
    case FailureKind::kKmsKeyMissing:
      cloud.kms().remove_key(f.region, f.target);
      break;
    case FailureKind::kPermissionMissing:
      cloud.deny({f.service, f.operation, f.region});
      break;
    case FailureKind::kOperationFailure:
      cloud.add_fault(
          {f.service, f.operation, f.region, f.probability, f.error, start, result.end});
      break;
    case FailureKind::kPersonUnavailable:
      cloud.people().unavailable(f.role, start, result.end);
      break;
    case FailureKind::kInstanceFailure:
      if (Ec2Instance* i = cloud.compute().mutable_instance(f.target)) {
        i->impaired_from = std::min(i->impaired_from, start);
        i->host_fault = context.uniform("failure/host-fault", f.target, index) < f.probability;
        result.detail = i->host_fault ? "a host fault" : "a fault of the instance itself";
      }
      break;
    case FailureKind::kBadDeployment:
      if (KubeDeployment* d = cloud.compute().mutable_deployment(f.target)) {
        const int bad = 1000 + static_cast<int>(index);  // a template of its own
        d->broken.push_back(bad);
        d->templates.push_back(bad);
        ++d->revision;
        d->ready_from = start;
        d->serving.emplace_back(start, bad);
      }
      break;
    case FailureKind::kEksClusterFailure:
      cloud.compute().fail_eks_cluster(f.target, start);
      break;
  }
  return result;
}

std::string describe(const Failure& f, const InjectedFailure& injected, sim::Time onset) {
  std::string out =
      fmt::format("{} {}{}{}{}{} from {}", failure_name(f.kind),
                  f.target.empty() ? f.region : f.target, f.az.empty() ? "" : " ", f.az,
                  f.role.empty() ? "" : " ", f.role, sim::format_duration(injected.start - onset));
  if (!injected.detail.empty()) out += " (" + injected.detail + ")";
  return out;
}

}  // namespace drsim::models
