// The mock cloud: every service model behind one Backend, in virtual time, for one trial
// at a time. A runbook step's call is admitted by the region's control plane (or fails as
// AWS would when it is down, slow or throttling), checked against injected faults and
// missing permissions, then handled by the service model, which checks its preconditions on
// the simulated state.
//
// Per trial: reset(seed, trial) empties every model; the scenario engine then re-applies the
// topology and the injected failures for that trial.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/cache.hpp"
#include "models/cloud_context.hpp"
#include "models/compute.hpp"
#include "models/kms.hpp"
#include "models/people.hpp"
#include "models/rds.hpp"
#include "models/route53.hpp"
#include "models/s3.hpp"
#include "models/secrets.hpp"

namespace drsim::models {

struct OperationInfo;  // models/operations.hpp

/// A logical data store and how fast it changes: lets RPO be stated as data lost.
struct DataStore {
  std::string name;
  double writes_per_second = 0;
  std::string unit = "writes";              // what a write is ("orders", "objects", "GB")
  sim::Time corrupted_since = sim::kNever;  // logical corruption: clean points precede it
};

/// Data lost for a recovery point `rpo_ms` old: writes in that span, in the store's unit.
inline double data_lost(const DataStore& store, sim::Duration rpo_ms) {
  return store.writes_per_second * static_cast<double>(rpo_ms) / 1000.0;
}

/// An injected fault on matching calls: they fail with `error`, with `probability`.
struct OperationFault {
  std::string service, operation;  // operation empty: every operation of the service
  std::string region;              // empty: every region
  double probability = 1.0;
  AwsErrorCode error = AwsErrorCode::kServiceUnavailable;
  sim::Time from = 0, until = sim::kNever;
};

/// A missing IAM permission: matching calls fail with AccessDenied.
struct PermissionDenial {
  std::string service, operation, region;  // empty parts match everything
};

class MockCloud final : public Backend {
 public:
  MockCloud(sim::Environment& env, const Calibration& calibration, std::uint64_t seed = 1,
            std::uint64_t trial = 0);

  Outcome invoke(const Request& request) override;
  /// A poll of rds db-instance-available or ecs services-stable that the control plane
  /// admits is decided from the models' state, without building the answer.
  WaiterState poll(const Request& poll, const WaiterSpec& waiter, Outcome& out) override;
  std::optional<sim::Time> unchanged_until(const Request& describe) override {
    return forecast(describe, {});
  }
  std::optional<sim::Time> retry_until(const Request& describe, std::string_view waiter) override {
    return forecast(describe, waiter);
  }
  void skip_polls(const Request& describe, std::span<const std::uint64_t> keys,
                  std::span<sim::Duration> latencies) override;
  sim::Event* next_change() override { return changed_; }

  /// Empties every model for a new trial (the topology is applied again by the caller).
  void reset(std::uint64_t seed, std::uint64_t trial);

  CloudContext& context() { return *context_; }
  Rds& rds() { return rds_; }
  S3& s3() { return s3_; }
  Route53& route53() { return route53_; }
  Secrets& secrets() { return secrets_; }
  Compute& compute() { return compute_; }
  Kms& kms() { return kms_; }
  People& people() { return people_; }
  Caches& caches() { return caches_; }

  void add_data_store(DataStore store) { stores_.push_back(std::move(store)); }
  DataStore* data_store(std::string_view name);
  void add_fault(OperationFault fault) { faults_.push_back(std::move(fault)); }
  void deny(PermissionDenial denial) { denials_.push_back(std::move(denial)); }
  /// Names an endpoint that answers whenever its region is up (e.g. a static site).
  void add_static_endpoint(std::string name, std::string region);

  /// Whether `target` (a load balancer, a DB endpoint or instance id, a static endpoint)
  /// answers healthily at `t`: what health checks and service-health predicates probe.
  bool endpoint_healthy(std::string_view target, sim::Time t);
  /// For an endpoint that is not healthy at `t`: an instant before which it cannot be
  /// (`t` when the models cannot tell). Read after a trial, when its timelines are final.
  sim::Time endpoint_down_until(std::string_view target, sim::Time t);

 private:
  /// The region of a static endpoint named `target`, or nullptr.
  const std::string* static_endpoint_region(std::string_view target) const;
  /// What a call passes before its model handles it: the operation is known, the control
  /// plane admits it (drawing its latency), no permission is missing, no fault fails it.
  struct Admitted {
    const OperationInfo* info = nullptr;
    std::uint64_t call = 0;  // its key for the call's draws
    sim::Duration latency = 0;
  };
  /// The entry of `request`'s operation (its hint when that names it), or null.
  static const OperationInfo* operation_of(const Request& request);
  /// Admits `request` into `admitted`, or returns the outcome of the call that fails there.
  std::optional<Outcome> admit(const Request& request, Admitted& admitted);
  /// The admitted call handled by its model (invoke after admission).
  Outcome handle(const Request& request, const Admitted& admitted);
  /// unchanged_until, or with a waiter's name, retry_until.
  std::optional<sim::Time> forecast(const Request& describe, std::string_view waiter);

  std::unique_ptr<CloudContext> context_;  // first: the models hold references to it
  Kms kms_;
  Rds rds_;
  S3 s3_;
  Route53 route53_;
  Secrets secrets_;
  Compute compute_;
  People people_;
  Caches caches_;
  std::vector<DataStore> stores_;
  std::vector<OperationFault> faults_;
  std::vector<PermissionDenial> denials_;
  std::vector<std::pair<std::string, std::string>> static_endpoints_;
  std::uint64_t calls_ = 0;
  // changed_ is fired by every successful mutating call, then replaced by the next of
  // events_: the first fired_ of them were fired this trial (kept until it ends, since
  // waiters may still hold them); those after changed_ are kept from earlier trials, to be
  // armed again.
  sim::Environment& env_;
  std::vector<std::unique_ptr<sim::Event>> events_;
  std::size_t fired_ = 0;
  sim::Event* changed_ = nullptr;
  /// Makes events_[fired_] (made when there is none) pending and the one to fire next.
  void arm_next_change();
};

}  // namespace drsim::models
