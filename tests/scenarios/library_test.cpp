// Every scenario in scenarios/library loads and runs; and each replays the finding its
// seed runbook holds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scenarios/engine.hpp"
#include "scenarios/run.hpp"

namespace drsim::scenarios {
namespace {

namespace fs = std::filesystem;

ScenarioResults run(const Scenario& s, std::uint64_t trials) {
  sim::RunOptions o;
  o.trials = trials;
  o.seed = 11;
  o.threads = 2;
  return run_scenario(s, o);
}

fs::path library() {
  return fs::path(DRSIM_SOURCE_DIR) / "scenarios" / "library";
}

TEST(Library, EveryScenarioLoadsAndRunsWithoutInternalErrors) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(library())) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    const Scenario s = load_scenario(entry.path().string());
    const ScenarioResults r = run(s, 300);
    EXPECT_EQ(r.run.completed, 300u) << s.name;
    EXPECT_TRUE(r.run.failures.empty()) << s.name << ": " << r.run.failures.front().message;
    EXPECT_FALSE(r.causes.contains("internal error")) << s.name;
    EXPECT_FALSE(s.source.empty()) << s.name << " must name the seed section it comes from";
  }
  EXPECT_GE(count, 4);
}

TEST(Library, MangusNewestSnapshotQueryPicksCopiesStillInFlight) {
  const ScenarioResults r =
      run(load_scenario((library() / "mangu-regional-failover.json").string()), 600);
  ASSERT_TRUE(r.causes.contains("step restore: InvalidDBSnapshotState"));
  const double share =
      static_cast<double>(r.causes.at("step restore: InvalidDBSnapshotState").count) / 600.0;
  EXPECT_GT(share, 0.10);
  EXPECT_LT(share, 0.35);
  // When it completes, recovery is within the seed's 4-hour objective at the median.
  EXPECT_LT(r.rto_ms.quantile(0.5), 4 * sim::kHour);
}

TEST(Library, MueJamsReplicaPromotionMeetsItsSeventyMinuteEstimate) {
  const ScenarioResults r =
      run(load_scenario((library() / "muejam-database-failure.json").string()), 600);
  EXPECT_LT(r.rto_ms.quantile(0.5), 70 * sim::kMinute);
  EXPECT_LT(r.rpo_ms[0].quantile(0.95), 2 * sim::kMinute)
      << "a promoted replica loses only its lag";
}

TEST(Library, ATrialIsTheSameWhateverTrialsItsEngineRanBefore) {
  // Workers reuse an engine for many trials, in an order that depends on scheduling; any state
  // a trial leaves behind would make results depend on the number of threads.
  // One engine runs trials forwards, another backwards: each trial sees a different history.
  auto same = [](const Scenario& s, const std::string& what, std::uint64_t trials) {
    Engine forwards(s), backwards(s);
    std::vector<TrialOutcome> first;
    for (std::uint64_t t = 0; t < trials; ++t) first.push_back(forwards.run_trial(11, t));
    for (std::uint64_t t = trials; t-- > 0;) {
      const TrialOutcome o = backwards.run_trial(11, t);
      ASSERT_EQ(o.rto_ms, first[t].rto_ms) << what << " trial " << t;
      ASSERT_EQ(o.rpo_ms, first[t].rpo_ms) << what << " trial " << t;
      ASSERT_EQ(o.cause, first[t].cause) << what << " trial " << t;
    }
  };
  for (const auto& entry : fs::directory_iterator(library())) {
    if (entry.path().extension() != ".json") continue;
    same(load_scenario(entry.path().string()), entry.path().filename().string(), 60);
  }
  same(load_scenario((library() / "mangu-s3-deletion-from-replica.json").string(),
                     {"topology.s3.0.replication.0.delete_markers=true"}),
       "replicated delete markers", 300);
}

TEST(Library, TheRecoveryScanSkipsOnlyInstantsAtWhichTheServiceCannotBeBack) {
  // After a trial, the search for the recovery instant skips ahead on lower bounds (no
  // database up yet; the client still holds an answer naming an endpoint that is down).
  // Tried at every instant of its grid instead, every trial must end the same.
  for (const auto& entry : fs::directory_iterator(library())) {
    if (entry.path().extension() != ".json") continue;
    const Scenario s = load_scenario(entry.path().string());
    Engine skipping(s), every_instant(s);
    every_instant.set_scan_shortcuts(false);
    for (std::uint64_t t = 0; t < 40; ++t) {
      const TrialOutcome a = skipping.run_trial(5, t);
      const TrialOutcome b = every_instant.run_trial(5, t);
      ASSERT_EQ(a.rto_ms, b.rto_ms) << s.name << " trial " << t;
      ASSERT_EQ(a.rpo_ms, b.rpo_ms) << s.name << " trial " << t;
      ASSERT_EQ(a.cause, b.cause) << s.name << " trial " << t;
      ASSERT_EQ(a.detail, b.detail) << s.name << " trial " << t;
    }
  }
}

TEST(Library, MaestrosFirstSnapshotIsItsOldest) {
  const ScenarioResults r =
      run(load_scenario((library() / "maestrohwithit-rds-failure.json").string()), 300);
  EXPECT_GT(r.rpo_ms[0].quantile(0.5), 25 * sim::kDay)
      << "DBSnapshots[0] is the oldest of 30 daily snapshots";
}

TEST(Library, MaestrosRegionFailoverCannotCompleteWithoutCrossRegionCopies) {
  const ScenarioResults r =
      run(load_scenario((library() / "maestrohwithit-region-failure.json").string()), 300);
  ASSERT_TRUE(r.causes.contains("step restore: DBSnapshotNotFound"));
  EXPECT_GT(r.causes.at("step restore: DBSnapshotNotFound").count, 290u);
  EXPECT_EQ(r.rto_ms.finite_count(), 0u);
}

TEST(Library, LecturesAuroraPromotionMeetsItsObjectives) {
  const ScenarioResults r =
      run(load_scenario((library() / "lecture-regional-failover.json").string()), 600);
  EXPECT_LT(r.rto_ms.quantile(0.95), 4 * sim::kHour);
  EXPECT_LT(r.rpo_ms[0].quantile(0.95), 15 * sim::kMinute)
      << "the promoted replica cluster loses only its lag";
  EXPECT_GT(r.rto_ms.quantile(0.5), 20 * sim::kMinute) << "people and propagation take time";
}

TEST(Library, MangusPointInTimeRecoveryLosesItsSafetyMarginOnly) {
  const ScenarioResults r =
      run(load_scenario((library() / "mangu-accidental-deletion.json").string()), 400);
  EXPECT_EQ(r.rpo_ms[0].quantile(0.5), 5 * sim::kMinute)
      << "restored to 5 minutes before the deletion";
  // Late detection and a slow point-in-time restore: the 4-hour objective is often missed.
  const double met = static_cast<double>(r.rto_ms.count_at_most(4 * sim::kHour)) /
                     static_cast<double>(r.rto_ms.count());
  EXPECT_GT(met, 0.6);
  EXPECT_LT(met, 0.95);
}

TEST(Library, MangusS3RecoveriesBringBackTheNewestVersion) {
  for (const char* name :
       {"mangu-s3-deletion-delete-markers.json", "mangu-s3-deletion-from-replica.json"}) {
    const ScenarioResults r = run(load_scenario((library() / name).string()), 300);
    EXPECT_EQ(r.rpo_ms[0].quantile(0.95), 0) << name;
    EXPECT_GT(r.rto_ms.finite_count(), 290u) << name;
  }
}

TEST(Library, TheReplicaPathWorksOnlyBecauseDeleteMarkersAreNotReplicated) {
  // What if the replication rule also replicated delete markers? The replica loses the
  // object too, and syncing from it restores nothing.
  const Scenario s = load_scenario((library() / "mangu-s3-deletion-from-replica.json").string(),
                                   {"topology.s3.0.replication.0.delete_markers=true"});
  const ScenarioResults r = run(s, 200);
  // Only when the marker itself is still in flight to the replica (its lag has a tail of
  // hours) does the sync still find the object.
  EXPECT_LE(r.rto_ms.finite_count(), 6u);
  ASSERT_TRUE(r.causes.contains("the service did not recover"));
  EXPECT_GE(r.causes.at("the service did not recover").count, 190u);
}

TEST(Library, MueJamsDnsFailoverNeedsTheControlPlaneOfTheRegionThatFailed) {
  const ScenarioResults r =
      run(load_scenario((library() / "muejam-region-failure.json").string()), 300);
  ASSERT_TRUE(r.causes.contains("step dns: EndpointConnectionError"));
  EXPECT_GT(r.causes.at("step dns: EndpointConnectionError").count, 200u);
  // With the primary elsewhere (us-east-2, say), the same runbook's DNS step works.
  const Scenario moved = load_scenario(
      (library() / "muejam-region-failure.json").string(),
      {"topology.regions.0=\"us-east-2\"", "topology.rds.0.region=\"us-east-2\"",
       "topology.ecs.0.region=\"us-east-2\"", "topology.load_balancers.0.region=\"us-east-2\"",
       "failures.0.region=\"us-east-2\""});
  const ScenarioResults m = run(moved, 300);
  EXPECT_FALSE(m.causes.contains("step dns: EndpointConnectionError"));
  EXPECT_GT(m.rto_ms.finite_count(), 150u);
}

TEST(Library, MueJamsNowMinusTwoHoursRestoresCorruptDataAfterALateDetection) {
  const ScenarioResults r =
      run(load_scenario((library() / "muejam-data-corruption.json").string()), 600);
  ASSERT_TRUE(r.causes.contains("the restored data is corrupt"));
  const double share =
      static_cast<double>(r.causes.at("the restored data is corrupt").count) / 600.0;
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.5);
  // Restored in time, the copy predates the corruption by up to two hours.
  EXPECT_LT(r.rpo_ms[0].quantile(0.3), 2 * sim::kHour);
}

TEST(Library, LecturesRestoredClusterNeedsAnInstanceWhichTheRunbookNeverAdds) {
  const fs::path file = library() / "lecture-database-pitr.json";
  const ScenarioResults r = run(load_scenario(file.string()), 300);
  ASSERT_TRUE(r.causes.contains("the restored cluster has no DB instance"));
  EXPECT_GT(r.causes.at("the restored cluster has no DB instance").count, 250u);
  // The fix: add the instance after the cluster is restored.
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].push_back(
      {{"id", "add-instance"},
       {"after", {"wait"}},
       {"owner", "sre-oncall"},
       {"aws",
        "aws rds create-db-instance --db-instance-identifier lecture-acme-restored-1 "
        "--db-cluster-identifier lecture-acme-restored --engine aurora-postgresql --region "
        "eu-central-1"}});
  j["runbook"].push_back({{"id", "wait-instance"},
                          {"after", {"add-instance"}},
                          {"retries", 2},
                          {"aws",
                           "aws rds wait db-instance-available --db-instance-identifier "
                           "lecture-acme-restored-1 --region eu-central-1"}});
  j["runbook"][4]["after"] = {"wait-instance"};  // update-ecs after the instance is up
  const ScenarioResults fixed = run(parse_scenario(j.dump(), file.string()), 300);
  EXPECT_FALSE(fixed.causes.contains("the restored cluster has no DB instance"));
  EXPECT_GT(fixed.rto_ms.finite_count(), 250u);
  EXPECT_LE(fixed.rpo_ms[0].quantile(0.9), 10 * sim::kMinute)
      << "restored to 10 minutes before the corruption";
}

TEST(Library, LecturesVersionDownloadRestoresNothingButTheReplicaSyncDoes) {
  const ScenarioResults r =
      run(load_scenario((library() / "lecture-s3-version-recovery.json").string()), 300);
  EXPECT_GT(r.rto_ms.finite_count(), 290u);
  EXPECT_EQ(r.rpo_ms[0].quantile(0.95), 0);
  // Without the sync, the get-object download alone brings nothing back.
  std::ifstream in(library() / "lecture-s3-version-recovery.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].erase(2);                       // drop bulk-restore
  j["runbook"][2]["after"] = {"get-version"};  // verify right after the download
  const ScenarioResults without = run(parse_scenario(j.dump(), "no-sync.json"), 100);
  EXPECT_EQ(without.rto_ms.finite_count(), 0u);
}

TEST(Library, MaestrosS3VersionCopyWorksButDetectionDecidesTheFifteenMinutes) {
  const fs::path file = library() / "maestrohwithit-s3-deletion.json";
  const ScenarioResults r = run(load_scenario(file.string()), 400);
  EXPECT_EQ(r.rpo_ms[0].quantile(0.95), 0) << "the newest version listed is the one copied back";
  EXPECT_LT(r.rto_ms.count_at_most(15 * sim::kMinute), 400u / 2)
      << "a deletion noticed after LN(20m, 2h) misses a 15-minute RTO more often than not";
  // Noticed within two minutes, the same procedure meets it.
  const ScenarioResults quick = run(load_scenario(file.string(), {"detection.delay=\"2m\""}), 400);
  EXPECT_GT(quick.rto_ms.count_at_most(15 * sim::kMinute), 400u * 8 / 10);
}

TEST(Library, MaestrosEc2RestartWorksForHostFaultsAndTheAmiPathServesNobody) {
  const fs::path file = library() / "maestrohwithit-ec2-failure.json";
  const ScenarioResults r = run(load_scenario(file.string()), 600);
  // 30% of faults survive the restart; the new instance from the AMI is never put behind
  // the load balancer, so those trials never recover.
  ASSERT_TRUE(r.causes.contains("the service did not recover"));
  const std::uint64_t lost = r.causes.at("the service did not recover").count;
  EXPECT_GT(lost, 600u * 22 / 100);
  EXPECT_LT(lost, 600u * 38 / 100);
  EXPECT_GT(r.rto_ms.count_at_most(30 * sim::kMinute), 600u / 2) << "the restart path is quick";
  for (std::size_t i = 0; i < r.step_critical.size(); ++i)
    EXPECT_LE(r.step_critical[i], r.chain_trials) << "a share of finished runbooks";

  // Registering the new instance with the balancer completes the AMI path.
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].push_back({{"id", "register"},
                          {"after", {"launch"}},
                          {"if", "STATUS != 'ok'"},
                          {"aws",
                           "aws elbv2 register-targets --target-group-arn prod-maestrohwithit-alb "
                           "--targets Id=$NEW_INSTANCE_ID --region us-east-2"}});
  const ScenarioResults fixed = run(parse_scenario(j.dump(), file.string()), 600);
  EXPECT_FALSE(fixed.causes.contains("the service did not recover"));
  EXPECT_GT(fixed.rto_ms.finite_count(), 600u * 95 / 100);
}

TEST(Library, MangusLastKnownGoodSnapshotCostsUpToFifteenMinutesMore) {
  const fs::path file = library() / "mangu-database-corruption.json";
  const ScenarioResults r = run(load_scenario(file.string()), 400);
  // The newest 15-minute snapshot at or before "5 minutes before the corruption".
  EXPECT_GE(r.rpo_ms[0].quantile(0.02), 5 * sim::kMinute);
  EXPECT_LE(r.rpo_ms[0].quantile(0.9), 21 * sim::kMinute);
  EXPECT_GT(r.rpo_ms[0].quantile(0.9), 15 * sim::kMinute) << "the 15 min RPO is missed often";
  // The query's ${GOOD_TIME} is read as the step runs: a day earlier, a day more lost.
  const ScenarioResults older =
      run(load_scenario(file.string(), {"variables.GOOD_TIME={\"onset\": \"-1d\"}"}), 100);
  EXPECT_GT(older.rpo_ms[0].quantile(0.5), sim::kDay);
}

TEST(Library, MaestrosEksRebuildMeetsItsTwoHoursOnlyWithTheRedeploy) {
  const fs::path file = library() / "maestrohwithit-eks-failure.json";
  const ScenarioResults r = run(load_scenario(file.string()), 300);
  EXPECT_GT(r.rto_ms.count_at_most(2 * sim::kHour), 300u * 95 / 100);
  EXPECT_GT(r.rto_ms.quantile(0.5), 15 * sim::kMinute) << "Terraform waits for a new cluster";
  // A recreated cluster has no pods until the deployments are applied again.
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].erase(j["runbook"].size() - 1);  // drop the redeploy
  const ScenarioResults without = run(parse_scenario(j.dump(), file.string()), 100);
  EXPECT_EQ(without.rto_ms.finite_count(), 0u);
}

TEST(Library, MueJamsRollbackWorksOnceAndASecondUndoBringsTheBadRevisionBack) {
  const fs::path file = library() / "muejam-deployment-rollback.json";
  const ScenarioResults r = run(load_scenario(file.string()), 300);
  EXPECT_GT(r.rto_ms.count_at_most(sim::kHour), 300u * 95 / 100);
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  nlohmann::json again = j["runbook"][0];
  again["id"] = "rollback-again";
  again["after"] = {"rollback"};
  j["runbook"][1]["after"] = {"rollback-again"};
  j["runbook"].push_back(again);
  const ScenarioResults twice = run(parse_scenario(j.dump(), file.string()), 100);
  ASSERT_TRUE(twice.causes.contains("step health: probe https://api.muejam.com/health failed"));
  EXPECT_EQ(twice.rto_ms.finite_count(), 0u);
}

TEST(Library, MueJamsFreshInstancesServeOnlyThroughTheGroupAttachedToTheTargetGroup) {
  const fs::path file = library() / "muejam-application-server-failure.json";
  const ScenarioResults r = run(load_scenario(file.string()), 300);
  EXPECT_EQ(r.rto_ms.finite_count(), 300u);
  EXPECT_GT(r.rto_ms.count_at_most(sim::kHour), 300u * 95 / 100);
  std::ifstream in(file);
  const nlohmann::json j = nlohmann::json::parse(in);
  auto without = [&](std::initializer_list<const char*> ids) {
    nlohmann::json k = j;
    nlohmann::json steps = nlohmann::json::array();
    for (const nlohmann::json& step : k["runbook"]) {
      if (std::find(ids.begin(), ids.end(), step["id"].get<std::string>()) != ids.end()) continue;
      steps.push_back(step);
    }
    // Whatever came after a removed step now follows the step before it.
    for (std::size_t i = 1; i < steps.size(); ++i) steps[i]["after"] = {steps[i - 1]["id"]};
    k["runbook"] = steps;
    return k;
  };
  // The instance refresh alone also cures it (the first replacement serves)...
  EXPECT_EQ(
      run(parse_scenario(without({"scale-up"}).dump(), file.string()), 100).rto_ms.finite_count(),
      100u);
  // ...but without either, the broken instances stay the only targets.
  const ScenarioResults neither =
      run(parse_scenario(without({"scale-up", "refresh"}).dump(), file.string()), 100);
  EXPECT_EQ(neither.rto_ms.finite_count(), 0u);
  EXPECT_TRUE(neither.causes.contains("step test-app: probe https://api.muejam.com/health failed"));
  // A group not attached to the load balancer adds instances nobody sends traffic to.
  nlohmann::json detached = j;
  detached["topology"]["load_balancers"][0].erase("auto_scaling_groups");
  EXPECT_EQ(run(parse_scenario(detached.dump(), file.string()), 100).rto_ms.finite_count(), 0u);
}

TEST(Library, MangusDailyBackupCopiesRestoreInTheBackupRegionWithUpToADayLost) {
  const ScenarioResults r =
      run(load_scenario((library() / "mangu-backup-cross-region-restore.json").string()), 400);
  // The newest -backup copy is found and restored in most trials (the CLI waiter gives up on
  // a restore stuck in backing-up in the others)...
  ASSERT_GT(r.rpo_ms[0].finite_count(), 400u * 70 / 100);
  EXPECT_LT(r.rpo_ms[0].finite_count(), 400u * 90 / 100);
  // ...and daily snapshots lose what was written since the last 03:00 copy that had landed:
  // from minutes to a day and a bit, half a day typically.
  EXPECT_GT(r.rpo_ms[0].quantile(0.5), 8 * sim::kHour);
  EXPECT_LT(r.rpo_ms[0].quantile(0.5), 17 * sim::kHour);
  EXPECT_EQ(r.rpo_ms[0].count_at_most(sim::kDay + 2 * sim::kHour), r.rpo_ms[0].finite_count());
}

TEST(Library, MangusSnapshotRestoreEndsAtAnInstanceTheAppNeverUses) {
  const fs::path file = library() / "mangu-backup-snapshot-restore.json";
  const ScenarioResults r = run(load_scenario(file.string()), 200);
  EXPECT_EQ(r.rto_ms.finite_count(), 0u);
  ASSERT_TRUE(r.causes.contains("the app's configuration never names the recovered database"));
  EXPECT_GT(r.causes.at("the app's configuration never names the recovered database").count,
            200u * 70 / 100);
  // With the step the document leaves out, the same restore brings the service back.
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].push_back(
      {{"id", "point-app"},
       {"after", {"wait"}},
       {"owner", "database-admin"},
       {"aws",
        "aws secretsmanager update-secret --secret-id /mangu/production/DATABASE_URL "
        "--secret-string postgresql://app@mangu-publishing-db-restored:5432/mangu_production "
        "--region us-east-1"}});
  const ScenarioResults fixed = run(parse_scenario(j.dump(), file.string()), 200);
  EXPECT_GT(fixed.rto_ms.finite_count(), 200u * 70 / 100);
  EXPECT_EQ(fixed.rpo_ms[0].count_at_most(sim::kDay + sim::kHour), fixed.rpo_ms[0].finite_count());
}

TEST(Library, MueJamsBreachIsContainedOnlyByTheNewPasswordAndTheWafCallFailsAsWritten) {
  const fs::path file = library() / "muejam-security-breach.json";
  const Scenario scenario = load_scenario(file.string());
  const ScenarioResults r = run(scenario, 300);
  ASSERT_EQ(r.rto_ms.finite_count(), 300u);
  // Once someone looks, containment takes minutes: the exposure is the detection delay.
  EXPECT_LT(r.execution_ms.quantile(0.95), 20 * sim::kMinute);
  EXPECT_GT(r.rto_ms.quantile(0.5), r.execution_ms.quantile(0.5) + 30 * sim::kMinute);
  // The seed's `wafv2 update-ip-set` lacks --name and --lock-token: it fails every time.
  const auto block =
      static_cast<std::size_t>(std::find_if(scenario.runbook.begin(), scenario.runbook.end(),
                                            [](const Step& st) { return st.id == "block-ips"; }) -
                               scenario.runbook.begin());
  EXPECT_EQ(r.step_failed.at(block), 300u);
  // Without the password change, the leaked credentials keep working.
  std::ifstream in(file);
  nlohmann::json j = nlohmann::json::parse(in);
  j["runbook"].erase(1);
  j["runbook"][1]["after"] = {"revoke-api-keys"};
  const ScenarioResults open = run(parse_scenario(j.dump(), file.string()), 100);
  EXPECT_EQ(open.rto_ms.finite_count(), 0u);
  EXPECT_TRUE(open.causes.contains("leaked credentials were never revoked"));
}

}  // namespace
}  // namespace drsim::scenarios
