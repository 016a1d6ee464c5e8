// Route 53 and DNS as clients see it: hosted zones, records (simple, alias, weighted,
// failover with health checks), changes that go PENDING -> INSYNC after propagation, and
// the answer a client holds at an instant — the one it fetched at its last cache refresh,
// up to one TTL old. That last point is why "DNS switched" and "clients switched" differ.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "models/cloud_context.hpp"
#include "sim/slot_vector.hpp"

namespace drsim::models {

struct DnsRecord {
  std::string name;            // "api.mangu-publishing.com." (normalised with a final dot)
  std::string type = "A";      // A, AAAA, CNAME; alias records keep their type
  std::string set_identifier;  // weighted / failover records
  int weight = -1;             // >= 0: weighted
  std::string failover;        // "PRIMARY" / "SECONDARY" / ""
  std::string health_check;    // id
  std::string target;          // the value or alias DNS name clients are sent to
  bool alias = false;
  sim::Duration ttl = 60 * sim::kSecond;  // alias records to an ELB: fixed 60 s
};

struct HealthCheck {
  std::string id;
  std::string target;  // what it probes (an endpoint name known to the mock cloud)
  sim::Duration interval = 30 * sim::kSecond;
  int failure_threshold = 3;
};

/// Whether `target` (an endpoint name) answers healthily at `t`; supplied by the mock cloud.
using EndpointProbe = std::function<bool(std::string_view target, sim::Time t)>;

class Route53 {
 public:
  explicit Route53(CloudContext& context) : context_(context) {}

  void add_zone(std::string_view id, std::string_view name);
  void add_record(std::string_view zone_id, const DnsRecord& record, sim::Time from = 0);
  void add_health_check(HealthCheck check);
  void set_probe(EndpointProbe probe) { probe_ = std::move(probe); }
  void clear();

  Outcome handle(const Request& request);

  /// The authoritative answer for `name` at `t` (after propagation), choosing among weighted
  /// records with `pick` in [0, 1). Empty when the name has no record. The view stays valid
  /// until the next record change.
  std::string_view authoritative_answer(std::string_view name, sim::Time t,
                                        double pick = 0.5) const;
  /// What a client holds at `t`: the answer it fetched at its last refresh. `phase` in
  /// [0, 1) places the client's refreshes within the TTL; `pick` as above. With `held_until`,
  /// also until when the client holds that answer: its first refresh after the records
  /// next change (kNever: they do not). Exact once the records' timelines are final.
  std::string_view client_answer(std::string_view name, sim::Time t, double phase,
                                 double pick = 0.5, sim::Time* held_until = nullptr) const;
  /// Whether health check `id` reports healthy at `t`.
  bool health_check_healthy(std::string_view id, sim::Time t) const;
  /// The first instant after `t` at which the authoritative answer for `name` may change (a
  /// record version appears or ends; t + 1 when health checks decide it), kNever if none.
  sim::Time answer_changes_after(std::string_view name, sim::Time t) const;
  /// The TTL clients see for `name` (the longest among its records).
  sim::Duration ttl(std::string_view name) const;

 private:
  struct Version {  // a record as it is from `visible_from` until replaced or deleted
    std::string zone;
    DnsRecord record;
    sim::Time visible_from;
    sim::Time visible_until = sim::kNever;
  };
  struct Change {
    std::string id;
    sim::Time submitted;
    sim::Time insync_at;
  };
  Outcome change_records(const Request& r);
  std::vector<const DnsRecord*> records_at(std::string_view name, sim::Time t) const;

  CloudContext& context_;
  // Rebuilt every trial in the same buffers.
  sim::SlotVector<std::pair<std::string, std::string>> zones_;  // id, name
  sim::SlotVector<Version> versions_;
  std::vector<Change> changes_;
  std::vector<HealthCheck> checks_;
  EndpointProbe probe_;
};

/// "api.example.com" -> "api.example.com."
std::string dns_name(std::string_view name);

}  // namespace drsim::models
