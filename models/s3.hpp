// S3 in the mock cloud: buckets with versioning, objects with versions and delete markers,
// cross-region replication (lag with and without Replication Time Control; delete markers
// not replicated by default; replication that can be paused or silently broken), undelete
// by removing a delete marker, copying a prior version back, and `s3 sync` between buckets.
//
// Only the objects a scenario names are tracked one by one; a replicated write appears in
// the destination bucket at its own sampled instant, so "what the replica holds" at any
// time follows from the writes and their lags without simulating the replication itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/cloud_context.hpp"

namespace drsim::models {

struct ObjectVersion {
  std::string version_id;
  sim::Time visible_from = 0;          // when it appears in this bucket
  sim::Time removed_at = sim::kNever;  // permanently deleted
  sim::Time written_at = 0;            // when it was written at its origin (for RPO)
  bool delete_marker = false;
  double size_mb = 1;
};

struct S3Object {
  std::string key;
  std::vector<ObjectVersion> versions;  // oldest first
};

struct ReplicationRule {
  std::string destination;  // bucket name
  bool replication_time_control = false;
  bool delete_marker_replication = false;  // off by default with current (V2) rules
  sim::Time broken_since = sim::kNever;    // injected: writes after this never replicate
  sim::Time paused_from = sim::kNever, paused_until = sim::kNever;
};

struct Bucket {
  std::string name;
  std::string region;
  bool versioning = false;
  sim::Time deleted_at = sim::kNever;
  std::vector<ReplicationRule> replication;
  std::vector<S3Object> objects;
  double other_data_gb = 0;  // untracked contents, for sync durations
};

class S3 {
 public:
  explicit S3(CloudContext& context) : context_(context) {}

  void add_bucket(Bucket bucket);
  /// Writes a new version of `key` at `t` (replicating it as configured).
  void put(std::string_view bucket, std::string_view key, sim::Time t, double size_mb = 1);
  /// Deletes `key` at `t` as a user would (a delete marker when versioned).
  void remove(std::string_view bucket, std::string_view key, sim::Time t);
  /// Deletes the bucket outright (failure injection).
  void delete_bucket(std::string_view bucket, sim::Time t);
  Bucket* bucket(std::string_view name);
  void clear() {
    buckets_.clear();
    versions_made_ = 0;  // version ids (and the draws keyed by them) start afresh each trial
  }

  Outcome handle(const Request& request);

  /// The current version of `key` at `t`, or null (absent, or a delete marker on top).
  const ObjectVersion* current(const Bucket& b, std::string_view key, sim::Time t) const;
  /// Keys readable at `t`.
  std::vector<std::string> keys(const Bucket& b, sim::Time t, std::string_view prefix = {}) const;

 private:
  ObjectVersion& add_version(Bucket& b, std::string_view key, ObjectVersion v);
  void replicate(const Bucket& source, std::string_view key, const ObjectVersion& v);
  Outcome sync(const Request& r);
  std::string next_version_id();

  CloudContext& context_;
  std::vector<Bucket> buckets_;
  std::uint64_t versions_made_ = 0;
};

}  // namespace drsim::models
