#include "models/rds.hpp"

#include <gtest/gtest.h>

#include <array>

#include "tests/models/cloud_fixture.hpp"

namespace drsim::models {
namespace {

using sim::kDay;
using sim::kHour;
using sim::kMinute;
using testing::CloudTest;
using testing::req;

class RdsTest : public CloudTest {
 protected:
  /// The primary (50 GB) snapshotted every hour, kept two days, each copied to us-east-1.
  void add_hourly_schedule_copied_east() { add_hourly_schedule_copied_east_to(cloud_); }
  static void add_hourly_schedule_copied_east_to(MockCloud& cloud) {
    add_primary_to(cloud, 50);
    cloud.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
    cloud.rds().add_schedule({.instance_id = "prod-db",
                              .every = kHour,
                              .offset = 0,
                              .retention = 2 * kDay,
                              .type = "manual",
                              .id_prefix = "h-",
                              .copy_to = "us-east-1",
                              .copy_kms_key = "alias/prod-rds-dr"});
  }
};

TEST_F(RdsTest, RestoringASnapshotNeverCopiedToTheDrRegionFailsWithDBSnapshotNotFound) {
  add_primary();
  cloud_.rds().add_schedule({.instance_id = "prod-db"});  // daily, no cross-region copy
  at(2 * kDay);
  // The snapshot exists in us-west-2...
  const Outcome listed =
      ok(req("rds", "describe-db-snapshots", "us-west-2", {{"db-instance-identifier", "prod-db"}}));
  ASSERT_GT(listed.result["DBSnapshots"].size(), 0u);
  const std::string id = listed.result["DBSnapshots"].at(-1)["DBSnapshotIdentifier"].as_string();
  // ...but a restore in us-east-1 cannot see it.
  expect_error(
      call(req("rds", "restore-db-instance-from-db-snapshot", "us-east-1",
               {{"db-instance-identifier", "prod-db-dr"}, {"db-snapshot-identifier", id}})),
      AwsErrorCode::kDBSnapshotNotFound);
  EXPECT_TRUE(ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"].size() ==
              0);
}

TEST_F(RdsTest, AScheduleAddedAfterAResetIsTheNewOneWhole) {
  // Trial one: hourly "h-" snapshots copied east, listed (so built) in both regions.
  add_hourly_schedule_copied_east();
  at(2 * kDay);
  ASSERT_GT(ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"].size(), 0u);
  ASSERT_GT(ok(req("rds", "describe-db-snapshots", "us-west-2")).result["DBSnapshots"].size(), 0u);
  // Trial two, on the same cloud: daily automated snapshots, not copied. Nothing of the
  // first schedule (its prefix, its copies, the snapshots it built) may show.
  cloud_.reset(7, 1);
  cloud_.context().add_region("us-west-2");
  cloud_.context().add_region("us-east-1");
  add_primary();
  cloud_.rds().add_schedule({.instance_id = "prod-db"});
  EXPECT_EQ(ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"].size(), 0u);
  const Value west = ok(req("rds", "describe-db-snapshots", "us-west-2")).result["DBSnapshots"];
  ASSERT_GT(west.size(), 0u);
  for (const Value& snap : west.as_array()) {
    EXPECT_TRUE(snap["DBSnapshotIdentifier"].as_string().starts_with("rds:prod-db-"))
        << snap.to_json();
    EXPECT_EQ(snap["SnapshotType"].as_string(), "automated") << snap.to_json();
  }
}

TEST_F(RdsTest, SnapshotsBuiltInOneTrialLeaveNothingInTheNextOnesListing) {
  // The same world twice at two days: the hourly "h-" snapshots of the primary, copied east.
  auto build = [](MockCloud& cloud) {
    cloud.context().add_region("us-west-2");
    cloud.context().add_region("us-east-1");
    add_hourly_schedule_copied_east_to(cloud);
  };
  const Request west = req("rds", "describe-db-snapshots", "us-west-2");
  // Trial zero builds the copies first (listing us-east-1), then the sources.
  at(2 * kDay);
  cloud_.reset(7, 1);
  build(cloud_);
  ASSERT_GT(ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"].size(), 0u);
  ok(west);
  // Trial one, on the same cloud, lists only the sources: each as a cloud new to it lists it
  // (nothing of the copies built in the trial before, such as their SourceRegion).
  cloud_.reset(7, 2);
  build(cloud_);
  const Value listed = ok(west).result["DBSnapshots"];
  sim::Environment fresh_env(0);
  fresh_env.run_until(2 * kDay);
  MockCloud fresh(fresh_env, calibration_, 7, 2);
  build(fresh);
  const Outcome expected = fresh.invoke(west);
  ASSERT_TRUE(expected.ok());
  ASSERT_GT(listed.size(), 0u);
  EXPECT_EQ(listed.to_json(), expected.result["DBSnapshots"].to_json());
  EXPECT_TRUE(listed.at(-1)["SourceRegion"].is_null()) << listed.at(-1).to_json();
}

TEST_F(RdsTest, CopyingAnEncryptedSnapshotWithoutAKeyInTheTargetRegionFails) {
  add_primary();
  ok(req("rds", "create-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "before-dr"}}));
  at(2 * kHour);  // creation done
  const Request copy = req(
      "rds", "copy-db-snapshot", "us-east-1",
      {{"source-db-snapshot-identifier", "arn:aws:rds:us-west-2:123456789012:snapshot:before-dr"},
       {"target-db-snapshot-identifier", "before-dr-copy"},
       {"kms-key-id", "alias/prod-rds-dr"}});
  expect_error(call(copy), AwsErrorCode::kKMSKeyNotAccessible);
  // Without any key it is a parameter error; with the key in us-east-1 it succeeds.
  Request no_key = copy;
  no_key.params.pop_back();
  expect_error(call(no_key), AwsErrorCode::kInvalidParameterCombination);
  cloud_.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
  const Outcome copied = ok(copy);
  EXPECT_EQ(copied.result["DBSnapshot"]["Status"].as_string(), "creating");
  EXPECT_EQ(copied.result["DBSnapshot"]["SourceRegion"].as_string(), "us-west-2");
}

TEST_F(RdsTest, ALargerDatabaseTakesLongerToRestoreByTheCalibratedTimePerTerabyte) {
  calibration_.rds_post_restore_backup_probability = 0;
  calibration_.rds_restore = Distribution::constant(10.0 * kMinute);
  calibration_.rds_restore_per_tb = Distribution::constant(static_cast<double>(kHour));
  add_primary();
  auto restore_of = [&](double size_gb, const std::string& id) {
    cloud_.rds().add_snapshot({.id = "snap-" + id,
                               .region = "us-west-2",
                               .instance_id = "prod-db",
                               .data_time = -kHour,
                               .available_at = -kHour,
                               .exists_from = -kHour,
                               .encrypted = false,
                               .size_gb = size_gb});
    ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
           {{"db-instance-identifier", id}, {"db-snapshot-identifier", "snap-" + id}}));
    return cloud_.rds().instance(id)->status.when(DbStatus::kAvailable, now()) - now();
  };
  EXPECT_EQ(restore_of(512, "half"), 10 * kMinute + 30 * kMinute);
  EXPECT_EQ(restore_of(4096, "four"), 10 * kMinute + 4 * kHour);
}

TEST_F(RdsTest, ARestoredInstanceIsNotAvailableBeforeItsSampledRestoreTimeAndIsAfterwards) {
  calibration_.rds_post_restore_backup_probability = 0;  // isolate the restore time
  calibration_.rds_restore_per_tb = Distribution::constant(0);
  add_primary();
  ok(req("rds", "create-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "s1"}}));
  at(2 * kHour);
  const sim::Time started = now();
  ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "restored"}, {"db-snapshot-identifier", "s1"}}));
  const DbInstance* db = cloud_.rds().instance("restored");
  ASSERT_NE(db, nullptr);
  const sim::Time available = db->status.when(DbStatus::kAvailable, started);
  ASSERT_GT(available, started);
  auto status_at = [&](sim::Time t) {
    at(t);
    return ok(req("rds", "describe-db-instances", "us-west-2",
                  {{"db-instance-identifier", "restored"}}))
        .result["DBInstances"]
        .at(0)["DBInstanceStatus"]
        .as_string();
  };
  EXPECT_EQ(status_at(available - 1), "creating");
  EXPECT_EQ(status_at(available), "available");
  // The restore duration is the calibrated draw for this instance in this trial.
  EXPECT_EQ(available - started,
            cloud_.context().draw(calibration_.rds_restore, "rds/restore", "restored", 1));
  // And the restored data is as of the snapshot.
  EXPECT_EQ(cloud_.rds().data_as_of(*db, now()), 0);
}

TEST_F(RdsTest, ARestoreTakesItsClassAndZoneFromTheCallElseFromTheSourceAndRegion) {
  add_primary();  // db.r6g.large, the default class
  ok(req("rds", "create-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "s1"}}));
  at(2 * kHour);
  ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "sized"},
          {"db-snapshot-identifier", "s1"},
          {"db-instance-class", "db.r6g.xlarge"},
          {"availability-zone", "us-west-2c"}}));
  const Outcome plain =
      ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
             {{"db-instance-identifier", "plain"}, {"db-snapshot-identifier", "s1"}}));
  EXPECT_EQ(plain.result["DBInstance"]["DBInstanceClass"].as_string(), "db.r6g.large");
  auto described = [&](const std::string& id) {
    return ok(req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", id}}))
        .result["DBInstances"]
        .at(0);
  };
  EXPECT_EQ(described("sized")["DBInstanceClass"].as_string(), "db.r6g.xlarge");
  EXPECT_EQ(described("sized")["AvailabilityZone"].as_string(), "us-west-2c");
  EXPECT_EQ(described("plain")["DBInstanceClass"].as_string(), "db.r6g.large");
  EXPECT_EQ(described("plain")["AvailabilityZone"].as_string(), "us-west-2a");
}

TEST_F(RdsTest, PostRestoreBackupKeepsTheInstanceBackingUpPastTheWaitersLimit) {
  calibration_.rds_post_restore_backup_probability = 1;  // the 2025 behaviour, always
  add_primary();
  ok(req("rds", "create-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"db-snapshot-identifier", "s1"}}));
  at(2 * kHour);
  ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
         {{"db-instance-identifier", "restored"}, {"db-snapshot-identifier", "s1"}}));
  const DbInstance* db = cloud_.rds().instance("restored");
  const sim::Time backing_up = db->status.when(DbStatus::kBackingUp, now());
  const sim::Time available = db->status.when(DbStatus::kAvailable, now());
  EXPECT_LT(backing_up, available);
  EXPECT_GE(available - backing_up, 2 * kHour);
  EXPECT_LE(available - backing_up, 3 * kHour);
}

TEST_F(RdsTest, PointInTimeRestoreAfterTheLatestRestorableTimeFails) {
  add_primary();
  at(10 * kDay + 17 * kMinute);
  const DbInstance* db = cloud_.rds().instance("prod-db");
  const sim::Time latest = cloud_.rds().latest_restorable_time(*db, now());
  EXPECT_LE(latest, now());
  EXPECT_GT(latest, now() - 5 * kMinute - 1) << "logs upload every 5 minutes";
  const std::int64_t epoch = cloud_.context().epoch_unix_ms();
  auto pitr = [&](sim::Time target, const std::string& name) {
    return call(req("rds", "restore-db-instance-to-point-in-time", "us-west-2",
                    {{"source-db-instance-identifier", "prod-db"},
                     {"target-db-instance-identifier", name},
                     {"restore-time", iso8601(target, epoch)}}));
  };
  expect_error(pitr(latest + 1000, "too-late"), AwsErrorCode::kInvalidRestore);
  const Outcome good = pitr(latest - kMinute, "just-right");
  ASSERT_TRUE(good.ok()) << good.error->describe();
  EXPECT_EQ(cloud_.rds().instance("just-right")->data_as_of, latest - kMinute);
  // Beyond the retention window is refused too.
  expect_error(pitr(now() - 8 * kDay, "too-early"), AwsErrorCode::kInvalidRestore);
}

TEST_F(RdsTest, AReplicaPromotedDuringAnOutageHoldsDataUpToItsLagAtTheFailureInstant) {
  add_primary();
  DbInstanceConfig replica;
  replica.id = "prod-db-replica";
  replica.region = "us-east-1";
  replica.replica_of = "prod-db";
  replica.data_store = "prod-db";
  cloud_.rds().add_instance(replica, -30 * kDay);
  const sim::Time failure = 5 * kDay + 3 * kHour;
  cloud_.context().disrupt(
      {Disruption::kRegionDown, "us-west-2", "", failure, failure + 8 * kHour});
  at(failure + 40 * kMinute);
  ok(req("rds", "promote-read-replica", "us-east-1",
         {{"db-instance-identifier", "prod-db-replica"}}));
  const DbInstance* db = cloud_.rds().instance("prod-db-replica");
  const sim::Duration lag =
      cloud_.context().draw(calibration_.replica_lag_cross_region, "rds/replica-lag",
                            "prod-db-replica", static_cast<std::uint64_t>(failure));
  EXPECT_EQ(db->data_as_of, failure - lag);
  EXPECT_GT(lag, 0);
  // It keeps that data point: writes after the failure never reached it.
  at(failure + 5 * kHour);
  EXPECT_EQ(cloud_.rds().data_as_of(*db, now()), failure - lag);
  // Promoting again is refused: it is no longer a replica.
  expect_error(call(req("rds", "promote-read-replica", "us-east-1",
                        {{"db-instance-identifier", "prod-db-replica"}})),
               AwsErrorCode::kInvalidDBInstanceState);
}

TEST_F(RdsTest, ScheduledCopiesReachTheDrRegionAndRestoreThere) {
  calibration_.rds_post_restore_backup_probability = 0;
  add_primary(50);
  cloud_.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
  cloud_.rds().add_schedule({.instance_id = "prod-db",
                             .every = 15 * kMinute,
                             .offset = 0,
                             .retention = 7 * kDay,
                             .type = "manual",
                             .id_prefix = "mangu-",
                             .copy_to = "us-east-1",
                             .copy_kms_key = "alias/prod-rds-dr"});
  at(3 * kDay);
  const Outcome listed = ok(req("rds", "describe-db-snapshots", "us-east-1"));
  const Value& snaps = listed.result["DBSnapshots"];
  ASSERT_GT(snaps.size(), 100u);
  // The newest copies may still be in flight; the newest available one is recent.
  sim::Time newest_available = -1;
  std::string newest_id;
  for (const Value& s : snaps.as_array()) {
    if (s["Status"].as_string() == "available" &&
        s["SnapshotCreateTime"].as_time().at > newest_available) {
      newest_available = s["SnapshotCreateTime"].as_time().at;
      newest_id = s["DBSnapshotIdentifier"].as_string();
    }
  }
  EXPECT_GT(newest_available, now() - 2 * kHour);
  ok(req("rds", "restore-db-instance-from-db-snapshot", "us-east-1",
         {{"db-instance-identifier", "prod-db-dr"}, {"db-snapshot-identifier", newest_id}}));
  EXPECT_EQ(cloud_.rds().instance("prod-db-dr")->data_as_of, newest_available);
}

TEST_F(RdsTest, ScheduledSnapshotsListOldestFirstAndOneDeletedByIdLeavesTheListing) {
  add_hourly_schedule_copied_east();
  at(3 * kDay + 30 * kMinute);
  auto listing = [&](const char* region) {
    return ok(req("rds", "describe-db-snapshots", region)).result["DBSnapshots"];
  };
  const Value before = listing("us-west-2");
  // Two days of hourly snapshots are retained (the one taken exactly 2 days ago is gone).
  ASSERT_EQ(before.size(), 48u);
  for (std::size_t i = 1; i < before.size(); ++i) {
    EXPECT_EQ(before.at(static_cast<std::int64_t>(i))["SnapshotCreateTime"].as_time().at -
                  before.at(static_cast<std::int64_t>(i) - 1)["SnapshotCreateTime"].as_time().at,
              kHour);
  }
  EXPECT_EQ(before.at(-1)["SnapshotCreateTime"].as_time().at, 3 * kDay);
  // Looked up by identifier, a scheduled snapshot is the one the listing shows...
  const std::string id = before.at(10)["DBSnapshotIdentifier"].as_string();
  const Outcome one =
      ok(req("rds", "describe-db-snapshots", "us-west-2", {{"db-snapshot-identifier", id}}));
  EXPECT_EQ(one.result["DBSnapshots"].at(0), before.at(10));
  // ...and once deleted it leaves the listing, while its cross-region copy stays.
  const std::size_t copies = listing("us-east-1").size();
  ok(req("rds", "delete-db-snapshot", "us-west-2", {{"db-snapshot-identifier", id}}));
  const Value after = listing("us-west-2");
  EXPECT_EQ(after.size(), 47u);
  for (const Value& s : after.as_array()) EXPECT_NE(s["DBSnapshotIdentifier"].as_string(), id);
  EXPECT_EQ(listing("us-east-1").size(), copies);
  expect_error(
      call(req("rds", "describe-db-snapshots", "us-west-2", {{"db-snapshot-identifier", id}})),
      AwsErrorCode::kDBSnapshotNotFound);
  // A listing taken before the deletion still answers for its own instant.
  EXPECT_EQ(before.size(), 48u);
}

TEST_F(RdsTest, NoScheduledSnapshotIsTakenWhileItsRegionIsDownAndNoOtherIsMissed) {
  add_hourly_schedule_copied_east();
  // Two outages: one begins exactly at a snapshot's instant, one ends exactly at one.
  cloud_.context().disrupt(
      {Disruption::kRegionDown, "us-west-2", "", 10 * kHour, 13 * kHour + 30 * kMinute});
  cloud_.context().disrupt(
      {Disruption::kRegionDown, "us-west-2", "", 20 * kHour + 30 * kMinute, 22 * kHour});
  auto hours = [&](const char* region) {
    std::vector<std::int64_t> out;
    const Outcome listed = ok(req("rds", "describe-db-snapshots", region));
    for (const Value& s : listed.result["DBSnapshots"].as_array()) {
      const sim::Time at = s["SnapshotCreateTime"].as_time().at;
      if (at >= 0) out.push_back(at / kHour);
    }
    return out;
  };
  // During the second outage, the DR region lists the copies of the hours before it (the
  // 20:00 copy when that snapshot completed before 20:30)...
  at(21 * kHour);
  const std::vector<std::int64_t> during = hours("us-east-1");
  at(23 * kHour);
  std::vector<std::int64_t> source = hours("us-west-2");
  const std::vector<std::int64_t> expected = {0,  1,  2,  3,  4,  5,  6,  7,  8, 9,
                                              14, 15, 16, 17, 18, 19, 20, 22, 23};
  EXPECT_EQ(source, expected);
  // ...the same ones as a listing after it, less those made after 21:00.
  std::vector<std::int64_t> later = hours("us-east-1");
  std::erase_if(later, [](std::int64_t h) { return h > 20; });
  EXPECT_EQ(during, later);
  EXPECT_GE(during.size(), 15u);
  EXPECT_EQ(std::count(during.begin(), during.end(), 9), 1);
  EXPECT_EQ(std::count(during.begin(), during.end(), 19), 1);
}

TEST_F(RdsTest, ScheduledCopiesAreFullFirstThenIncremental) {
  // A 500 GB instance created a day into the trial: its first copy moves everything (hours),
  // the next ones only the hour's changes (minutes).
  cloud_.kms().add_key("us-west-2", "key-west", "alias/prod-rds");
  cloud_.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
  cloud_.rds().add_instance(
      {.id = "new-db", .region = "us-west-2", .size_gb = 500, .kms_key = "alias/prod-rds"}, kDay);
  cloud_.rds().add_schedule({.instance_id = "new-db",
                             .every = kHour,
                             .offset = 0,
                             .retention = 7 * kDay,
                             .type = "manual",
                             .id_prefix = "h-",
                             .copy_to = "us-east-1",
                             .copy_kms_key = "alias/prod-rds-dr"});
  at(3 * kDay);
  const Value copies = ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"];
  ASSERT_GT(copies.size(), 40u);
  EXPECT_EQ(copies.at(0)["SnapshotCreateTime"].as_time().at, kDay);
  // Asked newest first (as a runbook's query does) or oldest first, the copies are the same.
  const Value again = ok(req("rds", "describe-db-snapshots", "us-east-1")).result["DBSnapshots"];
  EXPECT_EQ(again.at(-1), copies.at(-1));
  EXPECT_EQ(again, copies);
  std::vector<sim::Time> took;
  for (const Value& s : copies.as_array()) {
    const std::string& id = s["DBSnapshotIdentifier"].as_string();
    for (const DbSnapshot& d : cloud_.rds().snapshots("us-east-1", now())) {
      if (d.id == id) took.push_back(d.available_at - d.exists_from);
    }
  }
  ASSERT_EQ(took.size(), copies.size());
  EXPECT_GT(took.front(), 90 * kMinute) << "the first copy moves all 500 GB";
  for (std::size_t i = 1; i < took.size(); ++i) EXPECT_LT(took[i], took.front() / 3) << i;
}

TEST_F(RdsTest, ADescribeForAWaiterBuildsOnlyTheStatusItReads) {
  add_primary();
  Request describe =
      req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "prod-db"}});
  const Value full = ok(describe).result["DBInstances"].at(0);
  static constexpr std::array<std::string_view, 1> kStatus = {"DBInstanceStatus"};
  describe.fields = kStatus;
  const Value slim = ok(describe).result["DBInstances"].at(0);
  ASSERT_EQ(slim.size(), 1u);
  EXPECT_EQ(slim["DBInstanceStatus"], full["DBInstanceStatus"]);
  EXPECT_GT(full.size(), 10u);
}

TEST_F(RdsTest, ASnapshotDescribedByIdHoldsOnlyTheMembersTheCallerReads) {
  add_hourly_schedule_copied_east();
  at(kDay + 30 * kMinute);
  const std::string id = ok(req("rds", "describe-db-snapshots", "us-east-1"))
                             .result["DBSnapshots"]
                             .at(-1)["DBSnapshotIdentifier"]
                             .as_string();
  Request describe =
      req("rds", "describe-db-snapshots", "us-east-1", {{"db-snapshot-identifier", id}});
  const Value full = ok(describe).result["DBSnapshots"].at(0);
  static constexpr std::array<std::string_view, 2> kTwo = {"SnapshotCreateTime", "SourceRegion"};
  describe.fields = kTwo;
  const Value slim = ok(describe).result["DBSnapshots"].at(0);
  ASSERT_EQ(slim.size(), 2u);
  EXPECT_EQ(slim["SnapshotCreateTime"], full["SnapshotCreateTime"]);
  EXPECT_EQ(slim["SourceRegion"].as_string(), "us-west-2");
  EXPECT_EQ(full.size(), 12u);  // a copy of an encrypted snapshot: every member
}

TEST_F(RdsTest, AMasterPasswordResetKeepsServingAndIsNeverDescribedInClear) {
  add_primary();
  at(kHour);
  const Request reset =
      req("rds", "modify-db-instance", "us-west-2",
          {{"db-instance-identifier", "prod-db"}, {"master-user-password", "hunter2-new"}});
  EXPECT_EQ(reset.describe().find("hunter2"), std::string::npos) << reset.describe();
  EXPECT_NE(reset.describe().find("--master-user-password ****"), std::string::npos);
  const Outcome o = ok(reset);
  EXPECT_EQ(o.result["DBInstance"]["DBInstanceStatus"].as_string(), "resetting-master-credentials");
  const DbInstance* db = cloud_.rds().instance("prod-db");
  EXPECT_TRUE(accepts_connections(cloud_.rds().status(*db, now())));
  ASSERT_GT(db->credentials_changed_at, now());
  EXPECT_EQ(cloud_.rds().status(*db, db->credentials_changed_at), DbStatus::kAvailable);
  EXPECT_EQ(cloud_.rds().status(*db, db->credentials_changed_at - 1),
            DbStatus::kResettingMasterCredentials);
}

TEST_F(RdsTest, AnInstanceIsNeverAvailableBeforeItsAvailableFromBound) {
  calibration_.rds_post_restore_backup_probability = 1;  // creating, backing-up, available
  add_primary();
  restore_from_a_snapshot("r");
  const DbInstance* r = cloud_.rds().instance("r");
  const sim::Time from = cloud_.rds().available_from("r", now());
  ASSERT_GT(from, now() + 2 * kHour);
  EXPECT_EQ(cloud_.rds().status(*r, from), DbStatus::kAvailable);
  for (sim::Time t = now(); t < from; t += kMinute)
    ASSERT_NE(cloud_.rds().status(*r, t), DbStatus::kAvailable) << t;
  // An outage of its region around that instant pushes it to the outage's end.
  cloud_.context().disrupt({Disruption::kRegionDown, "us-west-2", "", from - kHour, from + kHour});
  EXPECT_EQ(cloud_.rds().available_from("r", now()), from + kHour);
  EXPECT_EQ(cloud_.rds().available_from("no-such-db", now()), sim::kNever);
}

TEST_F(RdsTest, BrokenCopiesLeaveOnlyOlderSnapshotsInTheDrRegion) {
  add_primary(50);
  cloud_.kms().add_key("us-east-1", "key-east", "alias/prod-rds-dr");
  cloud_.rds().add_schedule({.instance_id = "prod-db",
                             .every = kHour,
                             .offset = 0,
                             .retention = 7 * kDay,
                             .copy_to = "us-east-1",
                             .copy_kms_key = "alias/prod-rds-dr"});
  cloud_.rds().break_copies("prod-db", 2 * kDay);
  at(4 * kDay);
  const Outcome listed = ok(req("rds", "describe-db-snapshots", "us-east-1"));
  ASSERT_GT(listed.result["DBSnapshots"].size(), 48u);
  for (const Value& s : listed.result["DBSnapshots"].as_array()) {
    const bool after = s["SnapshotCreateTime"].as_time().at >= 2 * kDay;
    EXPECT_EQ(s["Status"].as_string() == "failed", after) << s.to_json();
  }
}

TEST_F(RdsTest, CopiesBrokenAfterAListingAreFailedInTheNextOne) {
  // The schedule's snapshots are built once a trial: breaking its copies must rebuild them.
  add_primary(50);
  cloud_.rds().add_schedule({.instance_id = "prod-db",
                             .every = kHour,
                             .offset = 0,
                             .retention = 7 * kDay,
                             .copy_to = "us-east-1"});
  at(4 * kDay);
  auto failed = [&] {
    const Outcome listed = ok(req("rds", "describe-db-snapshots", "us-east-1"));
    std::size_t n = 0;
    for (const Value& s : listed.result["DBSnapshots"].as_array())
      n += s["Status"].as_string() == "failed" ? 1 : 0;
    return n;
  };
  EXPECT_EQ(failed(), 0u);
  cloud_.rds().break_copies("prod-db", 2 * kDay);
  EXPECT_GE(failed(), 47u);  // every copy of a snapshot taken from day 2 on
}

TEST_F(RdsTest, MultiAzFailsOverOnAnAzOutageAndSingleAzDoesNot) {
  add_primary(100, /*multi_az=*/true);
  const sim::Time outage = kDay;
  cloud_.context().disrupt(
      {Disruption::kAzDown, "us-west-2", "us-west-2a", outage, outage + 2 * kHour});
  const DbInstance* db = cloud_.rds().instance("prod-db");
  EXPECT_EQ(cloud_.rds().status(*db, outage), DbStatus::kRebooting);
  EXPECT_EQ(cloud_.rds().status(*db, outage + 20 * kMinute), DbStatus::kAvailable);

  DbInstanceConfig single;
  single.id = "single";
  single.region = "us-west-2";
  single.az = "us-west-2a";
  cloud_.rds().add_instance(single, 0);
  const DbInstance* s = cloud_.rds().instance("single");
  EXPECT_EQ(cloud_.rds().status(*s, outage + 20 * kMinute), DbStatus::kInaccessible);
  EXPECT_EQ(cloud_.rds().status(*s, outage + 3 * kHour), DbStatus::kAvailable);
}

TEST_F(RdsTest, RenamingToATakenIdAndDeletingTwiceAreRefused) {
  add_primary();
  at(kHour);
  expect_error(
      call(req("rds", "modify-db-instance", "us-west-2",
               {{"db-instance-identifier", "prod-db"}, {"new-db-instance-identifier", "prod-db"}})),
      AwsErrorCode::kDBInstanceAlreadyExists);
  ok(req("rds", "delete-db-instance", "us-west-2",
         {{"db-instance-identifier", "prod-db"}, {"skip-final-snapshot", true}}));
  expect_error(call(req("rds", "delete-db-instance", "us-west-2",
                        {{"db-instance-identifier", "prod-db"}, {"skip-final-snapshot", true}})),
               AwsErrorCode::kInvalidDBInstanceState);
}

TEST_F(RdsTest, AuroraGlobalFailoverLosesOnlyTheReplicationLag) {
  DbCluster primary;
  primary.id = "lecture-primary";
  primary.region = "us-west-2";
  primary.global_cluster = "lecture-global";
  cloud_.rds().add_cluster(primary);
  DbCluster secondary;
  secondary.id = "lecture-secondary";
  secondary.region = "us-east-1";
  secondary.global_cluster = "lecture-global";
  secondary.secondary = true;
  secondary.data_store = "lecture-primary";
  cloud_.rds().add_cluster(secondary);
  const sim::Time failure = 2 * kDay;
  cloud_.context().disrupt({Disruption::kRegionDown, "us-west-2", "", failure, sim::kNever});
  at(failure + 10 * kMinute);
  // A planned switchover needs the primary.
  expect_error(call(req("rds", "switchover-global-cluster", "us-east-1",
                        {{"global-cluster-identifier", "lecture-global"},
                         {"target-db-cluster-identifier", "lecture-secondary"}})),
               AwsErrorCode::kInvalidDBClusterState);
  ok(req("rds", "failover-global-cluster", "us-east-1",
         {{"global-cluster-identifier", "lecture-global"},
          {"target-db-cluster-identifier", "lecture-secondary"},
          {"allow-data-loss", true}}));
  const DbCluster* c = cloud_.rds().cluster("lecture-secondary");
  EXPECT_LT(c->data_as_of, failure);
  EXPECT_GT(c->data_as_of, failure - 10 * sim::kSecond) << "Aurora Global lag is about a second";
}

}  // namespace
}  // namespace drsim::models
