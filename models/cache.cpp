#include "models/cache.hpp"

#include <fmt/format.h>

#include <cmath>

namespace drsim::models {

double Caches::hit_ratio(std::string_view id, sim::Time t) const {
  for (const CacheCluster& c : clusters_) {
    if (c.id != id) continue;
    if (c.secondary || t < c.warm_since || !context_.data_plane_up(c.region, t)) return 0.0;
    const double tau = static_cast<double>(context_.calibration().cache_warm_tau);
    return c.steady_hit_ratio * (1 - std::exp(-static_cast<double>(t - c.warm_since) / tau));
  }
  return 0.0;
}

Outcome Caches::handle(const Request& r) {
  const sim::Time t = context_.now();
  if (r.operation == "describe-replication-groups" || r.operation == "describe-cache-clusters") {
    Array list;
    for (const CacheCluster& c : clusters_) {
      if (c.region != r.region) continue;
      list.push_back(Value::object(
          {{"ReplicationGroupId", c.id},
           {"Status", context_.data_plane_up(c.region, t) ? "available" : "unavailable"}}));
    }
    return Outcome::success(Value::object({{"ReplicationGroups", Value(std::move(list))}}));
  }
  if (r.operation == "failover-global-replication-group") {
    const std::string global = r.text("global-replication-group-id");
    const std::string target_region = r.text("primary-region");
    for (CacheCluster& c : clusters_) {
      if (c.global_datastore != global) continue;
      if (c.region == target_region) {
        // Promotion: serving from now, but with only what had replicated — modelled as cold.
        c.secondary = false;
        c.warm_since =
            t + context_.draw(context_.calibration().replica_promotion, "cache/promote", c.id);
      } else {
        c.secondary = true;
      }
    }
    return Outcome::success(Value::object(
        {{"GlobalReplicationGroup", Value::object({{"GlobalReplicationGroupId", global}})}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model elasticache " + r.operation);
}

}  // namespace drsim::models
