#include "models/operations.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "sim/text.hpp"

namespace drsim::models {
namespace {

constexpr std::array kOperations = {
    // RDS
    OperationInfo{"rds", "describe-db-instances", false},
    OperationInfo{"rds", "describe-db-snapshots", false},
    OperationInfo{"rds", "describe-db-clusters", false},
    OperationInfo{"rds", "describe-db-cluster-snapshots", false},
    OperationInfo{"rds", "create-db-snapshot", true},
    OperationInfo{"rds", "create-db-cluster-snapshot", true},
    OperationInfo{"rds", "copy-db-snapshot", true},
    OperationInfo{"rds", "delete-db-snapshot", true},
    OperationInfo{"rds", "restore-db-instance-from-db-snapshot", true},
    OperationInfo{"rds", "restore-db-instance-to-point-in-time", true},
    OperationInfo{"rds", "create-db-instance-read-replica", true},
    OperationInfo{"rds", "promote-read-replica", true},
    OperationInfo{"rds", "promote-read-replica-db-cluster", true},
    OperationInfo{"rds", "reboot-db-instance", true},
    OperationInfo{"rds", "modify-db-instance", true},
    OperationInfo{"rds", "delete-db-instance", true},
    OperationInfo{"rds", "delete-db-cluster", true},
    OperationInfo{"rds", "create-db-instance", true},
    OperationInfo{"rds", "failover-db-cluster", true},
    OperationInfo{"rds", "failover-global-cluster", true},
    OperationInfo{"rds", "switchover-global-cluster", true},
    OperationInfo{"rds", "restore-db-cluster-from-snapshot", true},
    OperationInfo{"rds", "restore-db-cluster-to-point-in-time", true},
    // S3
    OperationInfo{"s3api", "get-bucket-versioning", false},
    OperationInfo{"s3api", "put-bucket-versioning", true},
    OperationInfo{"s3api", "get-bucket-replication", false},
    OperationInfo{"s3api", "list-object-versions", false},
    OperationInfo{"s3api", "delete-object", true},
    OperationInfo{"s3api", "get-object", false},
    OperationInfo{"s3api", "head-object", false},
    OperationInfo{"s3api", "put-object", true},
    OperationInfo{"s3api", "copy-object", true},
    OperationInfo{"s3", "ls", false},
    OperationInfo{"s3", "sync", true},
    // Route 53
    OperationInfo{"route53", "change-resource-record-sets", true},
    OperationInfo{"route53", "get-change", false},
    OperationInfo{"route53", "list-hosted-zones", false},
    OperationInfo{"route53", "list-resource-record-sets", false},
    OperationInfo{"route53", "get-health-check-status", false},
    // Secrets Manager, KMS
    OperationInfo{"secretsmanager", "list-secrets", false},
    OperationInfo{"secretsmanager", "get-secret-value", false},
    OperationInfo{"secretsmanager", "describe-secret", false},
    OperationInfo{"secretsmanager", "update-secret", true},
    OperationInfo{"secretsmanager", "put-secret-value", true},
    OperationInfo{"secretsmanager", "rotate-secret", true},
    OperationInfo{"secretsmanager", "stop-replication-to-replica", true},
    OperationInfo{"secretsmanager", "replicate-secret-to-regions", true},
    OperationInfo{"kms", "describe-key", false},
    // Compute and traffic
    OperationInfo{"ecs", "describe-services", false},
    OperationInfo{"ecs", "update-service", true},
    OperationInfo{"ecs", "describe-task-definition", false},
    OperationInfo{"ec2", "describe-instances", false},
    OperationInfo{"ec2", "describe-instance-status", false},
    OperationInfo{"ec2", "start-instances", true},
    OperationInfo{"ec2", "stop-instances", true},
    OperationInfo{"ec2", "run-instances", true},
    OperationInfo{"ec2", "describe-images", false},
    OperationInfo{"ec2", "create-image", true},
    OperationInfo{"ec2", "create-snapshot", true},
    OperationInfo{"ec2", "describe-snapshots", false},
    OperationInfo{"ec2", "create-volume", true},
    OperationInfo{"ec2", "attach-volume", true},
    OperationInfo{"ec2", "describe-volumes", false},
    OperationInfo{"autoscaling", "describe-auto-scaling-groups", false},
    OperationInfo{"autoscaling", "set-desired-capacity", true},
    OperationInfo{"autoscaling", "start-instance-refresh", true},
    OperationInfo{"eks", "describe-cluster", false},
    OperationInfo{"eks", "create-cluster", true},
    OperationInfo{"eks", "delete-cluster", true},
    OperationInfo{"eks", "update-kubeconfig", false},
    OperationInfo{"elbv2", "describe-target-health", false},
    OperationInfo{"elbv2", "register-targets", true},
    OperationInfo{"elbv2", "describe-load-balancers", false},
    OperationInfo{"elasticache", "describe-replication-groups", false},
    OperationInfo{"elasticache", "failover-global-replication-group", true},
    OperationInfo{"wafv2", "update-ip-set", true},
    // Account and events
    OperationInfo{"sts", "get-caller-identity", false},
    OperationInfo{"health", "describe-events", false},
    // Not AWS, but run by the seed runbooks: an apply of a DR stack, a Kubernetes rollout.
    OperationInfo{"terraform", "apply", true},
    OperationInfo{"kubectl", "rollout-restart", true},
    OperationInfo{"kubectl", "rollout-undo", true},
    OperationInfo{"kubectl", "apply", true},
    OperationInfo{"kubectl", "rollout-status", false},
};

}  // namespace

std::span<const OperationInfo> operations() {
  return kOperations;
}

namespace {

// The table ordered by a key made of a few characters and the operation's length, for a
// binary search on every call the mock admits that compares integers, then the names once.
constexpr std::uint32_t key_of(std::string_view service, std::string_view operation) {
  if (service.empty() || operation.empty()) return 0;
  return static_cast<std::uint32_t>(operation.size()) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(operation.front())) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(operation.back())) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(service.front()));
}
struct Keyed {
  std::uint32_t key;
  const OperationInfo* info;
};
constexpr auto kByKey = [] {
  std::array<Keyed, kOperations.size()> sorted{};
  for (std::size_t i = 0; i < kOperations.size(); ++i)
    sorted[i] = {key_of(kOperations[i].service, kOperations[i].operation), &kOperations[i]};
  std::sort(sorted.begin(), sorted.end(),
            [](const Keyed& a, const Keyed& b) { return a.key < b.key; });
  return sorted;
}();
constexpr bool listed_once() {
  for (std::size_t i = 0; i < kOperations.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (kOperations[i].service == kOperations[j].service &&
          kOperations[i].operation == kOperations[j].operation)
        return false;
    }
  }
  return true;
}
static_assert(listed_once(), "an operation is listed twice");

}  // namespace

const OperationInfo* find_operation(std::string_view service, std::string_view operation) {
  const std::uint32_t key = key_of(service, operation);
  auto at = std::lower_bound(kByKey.begin(), kByKey.end(), key,
                             [](const Keyed& k, std::uint32_t v) { return k.key < v; });
  for (; at != kByKey.end() && at->key == key; ++at) {
    if (sim::same(at->info->operation, operation) && sim::same(at->info->service, service))
      return at->info;
  }
  return nullptr;
}

}  // namespace drsim::models
