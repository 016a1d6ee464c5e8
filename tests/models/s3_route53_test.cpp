#include <gtest/gtest.h>

#include "tests/models/cloud_fixture.hpp"

namespace drsim::models {
namespace {

using sim::kHour;
using sim::kMinute;
using sim::kSecond;
using testing::CloudTest;
using testing::req;

class S3Test : public CloudTest {
 protected:
  void replicated_pair(bool delete_markers) {
    Bucket source{.name = "assets", .region = "us-west-2", .versioning = true};
    source.replication.push_back(
        {.destination = "assets-dr", .delete_marker_replication = delete_markers});
    cloud_.s3().add_bucket(source);
    cloud_.s3().add_bucket({.name = "assets-dr", .region = "us-east-1", .versioning = true});
  }
};

TEST_F(S3Test, AnObjectDeletedWhileDeleteMarkerReplicationIsOffIsStillInTheReplica) {
  replicated_pair(/*delete_markers=*/false);
  cloud_.s3().put("assets", "covers/1.jpg", 0);
  at(100 * kHour);  // replicated by now: even the 1% tail of the CRR lag is over by 100 h
  ASSERT_TRUE(ok(req("s3api", "head-object", "us-east-1",
                     {{"bucket", "assets-dr"}, {"key", "covers/1.jpg"}}))
                  .ok());
  ok(req("s3api", "delete-object", "us-west-2", {{"bucket", "assets"}, {"key", "covers/1.jpg"}}));
  at(now() + 100 * kHour);
  expect_error(call(req("s3api", "get-object", "us-west-2",
                        {{"bucket", "assets"}, {"key", "covers/1.jpg"}})),
               AwsErrorCode::kNoSuchKey);
  EXPECT_TRUE(call(req("s3api", "get-object", "us-east-1",
                       {{"bucket", "assets-dr"}, {"key", "covers/1.jpg"}}))
                  .ok());
}

TEST_F(S3Test, WithDeleteMarkerReplicationTheReplicaLosesItToo) {
  replicated_pair(/*delete_markers=*/true);
  cloud_.s3().put("assets", "covers/1.jpg", 0);
  cloud_.s3().remove("assets", "covers/1.jpg", kHour);
  at(200 * kHour);
  expect_error(call(req("s3api", "get-object", "us-east-1",
                        {{"bucket", "assets-dr"}, {"key", "covers/1.jpg"}})),
               AwsErrorCode::kNoSuchKey);
}

TEST_F(S3Test, RemovingTheDeleteMarkerUndeletesAndPermanentDeletesAreFinal) {
  replicated_pair(false);
  cloud_.s3().put("assets", "a", 0);
  cloud_.s3().put("assets", "a", kMinute);
  cloud_.s3().remove("assets", "a", 2 * kMinute);
  at(kHour);
  const Outcome listed = ok(
      req("s3api", "list-object-versions", "us-west-2", {{"bucket", "assets"}, {"prefix", "a"}}));
  ASSERT_EQ(listed.result["DeleteMarkers"].size(), 1u);
  ASSERT_EQ(listed.result["Versions"].size(), 2u);
  // Newest first, as S3 lists them: the marker is the latest; the versions are not.
  EXPECT_TRUE(listed.result["DeleteMarkers"].at(0)["IsLatest"].as_bool());
  EXPECT_FALSE(listed.result["Versions"].at(0)["IsLatest"].as_bool());
  EXPECT_EQ(listed.result["Versions"].at(0)["LastModified"].as_time().at, kMinute);
  EXPECT_EQ(listed.result["Versions"].at(1)["LastModified"].as_time().at, 0);
  const std::string marker = listed.result["DeleteMarkers"].at(0)["VersionId"].as_string();
  ok(req("s3api", "delete-object", "us-west-2",
         {{"bucket", "assets"}, {"key", "a"}, {"version-id", marker}}));
  const Outcome back =
      ok(req("s3api", "head-object", "us-west-2", {{"bucket", "assets"}, {"key", "a"}}));
  EXPECT_EQ(back.result["VersionId"].as_string(),
            listed.result["Versions"].at(0)["VersionId"].as_string());
  // Permanently deleting both versions leaves nothing to recover.
  for (const Value& v : listed.result["Versions"].as_array()) {
    ok(req("s3api", "delete-object", "us-west-2",
           {{"bucket", "assets"}, {"key", "a"}, {"version-id", v["VersionId"]}}));
  }
  expect_error(call(req("s3api", "head-object", "us-west-2", {{"bucket", "assets"}, {"key", "a"}})),
               AwsErrorCode::kNoSuchKey);
}

TEST_F(S3Test, CopyingAPriorVersionRestoresItsContent) {
  replicated_pair(false);
  cloud_.s3().put("assets", "a", 0);
  at(kMinute);
  const std::string first =
      ok(req("s3api", "list-object-versions", "us-west-2", {{"bucket", "assets"}}))
          .result["Versions"]
          .at(0)["VersionId"]
          .as_string();
  cloud_.s3().put("assets", "a", 2 * kMinute);  // overwritten by a bad deploy
  at(3 * kMinute);
  ok(req("s3api", "copy-object", "us-west-2",
         {{"bucket", "assets"}, {"key", "a"}, {"copy-source", "assets/a?versionId=" + first}}));
  const ObjectVersion* current = cloud_.s3().current(*cloud_.s3().bucket("assets"), "a", now());
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->written_at, 0) << "the content is the first version's";
}

TEST_F(S3Test, SilentlyBrokenReplicationStillReportsEnabled) {
  replicated_pair(false);
  cloud_.s3().bucket("assets")->replication[0].broken_since = kHour;
  cloud_.s3().put("assets", "early", 0);
  cloud_.s3().put("assets", "late", 2 * kHour);
  at(30 * kHour);
  const Outcome config =
      ok(req("s3api", "get-bucket-replication", "us-west-2", {{"bucket", "assets"}}));
  EXPECT_EQ(config.result["ReplicationConfiguration"]["Rules"].at(0)["Status"].as_string(),
            "Enabled");
  EXPECT_TRUE(
      call(req("s3api", "head-object", "us-east-1", {{"bucket", "assets-dr"}, {"key", "early"}}))
          .ok());
  expect_error(
      call(req("s3api", "head-object", "us-east-1", {{"bucket", "assets-dr"}, {"key", "late"}})),
      AwsErrorCode::kNoSuchKey);
}

TEST_F(S3Test, SyncFromTheReplicaTakesTimeBySizeAndLandsAtTheEnd) {
  replicated_pair(false);
  cloud_.s3().bucket("assets-dr")->other_data_gb = 10;
  cloud_.s3().put("assets", "a", 0, 5);
  at(20 * kHour);
  cloud_.s3().delete_bucket("assets", now());
  expect_error(call(req("s3api", "head-object", "us-west-2", {{"bucket", "assets"}, {"key", "a"}})),
               AwsErrorCode::kNoSuchBucket);
  cloud_.s3().add_bucket({.name = "assets-new", .region = "us-west-2", .versioning = true});
  const Outcome sync = ok(req("s3", "sync", "us-west-2",
                              {{"source", "s3://assets-dr"}, {"destination", "s3://assets-new"}}));
  // 10 GB + 5 MB at 100 MB/s is about 102 s, plus the API latency.
  EXPECT_GE(sync.latency, 102 * kSecond);
  EXPECT_LT(sync.latency, 120 * kSecond);
  EXPECT_EQ(cloud_.s3().current(*cloud_.s3().bucket("assets-new"), "a", now()), nullptr);
  // With --exclude "*" --include "docs/*" only those keys move, and quickly.
  cloud_.s3().put("assets", "docs/x", now(), 2);
  at(now() + 200 * kHour);
  const Outcome narrow = ok(req("s3", "sync", "us-west-2",
                                {{"source", "s3://assets-dr"},
                                 {"destination", "s3://assets-new"},
                                 {"exclude", "*"},
                                 {"include", "docs/*"}}));
  EXPECT_EQ(narrow.result["Copied"], Value(1));
  EXPECT_LT(narrow.latency, 10 * kSecond) << "2 MB, not the 10 GB of untracked contents";
  EXPECT_NE(cloud_.s3().current(*cloud_.s3().bucket("assets-new"), "a", now() + sync.latency),
            nullptr);
}

class Route53Test : public CloudTest {
 protected:
  Route53Test() {
    cloud_.route53().add_zone("Z123", "mangu-publishing.com");
    cloud_.route53().add_record("Z123", {.name = "api.mangu-publishing.com",
                                         .type = "CNAME",
                                         .target = "alb-us-west-2",
                                         .ttl = 60 * kSecond});
  }
  Value upsert_to(const std::string& target) {
    return Value::object(
        {{"Changes", Value(Array{Value::object(
                         {{"Action", "UPSERT"},
                          {"ResourceRecordSet",
                           Value::object({{"Name", "api.mangu-publishing.com"},
                                          {"Type", "CNAME"},
                                          {"TTL", 60},
                                          {"ResourceRecords", Value(Array{Value::object(
                                                                  {{"Value", target}})})}})}})})}});
  }
};

TEST_F(Route53Test, AChangeGoesFromPendingToInSyncAfterPropagation) {
  at(kHour);
  const Outcome change = ok(
      req("route53", "change-resource-record-sets", "us-east-1",
          {{"hosted-zone-id", "/hostedzone/Z123"}, {"change-batch", upsert_to("alb-us-east-1")}}));
  const std::string id = change.result["ChangeInfo"]["Id"].as_string();
  EXPECT_EQ(change.result["ChangeInfo"]["Status"].as_string(), "PENDING");
  EXPECT_EQ(cloud_.route53().authoritative_answer("api.mangu-publishing.com", now()),
            "alb-us-west-2");
  at(now() + 30 * kMinute);
  EXPECT_EQ(ok(req("route53", "get-change", "us-east-1", {{"id", id}}))
                .result["ChangeInfo"]["Status"]
                .as_string(),
            "INSYNC");
  EXPECT_EQ(cloud_.route53().authoritative_answer("api.mangu-publishing.com", now()),
            "alb-us-east-1");
}

TEST_F(Route53Test, ChangeIdsCountInTwelveHexadecimalDigitsAndEachCanBeFetched) {
  at(kHour);
  std::vector<std::string> ids;
  for (int i = 0; i < 17; ++i) {
    const Outcome change =
        ok(req("route53", "change-resource-record-sets", "us-east-1",
               {{"hosted-zone-id", "Z123"},
                {"change-batch", upsert_to(i % 2 == 0 ? "alb-us-east-1" : "alb-us-west-2")}}));
    ids.push_back(change.result["ChangeInfo"]["Id"].as_string());
  }
  EXPECT_EQ(ids[0], "/change/C000000000001");
  EXPECT_EQ(ids[9], "/change/C00000000000A");
  EXPECT_EQ(ids[15], "/change/C000000000010");
  EXPECT_EQ(ids[16], "/change/C000000000011");
  for (const std::string& id : ids) {
    EXPECT_EQ(ok(req("route53", "get-change", "us-east-1", {{"id", id}}))
                  .result["ChangeInfo"]["Id"]
                  .as_string(),
              id);
  }
}

TEST_F(Route53Test, NamesAreCaseInsensitiveWithOrWithoutTheFinalDot) {
  EXPECT_EQ(dns_name("API.Mangu-Publishing.COM"), "api.mangu-publishing.com.");
  EXPECT_EQ(dns_name("api.mangu-publishing.com."), "api.mangu-publishing.com.");
  EXPECT_EQ(dns_name("Z9-_.x"), "z9-_.x.");
  EXPECT_EQ(dns_name(""), ".");
  EXPECT_EQ(dns_name("."), ".");
  cloud_.route53().add_record(
      "Z123",
      {.name = "WWW.Mangu-Publishing.com.", .type = "CNAME", .target = "cdn", .ttl = 60 * kSecond});
  EXPECT_EQ(cloud_.route53().authoritative_answer("www.mangu-publishing.com", kHour), "cdn");
  EXPECT_EQ(cloud_.route53().authoritative_answer("WWW.MANGU-PUBLISHING.COM.", kHour), "cdn");
  EXPECT_EQ(cloud_.route53().authoritative_answer("www.mangu-publishing.co", kHour), "");
}

TEST_F(Route53Test, AClientKeepsResolvingTheOldAddressUntilItsTtlExpires) {
  at(kHour);
  ok(req("route53", "change-resource-record-sets", "us-east-1",
         {{"hosted-zone-id", "Z123"}, {"change-batch", upsert_to("alb-us-east-1")}}));
  // Find when the change became authoritative.
  sim::Time switched = now();
  while (cloud_.route53().authoritative_answer("api.mangu-publishing.com", switched) !=
         "alb-us-east-1")
    switched += 100;
  // A client whose cache was refreshed just before the switch holds the old answer for a
  // full TTL; one refreshed just after sees the new one at once. Over clients spread evenly
  // across the TTL, the delay is uniform on [0, TTL): mean 30 s, maximum near 60 s.
  double total = 0, longest = 0;
  constexpr int kClients = 100;
  for (int c = 0; c < kClients; ++c) {
    const double phase = (c + 0.5) / kClients;
    sim::Time t = switched;
    while (cloud_.route53().client_answer("api.mangu-publishing.com", t, phase) != "alb-us-east-1")
      t += 100;
    EXPECT_LE(t - switched, 60 * kSecond) << "phase " << phase;
    if (t > switched) {
      EXPECT_EQ(cloud_.route53().client_answer("api.mangu-publishing.com", t - 100, phase),
                "alb-us-west-2");
    }
    total += static_cast<double>(t - switched);
    longest = std::max(longest, static_cast<double>(t - switched));
  }
  EXPECT_NEAR(total / kClients, 30.0 * kSecond, 2.0 * kSecond);
  EXPECT_GT(longest, 55.0 * kSecond);
}

TEST_F(Route53Test, AClientHoldsItsAnswerUntilItsFirstRefreshAfterTheRecordsChange) {
  at(kHour);
  ok(req("route53", "change-resource-record-sets", "us-east-1",
         {{"hosted-zone-id", "Z123"}, {"change-batch", upsert_to("alb-us-east-1")}}));
  const std::string name = "api.mangu-publishing.com";
  for (const double phase : {0.05, 0.5, 0.95}) {
    sim::Time held = 0;
    const sim::Time start = 2 * kMinute;  // the record exists from 0: refreshed since
    const std::string before(cloud_.route53().client_answer(name, start, phase, 0.5, &held));
    EXPECT_EQ(before, "alb-us-west-2");
    ASSERT_GT(held, kHour) << "the change was made at 1 h";
    ASSERT_LT(held, kHour + 5 * kMinute) << "propagation plus one TTL";
    // The same answer at every instant until then (sampled each second), the new one from then.
    for (sim::Time t = start; t < held; t += kSecond)
      ASSERT_EQ(cloud_.route53().client_answer(name, t, phase), before) << t;
    EXPECT_EQ(cloud_.route53().client_answer(name, held - 1, phase), before);
    sim::Time after_held = 0;
    EXPECT_EQ(cloud_.route53().client_answer(name, held, phase, 0.5, &after_held), "alb-us-east-1");
    EXPECT_EQ(after_held, sim::kNever) << "no further change: held for good";
  }
}

TEST_F(Route53Test, FailoverRecordsFollowTheHealthCheckWithItsThreshold) {
  cloud_.route53().add_zone("Z9", "example.com");
  cloud_.route53().add_health_check(
      {.id = "hc-west", .target = "web-west", .interval = 30 * kSecond, .failure_threshold = 3});
  cloud_.route53().add_record("Z9", {.name = "www.example.com",
                                     .set_identifier = "west",
                                     .failover = "PRIMARY",
                                     .health_check = "hc-west",
                                     .target = "web-west"});
  cloud_.route53().add_record("Z9", {.name = "www.example.com",
                                     .set_identifier = "east",
                                     .failover = "SECONDARY",
                                     .target = "web-east"});
  cloud_.add_static_endpoint("web-west", "us-west-2");
  cloud_.add_static_endpoint("web-east", "us-east-1");
  const sim::Time outage = 2 * kHour;
  cloud_.context().disrupt({Disruption::kRegionDown, "us-west-2", "", outage, outage + kHour});
  EXPECT_EQ(cloud_.route53().authoritative_answer("www.example.com", outage + 10 * kSecond),
            "web-west")
      << "three failed checks are needed first";
  EXPECT_EQ(cloud_.route53().authoritative_answer("www.example.com", outage + 2 * kMinute),
            "web-east");
  EXPECT_EQ(cloud_.route53().authoritative_answer("www.example.com", outage + kHour + 3 * kMinute),
            "web-west");
}

TEST_F(Route53Test, TheRecordApiFailsWhenUsEast1sControlPlaneIsDownWhileDnsKeepsAnswering) {
  cloud_.context().disrupt({Disruption::kControlPlaneDown, "us-east-1", "", 0, sim::kNever});
  at(kHour);
  expect_error(
      call(req("route53", "change-resource-record-sets", "us-west-2",
               {{"hosted-zone-id", "Z123"}, {"change-batch", upsert_to("alb-us-east-1")}})),
      AwsErrorCode::kEndpointConnectionError);
  // What the CLI prints: the endpoint of the region that serves the call.
  const Outcome down = call(req("route53", "change-resource-record-sets", "us-west-2",
                                {{"hosted-zone-id", "Z123"}, {"change-batch", upsert_to("x")}}));
  ASSERT_TRUE(down.error);
  EXPECT_EQ(down.error->message,
            "Could not connect to the endpoint URL: \"https://route53.us-east-1.amazonaws.com/\"");
  EXPECT_EQ(cloud_.route53().authoritative_answer("api.mangu-publishing.com", now()),
            "alb-us-west-2");
}

}  // namespace
}  // namespace drsim::models
