// Secrets Manager: secrets with a primary region and replicas that follow it asynchronously.
// A replica is read-only: updating it fails until it is promoted (stop-replication-to-replica)
// — a step DR runbooks written against a healthy primary tend to miss.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/cloud_context.hpp"
#include "sim/slot_vector.hpp"

namespace drsim::models {

struct SecretVersion {
  std::string version_id;
  std::string value_label;  // what the value is about ("db=prod-db-dr"); never a credential
  sim::Time written_at = 0;
};

struct Secret {
  std::string name;
  std::string region;  // primary
  std::vector<std::string> replica_regions;
  std::vector<SecretVersion> versions;  // written in the primary, oldest first
  sim::Time deleted_at = sim::kNever;
  sim::Time compromised_since = sim::kNever;  // versions written before it are leaked
  std::uint32_t rotations = 0;
};

class Secrets {
 public:
  explicit Secrets(CloudContext& context) : context_(context) {}
  void add_secret(const Secret& secret);
  void clear() { secrets_.clear(); }
  Outcome handle(const Request& request);

  /// The value label a reader in `region` sees at `t` (replicas lag the primary).
  std::string value_seen(std::string_view name, std::string_view region, sim::Time t) const;
  /// Failure injection: the secret's credentials leak at `t`.
  void compromise(std::string_view name, sim::Time t);
  /// Whether a reader in `region` still sees a leaked version at `t` (not yet rotated).
  bool compromised(std::string_view name, std::string_view region, sim::Time t) const;

 private:
  /// The secret `name` as seen from `region`: the one whose primary is there, else the one
  /// replicated there (after a promotion both exist under one name).
  const Secret* find(std::string_view name, std::string_view region) const;
  Secret* find(std::string_view name, std::string_view region) {
    return const_cast<Secret*>(std::as_const(*this).find(name, region));
  }
  sim::Time visible_in(const Secret& s, const SecretVersion& v, std::string_view region) const;
  CloudContext& context_;
  sim::SlotVector<Secret> secrets_;  // rebuilt every trial in the same buffers
};

}  // namespace drsim::models
