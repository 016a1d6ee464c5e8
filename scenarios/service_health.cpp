#include "scenarios/service_health.hpp"

#include "scenarios/engine.hpp"

namespace drsim::scenarios {

using sim::Time;

ServiceHealth::ServiceHealth(const Scenario& scenario, models::MockCloud& cloud,
                             const std::vector<StepRecord>& steps)
    : scenario_(scenario),
      cloud_(cloud),
      steps_(steps),
      phase_(cloud.context().uniform("dns/client-phase", scenario.service.dns)),
      pick_(cloud.context().uniform("dns/client-pick", scenario.service.dns)) {
  for (std::size_t i = 0; i < scenario.runbook.size(); ++i) {
    if (scenario.runbook[i].id == scenario.service.after_step) milestone_ = i;
  }
}

bool ServiceHealth::milestone_done(Time t) const {
  return milestone_ && steps_[*milestone_].ok && steps_[*milestone_].end <= t;
}

std::optional<ServiceHealth::Serving> ServiceHealth::serving(Time t) const {
  std::optional<Serving> best;
  auto consider = [&](const std::string& store, Time data) {
    if (!best || data > best->data_as_of) best = Serving{store, data};
  };
  for (const std::string& id : scenario_.service.databases) {
    if (const models::DbInstance* db = cloud_.rds().instance(id)) {
      if (t < db->exists_from || !models::accepts_connections(cloud_.rds().status(*db, t)))
        continue;
      if (!db->config.replica_of.empty() && db->promoted_at > t)
        continue;  // a replica serves once promoted
      consider(db->config.data_store, cloud_.rds().data_as_of(*db, t));
    } else if (const models::DbCluster* c = cloud_.rds().cluster(id)) {
      if (t < c->exists_from || !cloud_.rds().can_serve(*c, t)) continue;
      if (c->secondary && c->promoted_at > t) continue;
      consider(c->data_store, cloud_.rds().data_as_of(*c, t));
    }
  }
  return best;
}

bool ServiceHealth::clean(const std::string& data_store, Time point, Time t) const {
  const models::DataStore* store = cloud_.data_store(data_store);
  if (store == nullptr || point < store->corrupted_since) return true;
  // Repaired from a clean copy (e.g. records re-imported from a point-in-time restore)?
  if (scenario_.service.repair_source.empty() || !milestone_done(t)) return false;
  const models::DbInstance* source = cloud_.rds().instance_ever(scenario_.service.repair_source);
  return source != nullptr && source->data_as_of < store->corrupted_since;
}

bool ServiceHealth::healthy(Time t, Time* retry_at) {
  if (retry_at != nullptr) *retry_at = t;
  const Service& svc = scenario_.service;
  if (milestone_ && !milestone_done(t)) return false;
  Time answer_held_until = sim::kNever;
  const std::string_view target = cloud_.route53().client_answer(
      svc.dns, t, phase_, pick_, retry_at != nullptr ? &answer_held_until : nullptr);
  if (target.empty() || !cloud_.endpoint_healthy(target, t)) {
    // Until the client refreshes, it keeps this answer: nothing, or an endpoint that is
    // down until some instant.
    if (retry_at != nullptr) {
      *retry_at = std::min(answer_held_until,
                           target.empty() ? sim::kNever : cloud_.endpoint_down_until(target, t));
    }
    return false;
  }
  if (!svc.databases.empty()) {
    const std::optional<Serving> served = serving(t);
    if (!served) return false;
    if (!clean(served->data_store, served->data_as_of, t)) {
      corrupt_seen_ = true;
      return false;
    }
  }
  if (!svc.objects.empty()) {
    const models::Bucket* b = cloud_.s3().bucket(svc.objects_bucket);
    if (b == nullptr || b->deleted_at <= t || !cloud_.context().data_plane_up(b->region, t))
      return false;
    for (const std::string& key : svc.objects) {
      if (cloud_.s3().current(*b, key, t) == nullptr) return false;
    }
  }
  if (!svc.secret.empty() &&
      cloud_.secrets().value_seen(svc.secret, svc.secret_region, t).find(svc.secret_must_contain) ==
          std::string::npos) {
    return false;
  }
  return !leaked(t);
}

Time ServiceHealth::not_before(Time t) const {
  if (milestone_) {
    const StepRecord& m = steps_[*milestone_];
    if (!m.ok) return sim::kNever;
    t = std::max(t, m.end);
  }
  if (scenario_.service.databases.empty()) return t;
  // Some database must accept connections.
  Time first = sim::kNever;
  for (const std::string& id : scenario_.service.databases) {
    if (cloud_.rds().cluster(id) != nullptr) return t;  // no bound for Aurora clusters
    first = std::min(first, cloud_.rds().available_from(id, t));
  }
  return first;
}

const std::string* ServiceHealth::leaked(Time t) const {
  for (const Service::Credential& c : scenario_.service.contained) {
    if (!c.secret_region.empty()) {
      if (cloud_.secrets().compromised(c.name, c.secret_region, t)) return &c.name;
      continue;
    }
    const models::DbInstance* db = cloud_.rds().instance_ever(c.name);
    if (db != nullptr && db->credentials_leaked_since <= t &&
        !(db->credentials_changed_at <= t &&
          db->credentials_changed_at > db->credentials_leaked_since)) {
      return &c.name;
    }
  }
  return nullptr;
}

}  // namespace drsim::scenarios
