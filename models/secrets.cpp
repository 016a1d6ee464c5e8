#include "models/secrets.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/text.hpp"

namespace drsim::models {

using sim::kNever;
using sim::Time;

void Secrets::add_secret(const Secret& secret) {
  Secret& s = secrets_.assign_next(secret);
  if (s.versions.empty()) s.versions.push_back({"v0", "initial", 0});
}

const Secret* Secrets::find(std::string_view name, std::string_view region) const {
  std::string_view n = name;
  if (n.starts_with("arn:")) n = n.substr(n.rfind(':') + 1);
  const Secret* replica = nullptr;
  for (const Secret& s : secrets_) {
    // An ARN ends in the name plus a 6-character suffix ("-AbCdEf").
    if (!(sim::same(s.name, n) || (n.size() > 7 && sim::same(s.name, n.substr(0, n.size() - 7)))))
      continue;
    if (s.region == region) return &s;
    if (std::find(s.replica_regions.begin(), s.replica_regions.end(), region) !=
        s.replica_regions.end()) {
      replica = &s;
    }
  }
  return replica;
}

Time Secrets::visible_in(const Secret& s, const SecretVersion& v, std::string_view region) const {
  if (region == s.region) return v.written_at;
  // Replication reads from the primary region: it happens once that region is up.
  Time from = context_.data_plane_back(s.region, v.written_at);
  if (from == kNever) return kNever;
  return from + context_.draw(context_.calibration().secret_replication, "secrets/replication",
                              s.name + "/" + v.version_id + "/" + std::string(region));
}

std::string Secrets::value_seen(std::string_view name, std::string_view region, Time t) const {
  const Secret* s = find(name, region);
  std::string seen;
  if (s == nullptr) return seen;
  for (const SecretVersion& v : s->versions) {
    if (visible_in(*s, v, region) <= t) seen = v.value_label;
  }
  return seen;
}

void Secrets::compromise(std::string_view name, Time t) {
  for (Secret& s : secrets_) {
    if (s.name == name) s.compromised_since = std::min(s.compromised_since, t);
  }
}

bool Secrets::compromised(std::string_view name, std::string_view region, Time t) const {
  const Secret* s = find(name, region);
  if (s == nullptr || s->compromised_since > t) return false;
  const SecretVersion* seen = nullptr;
  for (const SecretVersion& v : s->versions) {
    if (visible_in(*s, v, region) <= t) seen = &v;
  }
  return seen == nullptr || seen->written_at < s->compromised_since;
}

Outcome Secrets::handle(const Request& r) {
  const Time t = context_.now();
  const std::string_view op = r.operation;  // compared with many literals: sizes first
  if (op == "list-secrets") {
    Array list;
    for (const Secret& s : secrets_) {
      const bool here = s.region == r.region ||
                        std::find(s.replica_regions.begin(), s.replica_regions.end(), r.region) !=
                            s.replica_regions.end();
      if (!here || s.deleted_at <= t) continue;
      list.push_back(Value::object({{"Name", s.name}, {"PrimaryRegion", s.region}}));
    }
    return Outcome::success(Value::object({{"SecretList", Value(std::move(list))}}));
  }
  const std::string id = r.text("secret-id");
  Secret* s = find(id, r.region);
  if (s == nullptr || s->deleted_at <= t) {
    return Outcome::failure(AwsErrorCode::kResourceNotFound,
                            fmt::format("Secrets Manager can't find the specified secret: {}", id));
  }
  const bool is_replica = s->region != r.region;
  if (op == "get-secret-value" || op == "describe-secret") {
    const SecretVersion* seen = nullptr;
    for (const SecretVersion& v : s->versions) {
      if (visible_in(*s, v, r.region) <= t) seen = &v;
    }
    Members m{{"Name", s->name},
              {"ARN", fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}-AbCdEf", r.region,
                                  context_.account(), s->name)},
              {"PrimaryRegion", s->region}};
    if (seen != nullptr) {
      m.emplace_back("VersionId", seen->version_id);
      // The mock never holds a credential: SecretString names what the value points at.
      if (op == "get-secret-value") m.emplace_back("SecretString", seen->value_label);
    }
    if (op == "describe-secret") m.emplace_back("RotationEnabled", s->rotations > 0);
    return Outcome::success(Value(std::move(m)));
  }
  if (op == "update-secret" || op == "put-secret-value" || op == "rotate-secret") {
    if (is_replica) {
      return Outcome::failure(
          AwsErrorCode::kInvalidParameterValue,
          fmt::format("Operation is not permitted on a replica secret in {}; its primary is in {}. "
                      "Promote it first with stop-replication-to-replica.",
                      r.region, s->region));
    }
    if (!context_.data_plane_up(s->region, t)) {
      return Outcome::failure(AwsErrorCode::kEndpointConnectionError,
                              "Could not connect to the endpoint URL");
    }
    const std::string label =
        op == "rotate-secret" ? fmt::format("rotated-{}", ++s->rotations) : r.text("secret-string");
    s->versions.push_back({"v" + std::to_string(s->versions.size()), label, t});
    return answered(r, [&] {
      return Value::object({{"Name", s->name}, {"VersionId", s->versions.back().version_id}});
    });
  }
  if (op == "stop-replication-to-replica") {
    if (!is_replica) {
      return Outcome::failure(AwsErrorCode::kInvalidParameterValue,
                              "The secret is not a replica in this region.");
    }
    // The replica becomes a standalone secret holding what had reached it.
    Secret promoted = *s;
    promoted.region = r.region;
    promoted.replica_regions.clear();
    std::erase_if(promoted.versions,
                  [&](const SecretVersion& v) { return visible_in(*s, v, r.region) > t; });
    for (SecretVersion& v : promoted.versions) v.written_at = std::min(v.written_at, t);
    std::erase(s->replica_regions, r.region);
    secrets_.push_back(std::move(promoted));
    return Outcome::success(
        Value::object({{"ARN", fmt::format("arn:aws:secretsmanager:{}:{}:secret:{}", r.region,
                                           context_.account(), id)}}));
  }
  if (op == "replicate-secret-to-regions") {
    const std::string regions = r.text("add-replica-regions");  // "Region=us-east-1"
    const auto eq = regions.find('=');
    const std::string region =
        eq == std::string::npos ? regions : regions.substr(eq + 1, regions.find(',') - eq - 1);
    s->replica_regions.push_back(region);
    return Outcome::success(Value::object({{"ARN", s->name}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model secretsmanager " + std::string(op));
}

}  // namespace drsim::models
