// ElastiCache / Redis: a cache that starts cold after a failover and warms up as
// h(t) = h_ss (1 - e^(-t/tau)); the database takes the misses meanwhile. Global Datastore
// has no automatic cross-region failover: promotion is a manual step.
#pragma once

#include <string>
#include <vector>

#include "models/cloud_context.hpp"

namespace drsim::models {

struct CacheCluster {
  std::string id, region;
  double steady_hit_ratio = 0.9;
  sim::Time warm_since = 0;  // when it started filling (kNever: not serving)
  std::string global_datastore;
  bool secondary = false;
};

class Caches {
 public:
  explicit Caches(CloudContext& context) : context_(context) {}
  void add(CacheCluster c) { clusters_.push_back(std::move(c)); }
  void clear() { clusters_.clear(); }
  Outcome handle(const Request& request);
  /// The hit ratio of cluster `id` at `t` (0 when its region is down or it is not serving).
  double hit_ratio(std::string_view id, sim::Time t) const;

 private:
  CloudContext& context_;
  std::vector<CacheCluster> clusters_;
};

}  // namespace drsim::models
