#include "scenarios/discover.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "models/value.hpp"

namespace drsim::scenarios {
namespace {

using json = nlohmann::json;
using models::Value;

constexpr double kMaxSnapshotAgeHours = 24;  // the seeds' check: "latest snapshot < 24 hours old"

/// The elements of an array member, none when AWS left it out.
const models::Array& items(const Value& v) {
  static const models::Array kNone;
  return v.is_array() ? v.as_array() : kNone;
}

std::string text(const Value& v) {
  return std::string(v.string_or());
}

/// The last segment of an ARN or path ("arn:aws:s3:::b" -> "b", "/hostedzone/Z1" -> "Z1").
std::string last_part(const std::string& s, char sep) {
  const auto at = s.rfind(sep);
  return at == std::string::npos ? s : s.substr(at + 1);
}

std::string without_dot(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

class Reader {
 public:
  Reader(models::Backend& backend, Discovery& d) : backend_(backend), d_(d) {}

  /// The call's result, or nullopt (and a warning) when it failed.
  std::optional<Value> call(std::string service, std::string operation, std::string region,
                            std::vector<models::Param> params = {}, bool quiet_on_error = false) {
    models::Request r{.service = std::move(service),
                      .operation = std::move(operation),
                      .region = std::move(region),
                      .params = std::move(params)};
    models::Outcome o = backend_.invoke(r);
    if (o.ok()) return std::move(o.result);
    if (!quiet_on_error)
      d_.warnings.push_back(fmt::format("{}: {}", r.describe(), o.error->describe()));
    return std::nullopt;
  }

 private:
  models::Backend& backend_;
  Discovery& d_;
};

}  // namespace

Discovery discover(models::Backend& backend, const std::vector<std::string>& regions,
                   std::chrono::system_clock::time_point now) {
  Discovery d;
  Reader read(backend, d);
  const std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  json topology = {{"regions", regions}};
  json rds = json::array(), snapshots = json::array(), ecs = json::array(), secrets = json::array(),
       s3 = json::array();
  struct Snap {
    std::string id, instance, region, status, source;
    double age_hours;
  };
  std::vector<Snap> snaps;
  std::vector<std::pair<std::string, std::string>> primaries;  // instance, region

  for (const std::string& region : regions) {
    // RDS instances and their snapshots (manual and automated).
    if (auto r = read.call("rds", "describe-db-instances", region)) {
      for (const Value& db : items((*r)["DBInstances"])) {
        json e = {{"id", text(db["DBInstanceIdentifier"])}, {"region", region}};
        if (db["Engine"].is_string()) e["engine"] = text(db["Engine"]);
        if (db["DBInstanceClass"].is_string()) e["class"] = text(db["DBInstanceClass"]);
        if (db["AllocatedStorage"].is_number()) e["size_gb"] = db["AllocatedStorage"].as_int();
        if (db["MultiAZ"].type() == Value::Type::kBool) e["multi_az"] = db["MultiAZ"].as_bool();
        if (db["StorageEncrypted"].type() == Value::Type::kBool)
          e["encrypted"] = db["StorageEncrypted"].as_bool();
        if (db["BackupRetentionPeriod"].is_number())
          e["backup_retention_days"] = db["BackupRetentionPeriod"].as_int();
        if (const std::string src = text(db["ReadReplicaSourceDBInstanceIdentifier"]); !src.empty())
          e["replica_of"] = last_part(src, ':');
        else
          primaries.emplace_back(e["id"], region);
        rds.push_back(std::move(e));
      }
    }
    if (auto r = read.call("rds", "describe-db-snapshots", region)) {
      for (const Value& s : items((*r)["DBSnapshots"])) {
        const auto created = models::time_of(s["SnapshotCreateTime"], 0);
        Snap x{text(s["DBSnapshotIdentifier"]),
               text(s["DBInstanceIdentifier"]),
               region,
               text(s["Status"]),
               text(s["SourceDBSnapshotIdentifier"]),
               created ? static_cast<double>(now_ms - *created) / 3.6e6 : -1};
        json e = {{"id", x.id},
                  {"instance", x.instance},
                  {"region", region},
                  {"status", x.status},
                  {"type", text(s["SnapshotType"])},
                  {"created", text(s["SnapshotCreateTime"])}};
        if (x.age_hours >= 0) e["age_hours"] = std::round(x.age_hours * 10) / 10;
        if (!x.source.empty()) e["copied_from"] = x.source;
        snapshots.push_back(std::move(e));
        snaps.push_back(std::move(x));
      }
    }
    // ECS services.
    if (auto clusters = read.call("ecs", "list-clusters", region)) {
      for (const Value& arn : items((*clusters)["clusterArns"])) {
        const auto services = read.call("ecs", "list-services", region, {{"cluster", arn}});
        if (!services || (*services)["serviceArns"].size() == 0) continue;
        const models::Array& all = items((*services)["serviceArns"]);
        for (std::size_t i = 0; i < all.size(); i += 10) {  // describe-services takes 10 at most
          models::Array batch(
              all.begin() + static_cast<std::ptrdiff_t>(i),
              all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + 10)));
          const auto described =
              read.call("ecs", "describe-services", region,
                        {{"cluster", arn}, {"services", Value(std::move(batch))}});
          if (!described) continue;
          for (const Value& svc : items((*described)["services"])) {
            ecs.push_back(
                {{"cluster", last_part(text(arn), '/')},
                 {"name", text(svc["serviceName"])},
                 {"region", region},
                 {"desired", svc["desiredCount"].is_number() ? svc["desiredCount"].as_int() : 0}});
          }
        }
      }
    }
    // Secrets: names and replica regions, never their values.
    if (auto r = read.call("secretsmanager", "list-secrets", region)) {
      for (const Value& s : items((*r)["SecretList"])) {
        json e = {{"name", text(s["Name"])}, {"region", region}};
        json replicas = json::array();
        for (const Value& rep : items(s["ReplicationStatus"]))
          replicas.push_back(text(rep["Region"]));
        if (!replicas.empty()) e["replicas"] = replicas;
        secrets.push_back(std::move(e));
      }
    }
  }

  // S3 buckets in the regions asked for, with versioning and replication rules.
  if (auto r = read.call("s3api", "list-buckets", regions.front())) {
    for (const Value& b : items((*r)["Buckets"])) {
      const std::string name = text(b["Name"]);
      const auto where =
          read.call("s3api", "get-bucket-location", regions.front(), {{"bucket", Value(name)}});
      std::string region = where ? text((*where)["LocationConstraint"]) : "";
      if (region.empty()) region = "us-east-1";  // how S3 says us-east-1
      if (std::find(regions.begin(), regions.end(), region) == regions.end()) continue;
      json e = {{"name", name}, {"region", region}};
      const auto versioning =
          read.call("s3api", "get-bucket-versioning", region, {{"bucket", Value(name)}});
      const bool versioned = versioning && text((*versioning)["Status"]) == "Enabled";
      e["versioning"] = versioned;
      json rules = json::array();
      if (auto rep = read.call("s3api", "get-bucket-replication", region, {{"bucket", Value(name)}},
                               /*quiet_on_error=*/true)) {
        for (const Value& rule : items((*rep)["ReplicationConfiguration"]["Rules"])) {
          if (text(rule["Status"]) == "Disabled") continue;
          json x = {{"destination", last_part(text(rule["Destination"]["Bucket"]), ':')}};
          if (rule["Destination"]["ReplicationTime"].is_object())
            x["rtc"] = text(rule["Destination"]["ReplicationTime"]["Status"]) == "Enabled";
          if (rule["DeleteMarkerReplication"].is_object())
            x["delete_markers"] = text(rule["DeleteMarkerReplication"]["Status"]) == "Enabled";
          rules.push_back(std::move(x));
        }
      }
      if (!rules.empty()) e["replication"] = rules;
      d.checks.push_back(
          {"versioning on: " + name, versioned, versioned ? "Enabled" : "not enabled"});
      d.checks.push_back(
          {"replication configured: " + name, !rules.empty(),
           rules.empty() ? "no replication rule"
                         : fmt::format("to {}", rules.front()["destination"].get<std::string>())});
      s3.push_back(std::move(e));
    }
  }

  // Route 53 (global): zones and their A, AAAA and CNAME records.
  json zones = json::array(), records = json::array();
  if (auto r = read.call("route53", "list-hosted-zones", regions.front())) {
    for (const Value& z : items((*r)["HostedZones"])) {
      const std::string id = last_part(text(z["Id"]), '/');
      zones.push_back({{"id", id}, {"name", without_dot(text(z["Name"]))}});
      const auto sets = read.call("route53", "list-resource-record-sets", regions.front(),
                                  {{"hosted-zone-id", Value(id)}});
      if (!sets) continue;
      for (const Value& rr : items((*sets)["ResourceRecordSets"])) {
        const std::string type = text(rr["Type"]);
        if (type != "A" && type != "AAAA" && type != "CNAME") continue;
        const bool alias = rr["AliasTarget"].is_object();
        const std::string target = alias ? without_dot(text(rr["AliasTarget"]["DNSName"]))
                                   : rr["ResourceRecords"].size() > 0
                                       ? text(rr["ResourceRecords"].at(0)["Value"])
                                       : "";
        json e = {{"zone", id},
                  {"name", without_dot(text(rr["Name"]))},
                  {"type", type},
                  {"target", target}};
        if (alias) e["alias"] = true;
        if (rr["TTL"].is_number() && !alias) e["ttl"] = fmt::format("{}s", rr["TTL"].as_int());
        if (rr["SetIdentifier"].is_string()) e["set_identifier"] = text(rr["SetIdentifier"]);
        if (rr["Weight"].is_number()) e["weight"] = rr["Weight"].as_int();
        if (rr["Failover"].is_string()) e["failover"] = text(rr["Failover"]);
        if (rr["HealthCheckId"].is_string()) e["health_check"] = text(rr["HealthCheckId"]);
        records.push_back(std::move(e));
      }
    }
  }

  // The seeds' backup checks, per primary instance.
  for (const auto& [instance, region] : primaries) {
    const Snap* latest = nullptr;
    for (const Snap& s : snaps) {
      if (s.instance == instance && s.region == region && s.age_hours >= 0 &&
          (latest == nullptr || s.age_hours < latest->age_hours))
        latest = &s;
    }
    if (latest == nullptr) {
      d.checks.push_back({"latest snapshot of " + instance, false, "no snapshot"});
    } else {
      const bool ok = latest->status == "available" && latest->age_hours < kMaxSnapshotAgeHours;
      d.checks.push_back(
          {"latest snapshot of " + instance, ok,
           fmt::format("{}, {}, {:.1f} h old (must be available and < {:.0f} h)", latest->id,
                       latest->status, latest->age_hours, kMaxSnapshotAgeHours)});
    }
    // A snapshot in another region of the same instance, or copied from one of its snapshots.
    const auto copy = std::find_if(snaps.begin(), snaps.end(), [&](const Snap& s) {
      if (s.region == region) return false;
      if (s.instance == instance) return true;
      return std::any_of(snaps.begin(), snaps.end(), [&](const Snap& own) {
        return own.instance == instance && own.region == region && !s.source.empty() &&
               last_part(s.source, ':') == own.id;
      });
    });
    d.checks.push_back({"cross-region copy of " + instance + "'s snapshots", copy != snaps.end(),
                        copy == snaps.end()
                            ? "none in " + fmt::format("{}", fmt::join(regions, ", "))
                            : fmt::format("{} in {}", copy->id, copy->region)});
  }

  topology["rds"] = rds;
  if (!s3.empty()) topology["s3"] = s3;
  topology["dns"] = {{"zones", zones}, {"records", records}};
  if (!ecs.empty()) topology["ecs"] = ecs;
  if (!secrets.empty()) topology["secrets"] = secrets;
  json checks = json::array();
  for (const BackupCheck& c : d.checks)
    checks.push_back({{"check", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  d.file = {{"//", fmt::format("drsim discover, {} UTC: the account's state in {}; include it from "
                               "a scenario (\"include\": [this file])",
                               models::iso8601(now_ms, 0), fmt::join(regions, ", "))},
            {"topology", topology},
            {"_snapshots", snapshots},
            {"_backup_checks", checks}};
  return d;
}

}  // namespace drsim::scenarios
