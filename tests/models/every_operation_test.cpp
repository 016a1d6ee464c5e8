// Every operation the mock cloud registers is exercised here once, on a world that has what
// it needs, and docs/models.md documents exactly the registered operations. Adding an
// operation without a test and a line in the reference fails this file.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "models/operations.hpp"
#include "models/waiters.hpp"
#include "tests/models/cloud_fixture.hpp"

namespace drsim::models {
namespace {

using sim::kDay;
using sim::kHour;
using testing::CloudTest;
using testing::req;

struct Case {
  Request request;
  std::string expect_key;  // a member the result must have
};

class EveryOperation : public CloudTest {
 protected:
  EveryOperation() {
    calibration_.rds_post_restore_backup_probability = 0;
    add_primary(20, true);
    cloud_.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
    cloud_.rds().add_snapshot({.id = "snap",
                               .region = "us-west-2",
                               .instance_id = "prod-db",
                               .data_time = -kHour,
                               .available_at = -kHour,
                               .exists_from = -kHour,
                               .kms_key = "alias/prod-rds",
                               .size_gb = 20});
    DbInstanceConfig replica{.id = "replica",
                             .region = "us-east-1",
                             .kms_key = "alias/prod-rds-dr",
                             .replica_of = "prod-db"};
    cloud_.rds().add_instance(replica, -kDay);
    DbCluster primary_cluster{.id = "aurora", .region = "us-west-2", .global_cluster = "global"};
    cloud_.rds().add_cluster(primary_cluster);
    cloud_.rds().add_cluster(
        {.id = "aurora-dr", .region = "us-east-1", .global_cluster = "global", .secondary = true});
    cloud_.rds().add_cluster({.id = "aurora-replica", .region = "us-east-1", .secondary = true});
    cloud_.s3().add_bucket({.name = "assets",
                            .region = "us-west-2",
                            .versioning = true,
                            .replication = {{.destination = "assets-dr"}}});
    cloud_.s3().add_bucket({.name = "assets-dr", .region = "us-east-1", .versioning = true});
    cloud_.s3().put("assets", "a", -kHour);
    cloud_.route53().add_zone("Z1", "example.com");
    cloud_.route53().add_record("Z1", {.name = "www.example.com", .target = "lb-west"});
    cloud_.route53().add_health_check({.id = "hc", .target = "lb-west"});
    cloud_.secrets().add_secret(
        {.name = "db-url", .region = "us-west-2", .replica_regions = {"us-east-1"}});
    cloud_.compute().add_service(
        {.cluster = "c", .name = "api", .region = "us-west-2", .desired = 2});
    cloud_.compute().add_instance(
        {.id = "i-1", .region = "us-west-2", .az = "us-west-2a", .image = "ami-1", .group = "asg"});
    cloud_.compute().add_image("us-west-2", "ami-1");
    cloud_.compute().add_volume(
        {.id = "vol-1", .region = "us-west-2", .az = "us-west-2a", .attached_to = "i-1"});
    cloud_.compute().add_volume({.id = "vol-spare", .region = "us-west-2", .az = "us-west-2a"});
    cloud_.compute().add_ebs_snapshot(
        {.id = "snap-base", .region = "us-west-2", .volume = "vol-1", .data_time = -kDay});
    cloud_.compute().add_load_balancer({.name = "lb-west",
                                        .region = "us-west-2",
                                        .target_group = "tg-west",
                                        .ecs_services = {"c/api"}});
    cloud_.compute().add_eks_cluster({.name = "eks", .region = "us-west-2"});
    cloud_.compute().add_deployment({.cluster = "eks", .name = "web"});
    cloud_.compute().add_stack(
        {.name = "dr",
         .region = "us-east-1",
         .services = {{.cluster = "c-dr", .name = "api", .region = "us-east-1"}}});
    cloud_.caches().add({.id = "redis", .region = "us-west-2", .global_datastore = "g"});
    cloud_.caches().add(
        {.id = "redis-dr", .region = "us-east-1", .global_datastore = "g", .secondary = true});
    at(2 * kHour);
  }

  std::vector<Case> cases() {
    const Value batch = Value::object(
        {{"Changes", Value(Array{Value::object(
                         {{"Action", "UPSERT"},
                          {"ResourceRecordSet",
                           Value::object({{"Name", "www.example.com"},
                                          {"Type", "A"},
                                          {"ResourceRecords",
                                           Value(Array{Value::object({{"Value", "x"}})})}})}})})}});
    const std::string w = "us-west-2", e = "us-east-1";
    const std::string snap_arn = "arn:aws:rds:us-west-2:123456789012:snapshot:snap";
    return {
        {req("rds", "describe-db-instances", w), "DBInstances"},
        {req("rds", "describe-db-snapshots", w), "DBSnapshots"},
        {req("rds", "describe-db-clusters", w), "DBClusters"},
        {req("rds", "describe-db-cluster-snapshots", w), "DBClusterSnapshots"},
        {req("rds", "create-db-snapshot", w,
             {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "manual"}}),
         "DBSnapshot"},
        {req("rds", "create-db-cluster-snapshot", w,
             {{"db-cluster-identifier", "aurora"}, {"db-cluster-snapshot-identifier", "cs"}}),
         "DBClusterSnapshot"},
        {req("rds", "copy-db-snapshot", e,
             {{"source-db-snapshot-identifier", snap_arn},
              {"target-db-snapshot-identifier", "copy"},
              {"kms-key-id", "alias/prod-rds-dr"}}),
         "DBSnapshot"},
        {req("rds", "delete-db-snapshot", w, {{"db-snapshot-identifier", "manual"}}), "DBSnapshot"},
        {req("rds", "restore-db-instance-from-db-snapshot", w,
             {{"db-instance-identifier", "restored"}, {"db-snapshot-identifier", "snap"}}),
         "DBInstance"},
        {req("rds", "restore-db-instance-to-point-in-time", w,
             {{"source-db-instance-identifier", "prod-db"},
              {"target-db-instance-identifier", "pitr"},
              {"use-latest-restorable-time", true}}),
         "DBInstance"},
        {req("rds", "create-db-instance-read-replica", e,
             {{"db-instance-identifier", "replica2"},
              {"source-db-instance-identifier", "arn:aws:rds:us-west-2:123456789012:db:prod-db"},
              {"kms-key-id", "alias/prod-rds-dr"}}),
         "DBInstance"},
        {req("rds", "promote-read-replica", e, {{"db-instance-identifier", "replica"}}),
         "DBInstance"},
        {req("rds", "promote-read-replica-db-cluster", e,
             {{"db-cluster-identifier", "aurora-replica"}}),
         "DBCluster"},
        {req("rds", "reboot-db-instance", w,
             {{"db-instance-identifier", "prod-db"}, {"force-failover", true}}),
         "DBInstance"},
        {req("rds", "modify-db-instance", w,
             {{"db-instance-identifier", "restored"}, {"new-db-instance-identifier", "renamed"}}),
         ""},
        {req("rds", "create-db-instance", w,
             {{"db-instance-identifier", "member"}, {"db-cluster-identifier", "aurora"}}),
         "DBInstance"},
        {req("rds", "failover-db-cluster", w, {{"db-cluster-identifier", "aurora"}}), "DBCluster"},
        {req("rds", "switchover-global-cluster", e,
             {{"global-cluster-identifier", "global"},
              {"target-db-cluster-identifier", "aurora-dr"}}),
         "GlobalCluster"},
        {req("rds", "failover-global-cluster", e,
             {{"global-cluster-identifier", "global"},
              {"target-db-cluster-identifier", "aurora"},
              {"allow-data-loss", true}}),
         "GlobalCluster"},
        {req("rds", "restore-db-cluster-from-snapshot", w,
             {{"db-cluster-identifier", "from-snap"}, {"snapshot-identifier", "snap"}}),
         "DBCluster"},
        {req("rds", "restore-db-cluster-to-point-in-time", w,
             {{"db-cluster-identifier", "cl-pitr"},
              {"source-db-cluster-identifier", "aurora"},
              {"use-latest-restorable-time", true}}),
         "DBCluster"},
        {req("rds", "delete-db-instance", w,
             {{"db-instance-identifier", "pitr"}, {"skip-final-snapshot", true}}),
         "DBInstance"},
        {req("rds", "delete-db-cluster", w, {{"db-cluster-identifier", "from-snap"}}), "DBCluster"},
        {req("s3api", "get-bucket-versioning", w, {{"bucket", "assets"}}), "Status"},
        {req("s3api", "put-bucket-versioning", w,
             {{"bucket", "assets"}, {"versioning-configuration", "Status=Enabled"}}),
         ""},
        {req("s3api", "get-bucket-replication", w, {{"bucket", "assets"}}),
         "ReplicationConfiguration"},
        {req("s3api", "list-object-versions", w, {{"bucket", "assets"}}), "Versions"},
        {req("s3api", "get-object", w, {{"bucket", "assets"}, {"key", "a"}}), "VersionId"},
        {req("s3api", "head-object", w, {{"bucket", "assets"}, {"key", "a"}}), "ContentLength"},
        {req("s3api", "put-object", w, {{"bucket", "assets"}, {"key", "b"}}), "VersionId"},
        {req("s3api", "copy-object", w,
             {{"bucket", "assets"}, {"key", "c"}, {"copy-source", "assets/a"}}),
         "VersionId"},
        {req("s3api", "delete-object", w, {{"bucket", "assets"}, {"key", "b"}}), "DeleteMarker"},
        {req("s3", "ls", w, {{"path", "s3://assets/"}}), "Keys"},
        {req("s3", "sync", e, {{"source", "s3://assets"}, {"destination", "s3://assets-dr"}}),
         "Copied"},
        {req("route53", "list-hosted-zones", e), "HostedZones"},
        {req("route53", "list-resource-record-sets", e, {{"hosted-zone-id", "Z1"}}),
         "ResourceRecordSets"},
        {req("route53", "change-resource-record-sets", e,
             {{"hosted-zone-id", "Z1"}, {"change-batch", batch}}),
         "ChangeInfo"},
        {req("route53", "get-change", e, {{"id", "/change/C000000000001"}}), "ChangeInfo"},
        {req("route53", "get-health-check-status", e, {{"health-check-id", "hc"}}),
         "HealthCheckObservations"},
        {req("secretsmanager", "list-secrets", w), "SecretList"},
        {req("secretsmanager", "get-secret-value", e, {{"secret-id", "db-url"}}), "SecretString"},
        {req("secretsmanager", "describe-secret", w, {{"secret-id", "db-url"}}), "PrimaryRegion"},
        {req("secretsmanager", "update-secret", w,
             {{"secret-id", "db-url"}, {"secret-string", "db=x"}}),
         "VersionId"},
        {req("secretsmanager", "put-secret-value", w,
             {{"secret-id", "db-url"}, {"secret-string", "db=y"}}),
         "VersionId"},
        {req("secretsmanager", "rotate-secret", w, {{"secret-id", "db-url"}}), "VersionId"},
        {req("secretsmanager", "replicate-secret-to-regions", w,
             {{"secret-id", "db-url"}, {"add-replica-regions", "Region=eu-west-1"}}),
         "ARN"},
        {req("secretsmanager", "stop-replication-to-replica", e, {{"secret-id", "db-url"}}), "ARN"},
        {req("kms", "describe-key", e, {{"key-id", "alias/prod-rds-dr"}}), "KeyMetadata"},
        {req("ecs", "describe-services", w, {{"cluster", "c"}, {"services", "api"}}), "services"},
        {req("ecs", "update-service", w,
             {{"cluster", "c"}, {"service", "api"}, {"desired-count", "4"}}),
         "service"},
        {req("ecs", "describe-task-definition", w, {{"task-definition", "api"}}), "taskDefinition"},
        {req("ec2", "describe-instances", w), "Reservations"},
        {req("ec2", "describe-instance-status", w), "InstanceStatuses"},
        {req("ec2", "stop-instances", w, {{"instance-ids", "i-1"}}), "StoppingInstances"},
        {req("ec2", "start-instances", w, {{"instance-ids", "i-1"}}), "StartingInstances"},
        {req("ec2", "run-instances", w, {{"image-id", "ami-1"}, {"count", "2"}}), "Instances"},
        {req("ec2", "describe-images", w), "Images"},
        {req("ec2", "create-snapshot", w, {{"volume-id", "vol-1"}}), "SnapshotId"},
        {req("ec2", "describe-snapshots", w), "Snapshots"},
        {req("ec2", "create-volume", w,
             {{"snapshot-id", "snap-base"}, {"availability-zone", "us-west-2a"}}),
         "VolumeId"},
        {req("ec2", "describe-volumes", w), "Volumes"},
        {req("ec2", "attach-volume", w,
             {{"volume-id", "vol-spare"}, {"instance-id", "i-1"}, {"device", "/dev/sdf"}}),
         "VolumeId"},
        {req("ec2", "create-image", w, {{"instance-id", "i-1"}}), "ImageId"},
        {req("autoscaling", "describe-auto-scaling-groups", w), "AutoScalingGroups"},
        {req("autoscaling", "set-desired-capacity", w,
             {{"auto-scaling-group-name", "asg"}, {"desired-capacity", "3"}}),
         ""},
        {req("autoscaling", "start-instance-refresh", w, {{"auto-scaling-group-name", "asg"}}),
         "InstanceRefreshId"},
        {req("eks", "describe-cluster", w, {{"name", "eks"}}), "cluster"},
        {req("eks", "update-kubeconfig", w, {{"name", "eks"}}), ""},
        {req("eks", "create-cluster", e, {{"name", "eks-dr"}}), "cluster"},
        {req("eks", "delete-cluster", e, {{"name", "eks-dr"}}), "cluster"},
        {req("elbv2", "describe-target-health", w,
             {{"target-group-arn",
               "arn:aws:elasticloadbalancing:us-west-2:1:targetgroup/tg-west/abc"}}),
         "TargetHealthDescriptions"},
        {req("elbv2", "register-targets", w,
             {{"target-group-arn", "tg-west"}, {"targets", "Id=i-1"}}),
         ""},
        {req("elbv2", "describe-load-balancers", w), "LoadBalancers"},
        {req("elasticache", "describe-replication-groups", w), "ReplicationGroups"},
        {req("elasticache", "failover-global-replication-group", e,
             {{"global-replication-group-id", "g"}, {"primary-region", "us-east-1"}}),
         "GlobalReplicationGroup"},
        {req("wafv2", "update-ip-set", w,
             {{"name", "blocked"},
              {"scope", "REGIONAL"},
              {"id", "a1b2"},
              {"addresses", "203.0.113.7/32"},
              {"lock-token", "t"}}),
         "NextLockToken"},
        {req("sts", "get-caller-identity", w), "Account"},
        {req("health", "describe-events", w), "events"},
        {req("terraform", "apply", e, {{"stack", "dr"}}), "Created"},
        {req("kubectl", "rollout-restart", w, {{"deployment", "web"}}), "revision"},
        {req("kubectl", "rollout-undo", w, {{"deployment", "web"}}), "revision"},
        {req("kubectl", "apply", w, {{"deployment", "web"}}), "revision"},
        {req("kubectl", "rollout-status", w, {{"deployment", "web"}}), "ready"},
    };
  }
};

TEST_F(EveryOperation, EachRegisteredOperationSucceedsOnAWorldThatAllowsIt) {
  std::set<std::pair<std::string, std::string>> covered;
  for (const Case& c : cases()) {
    const Outcome o = call(c.request);
    EXPECT_TRUE(o.ok()) << c.request.describe() << " -> " << (o.error ? o.error->describe() : "");
    if (o.ok() && !c.expect_key.empty()) {
      EXPECT_FALSE(o.result[c.expect_key].is_null())
          << c.request.describe() << " -> " << o.result.to_json();
    }
    EXPECT_NE(find_operation(c.request.service, c.request.operation), nullptr)
        << c.request.describe();
    covered.emplace(c.request.service, c.request.operation);
    // Move on a little so that each operation sees the previous ones' effects settle.
    at(now() + 30 * sim::kMinute);
  }
  for (const OperationInfo& op : operations()) {
    EXPECT_TRUE(covered.count({std::string(op.service), std::string(op.operation)}))
        << op.service << " " << op.operation << " has no case in this test";
  }
}

TEST_F(EveryOperation, ACallWhoseAnswerNobodyReadsActsTheSameButBuildsNoAnswer) {
  const std::string w = "us-west-2";
  // The call with its answer unread; it must succeed.
  auto unread = [&](Request r) {
    r.fields = kReadsNothing;
    const Outcome o = call(r);
    EXPECT_TRUE(o.ok()) << r.describe() << " -> " << (o.error ? o.error->describe() : "");
    return o;
  };
  const Request put = req("secretsmanager", "put-secret-value", w,
                          {{"secret-id", "db-url"}, {"secret-string", "db=unread"}});
  EXPECT_TRUE(unread(put).result.is_null());
  EXPECT_EQ(ok(req("secretsmanager", "get-secret-value", w, {{"secret-id", "db-url"}}))
                .result["SecretString"]
                .to_text(),
            "db=unread");
  EXPECT_TRUE(unread(req("ecs", "update-service", w,
                         {{"cluster", "c"}, {"service", "api"}, {"desired-count", "4"}}))
                  .result.is_null());
  EXPECT_EQ(ok(req("ecs", "describe-services", w, {{"cluster", "c"}, {"services", "api"}}))
                .result["services"]
                .at(0)["desiredCount"]
                .to_text(),
            "4");
  EXPECT_TRUE(
      unread(req("rds", "restore-db-instance-from-db-snapshot", w,
                 {{"db-instance-identifier", "restored"}, {"db-snapshot-identifier", "snap"}}))
          .result.is_null());
  EXPECT_EQ(ok(req("rds", "describe-db-instances", w, {{"db-instance-identifier", "restored"}}))
                .result["DBInstances"]
                .size(),
            1u);
  // Read by someone, the same call answers.
  EXPECT_FALSE(ok(put).result["VersionId"].is_null());
}

TEST_F(EveryOperation, AnOperationHintCountsOnlyWhenItNamesTheCallsOwnOperation) {
  const OperationInfo* del = find_operation("rds", "delete-db-instance");
  ASSERT_NE(del, nullptr);
  ASSERT_TRUE(del->mutating);
  // A describe call hinted as a deletion is still a describe: it changes nothing.
  const sim::Event* change = cloud_.next_change();
  Request describe =
      req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "prod-db"}});
  describe.operation_hint = del;
  ok(describe);
  EXPECT_FALSE(change->triggered()) << "a describe call fired the world's change event";
  // An operation the mock does not have stays unknown, whatever the hint says.
  Request unknown = req("rds", "delete-db-instances", "us-west-2",
                        {{"db-instance-identifier", "prod-db"}, {"skip-final-snapshot", true}});
  unknown.operation_hint = del;
  expect_error(call(unknown), AwsErrorCode::kUnknownOperation);
  // A right hint is taken: the deletion is a change.
  Request deletion = req("rds", "delete-db-instance", "us-west-2",
                         {{"db-instance-identifier", "prod-db"}, {"skip-final-snapshot", true}});
  deletion.operation_hint = del;
  ok(deletion);
  EXPECT_TRUE(change->triggered());
}

TEST(Operations, EachIsFoundByItsNamesAndNothingElseIs) {
  for (const OperationInfo& op : operations()) {
    EXPECT_EQ(find_operation(op.service, op.operation), &op) << op.service << " " << op.operation;
    // A near miss: same length, same first and last characters, another middle.
    std::string other(op.operation);
    if (other.size() > 2) {
      other[1] = other[1] == 'x' ? 'y' : 'x';
      EXPECT_EQ(find_operation(op.service, other), nullptr) << op.service << " " << other;
    }
    EXPECT_EQ(find_operation("rdx", op.operation), nullptr) << op.operation;
  }
  EXPECT_EQ(find_operation("", ""), nullptr);
  EXPECT_EQ(find_operation("rds", ""), nullptr);
  EXPECT_EQ(find_operation("", "describe-db-instances"), nullptr);
}

TEST(ModelReference, DocumentsExactlyTheRegisteredOperations) {
  std::ifstream in(std::string(DRSIM_SOURCE_DIR) + "/docs/models.md");
  ASSERT_TRUE(in) << "docs/models.md is missing";
  std::stringstream text;
  text << in.rdbuf();
  // Operations are listed as table rows starting with | `service operation` |
  std::set<std::pair<std::string, std::string>> documented, documented_waiters;
  std::string line;
  while (std::getline(text, line)) {
    if (!line.starts_with("| `")) continue;
    const std::size_t end = line.find('`', 3);
    const std::string cell = line.substr(3, end - 3);
    const std::size_t space = cell.find(' ');
    if (end == std::string::npos || space == std::string::npos || line.compare(end, 3, "` |") != 0)
      continue;
    std::string rest = cell.substr(space + 1);
    if (rest.starts_with("wait ")) {
      documented_waiters.emplace(cell.substr(0, space), rest.substr(5));
    } else {
      documented.emplace(cell.substr(0, space), std::move(rest));
    }
  }
  std::set<std::pair<std::string, std::string>> waiter_names;
  for (const WaiterSpec& w : waiters()) waiter_names.emplace(w.service, w.name);
  EXPECT_EQ(documented_waiters, waiter_names) << "the waiter table and models/waiters.cpp differ";
  std::set<std::pair<std::string, std::string>> registered;
  for (const OperationInfo& op : operations()) registered.emplace(op.service, op.operation);
  for (const auto& op : registered)
    EXPECT_TRUE(documented.count(op))
        << op.first << " " << op.second << " is not in docs/models.md";
  for (const auto& op : documented)
    EXPECT_TRUE(registered.count(op))
        << op.first << " " << op.second << " is documented but not modelled";
}

}  // namespace
}  // namespace drsim::models
