#include "models/waiters.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "models/operations.hpp"
#include "sim/rng.hpp"
#include "sim/text.hpp"

namespace drsim::models {
namespace {

using State = WaiterState;

/// pathAll: every element of list[].field equals `expected` (false for an empty list).
bool all_equal(const Value& list, std::string_view field, std::string_view expected) {
  if (!list.is_array() || list.size() == 0) return false;
  for (const Value& e : list.as_array()) {
    if (!e[field].is_string() || e[field].as_string() != expected) return false;
  }
  return true;
}

/// pathAny: some element of list[].field equals one of `expected`.
bool any_equal(const Value& list, std::string_view field,
               std::span<const std::string_view> expected) {
  if (!list.is_array()) return false;
  for (const Value& e : list.as_array()) {
    if (!e[field].is_string()) continue;
    for (std::string_view x : expected) {
      if (e[field].as_string() == x) return true;
    }
  }
  return false;
}

/// Errors: throttling is retried (the CLI's own retries), anything unexpected fails.
State on_error(const Outcome& o, std::initializer_list<AwsErrorCode> success_on = {}) {
  for (AwsErrorCode code : success_on) {
    if (o.error->code == code) return State::kSuccess;
  }
  return is_retryable(o.error->code) ? State::kRetry : State::kFailure;
}

constexpr std::array<std::string_view, 5> kBadInstanceStates = {
    "deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters"};
constexpr std::array<std::string_view, 4> kBusyStates = {"creating", "modifying", "rebooting",
                                                         "resetting-master-credentials"};
constexpr std::array<std::string_view, 2> kDeletedStates = {"deleted", "deleting"};
constexpr std::array<std::string_view, 1> kMissing = {"MISSING"};
constexpr std::array<std::string_view, 2> kInactive = {"DRAINING", "INACTIVE"};

State db_instance_available(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  InstancesAvailable verdict;
  const Value& list = o.result["DBInstances"];
  if (list.is_array()) {
    for (const Value& e : list.as_array()) verdict.add(e["DBInstanceStatus"].string_or());
  }
  return verdict.verdict();
}

State db_instance_deleted(const Outcome& o) {
  if (!o.ok()) return on_error(o, {AwsErrorCode::kDBInstanceNotFound});
  const Value& list = o.result["DBInstances"];
  if (all_equal(list, "DBInstanceStatus", "deleted")) return State::kSuccess;
  if (any_equal(list, "DBInstanceStatus", kBusyStates)) {
    return State::kFailure;
  }
  return State::kRetry;
}

State db_snapshot_available(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  const Value& list = o.result["DBSnapshots"];
  if (all_equal(list, "Status", "available")) return State::kSuccess;
  if (any_equal(list, "Status", kBadInstanceStates)) return State::kFailure;
  return State::kRetry;
}

State db_snapshot_completed(const Outcome& o) {
  if (!o.ok()) return on_error(o, {AwsErrorCode::kDBSnapshotNotFound});
  return all_equal(o.result["DBSnapshots"], "Status", "available") ? State::kSuccess
                                                                   : State::kRetry;
}

State db_cluster_available(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  const Value& list = o.result["DBClusters"];
  if (all_equal(list, "Status", "available")) return State::kSuccess;
  if (any_equal(list, "Status", kDeletedStates)) return State::kFailure;
  return State::kRetry;
}

State record_sets_changed(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  const Value& status = o.result["ChangeInfo"]["Status"];
  return status.is_string() && status.as_string() == "INSYNC" ? State::kSuccess : State::kRetry;
}

State services_stable(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  ServicesStable verdict;
  if (any_equal(o.result["failures"], "reason", kMissing)) verdict.missing();
  const Value& services = o.result["services"];
  if (services.is_array()) {
    for (const Value& s : services.as_array()) {
      verdict.add(s["status"].string_or(), s["deployments"].size() == 1,
                  s["runningCount"] == s["desiredCount"]);
    }
  }
  return verdict.verdict();
}

State instance_running(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  bool all_running = true, any = false;
  if (!o.result["Reservations"].is_array()) return State::kRetry;
  for (const Value& reservation : o.result["Reservations"].as_array()) {
    if (!reservation["Instances"].is_array()) continue;
    for (const Value& i : reservation["Instances"].as_array()) {
      any = true;
      const std::string& state = i["State"]["Name"].as_string();
      if (state == "shutting-down" || state == "terminated" || state == "stopping")
        return State::kFailure;
      all_running = all_running && state == "running";
    }
  }
  return any && all_running ? State::kSuccess : State::kRetry;
}

State eks_cluster_active(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  const Value& status = o.result["cluster"]["status"];
  if (!status.is_string()) return State::kRetry;
  if (status.as_string() == "ACTIVE") return State::kSuccess;
  if (status.as_string() == "DELETING" || status.as_string() == "FAILED") return State::kFailure;
  return State::kRetry;
}

State object_exists(const Outcome& o) {
  if (!o.ok()) return o.error->code == AwsErrorCode::kNoSuchKey ? State::kRetry : on_error(o);
  return State::kSuccess;
}

State target_in_service(const Outcome& o) {
  if (!o.ok()) return on_error(o);
  const Value& targets = o.result["TargetHealthDescriptions"];
  if (!targets.is_array() || targets.size() == 0) return State::kRetry;
  for (const Value& d : targets.as_array()) {
    const Value& state = d["TargetHealth"]["State"];
    if (!state.is_string() || state.as_string() != "healthy") return State::kRetry;
  }
  return State::kSuccess;
}

using sim::kSecond;
constexpr std::array<std::string_view, 1> kDbInstanceStatus = {"DBInstanceStatus"};
constexpr std::array<std::string_view, 4> kServiceCounts = {"status", "deployments", "runningCount",
                                                            "desiredCount"};
constexpr std::array kWaiters = {
    // botocore data/rds/2014-10-31/waiters-2.json
    WaiterSpec{"rds", "db-instance-available", "describe-db-instances", 30 * kSecond, 60,
               db_instance_available, kDbInstanceStatus},
    WaiterSpec{"rds", "db-instance-deleted", "describe-db-instances", 30 * kSecond, 60,
               db_instance_deleted, kDbInstanceStatus},
    WaiterSpec{"rds", "db-snapshot-available", "describe-db-snapshots", 30 * kSecond, 60,
               db_snapshot_available},
    WaiterSpec{"rds", "db-snapshot-completed", "describe-db-snapshots", 15 * kSecond, 40,
               db_snapshot_completed},
    WaiterSpec{"rds", "db-cluster-available", "describe-db-clusters", 30 * kSecond, 60,
               db_cluster_available},
    // botocore data/route53/2013-04-01/waiters-2.json
    WaiterSpec{"route53", "resource-record-sets-changed", "get-change", 30 * kSecond, 60,
               record_sets_changed},
    // botocore data/ecs/2014-11-13/waiters-2.json
    WaiterSpec{"ecs", "services-stable", "describe-services", 15 * kSecond, 40, services_stable,
               kServiceCounts},
    // botocore data/ec2/2016-11-15/waiters-2.json
    WaiterSpec{"ec2", "instance-running", "describe-instances", 15 * kSecond, 40, instance_running},
    // botocore data/eks/2017-11-01/waiters-2.json
    WaiterSpec{"eks", "cluster-active", "describe-cluster", 30 * kSecond, 40, eks_cluster_active},
    // botocore data/s3/2006-03-01/waiters-2.json
    WaiterSpec{"s3api", "object-exists", "head-object", 5 * kSecond, 20, object_exists},
    // botocore data/elbv2/2015-12-01/waiters-2.json
    WaiterSpec{"elbv2", "target-in-service", "describe-target-health", 15 * kSecond, 40,
               target_in_service},
};

/// Where the polls a waiter skips fall (see wait_for): from `next` on, each `delay` after the
/// one before is answered (`latencies`, in order), for as long as they start before `same`
/// and the waiter has attempts `left`. Their instants go into `known`; returns when the last
/// of them is answered and whether it is the waiter's last attempt. A function of its own so
/// that the loop keeps its state in registers rather than in the coroutine's frame.
std::pair<sim::Time, bool> place_skipped_polls(sim::Time next, sim::Time same, sim::Duration delay,
                                               std::span<const sim::Duration> latencies,
                                               std::size_t left, std::vector<sim::Time>& known) {
  known.resize(latencies.size());
  sim::Time* at = known.data();
  std::size_t n = 0;
  for (; next < same; ++n) {
    assert(n < latencies.size());
    at[n] = next;
    if (n + 1 >= left) {
      known.resize(n + 1);
      return {next + latencies[n], true};
    }
    next += latencies[n] + delay;
  }
  known.resize(n);
  return {next, false};
}

}  // namespace

void InstancesAvailable::add(std::string_view status) {
  any_ = true;
  all_available_ = all_available_ && status == "available";
  bad_ = bad_ || std::find(kBadInstanceStates.begin(), kBadInstanceStates.end(), status) !=
                     kBadInstanceStates.end();
}

WaiterState InstancesAvailable::verdict() const {
  if (any_ && all_available_) return State::kSuccess;  // pathAll: false for an empty list
  if (bad_) return State::kFailure;
  return State::kRetry;
}

void ServicesStable::add(std::string_view status, bool one_deployment, bool counts_match) {
  any_ = true;
  inactive_ = inactive_ || std::find(kInactive.begin(), kInactive.end(), status) != kInactive.end();
  // length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`
  stable_ = stable_ && one_deployment && counts_match;
}

WaiterState ServicesStable::verdict() const {
  if (missing_ || inactive_) return State::kFailure;
  if (!any_ || !stable_) return State::kRetry;
  return State::kSuccess;
}

WaiterState Backend::poll(const Request& poll, const WaiterSpec& waiter, Outcome& out) {
  out = invoke(poll);
  return waiter.evaluate(out);
}

std::span<const WaiterSpec> waiters() {
  return kWaiters;
}

const WaiterSpec* find_waiter(std::string_view service, std::string_view name) {
  for (const WaiterSpec& w : kWaiters) {
    if (sim::same(w.name, name) && sim::same(w.service, service)) return &w;
  }
  return nullptr;
}

sim::Task<WaitResult> wait_for(sim::Environment& env, Backend& backend, const WaiterSpec& spec,
                               Request& poll, sim::Duration delay, int max_attempts) {
  poll.service.assign(spec.service);  // in the request's own buffers where they fit
  poll.operation.assign(spec.operation);
  poll.operation_hint = find_operation(spec.service, spec.operation);
  poll.fields = spec.fields;
  WaitResult result;
  // Poll k draws its own latency (see Request::call_key), whether it is made or skipped: the
  // keys step by SplitMix64's increment, and the latencies are that generator's outputs
  // (CloudContext::keyed_latency). (A key of 0 would mean "not keyed": a chance of 2^-64.)
  const std::uint64_t key = sim::mix64(poll.call_key ^ sim::stream_id(spec.name));
  auto key_of = [&](int k) { return key + static_cast<std::uint64_t>(k) * sim::kGoldenGamma; };
  std::vector<sim::Time> known;  // instants of polls whose answer is known in advance
  for (result.attempts = 1;; ++result.attempts) {
    poll.call_key = key_of(result.attempts);
    result.state = backend.poll(poll, spec, result.last);
    // How long polls would keep answering "not yet" (asked now, before the call's latency
    // passes; a change made meanwhile fires `change`).
    const std::optional<sim::Time> same = backend.retry_until(poll, spec.name);
    sim::Event* change = backend.next_change();
    co_await env.timeout(result.last.latency);
    if (result.state != WaiterState::kRetry || result.attempts >= max_attempts) break;
    if (!same || *same <= env.now() + delay) {
      co_await env.timeout(delay);
      continue;
    }
    // Every poll before `same` would answer "not yet" again: admit them (their latencies
    // set the pace) without asking, and sleep to the first poll that could see a change —
    // unless a call changes the world first, in which case polling resumes from there.
    const sim::Time next = env.now() + delay;
    // Before `same` fit at most one poll every `delay`, and no more than the waiter has left:
    // their latencies are drawn at once (those of polls that turn out not to fit go unused).
    std::int64_t fit = max_attempts - result.attempts;
    if (delay > 0 && *same != sim::kNever) fit = std::min(fit, (*same - next) / delay + 1);
    // Their keys and latencies are used before the next co_await: the thread's scratch
    // (a simulation runs on one thread), kept from one wait to the next.
    thread_local std::vector<std::uint64_t> keys;
    thread_local std::vector<sim::Duration> latencies;
    keys.resize(static_cast<std::size_t>(fit));
    latencies.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
      keys[i] = key_of(result.attempts + 1 + static_cast<int>(i));
    backend.skip_polls(poll, keys, latencies);
    auto [end, gives_up] =
        place_skipped_polls(next, *same, delay, latencies,
                            static_cast<std::size_t>(max_attempts - result.attempts), known);
    // Polls result.attempts + 1 ... + known.size() are answered; which of them stand?
    std::size_t made = known.size();
    if (change == nullptr) {
      co_await env.until(end);
    } else if (co_await sim::any_of(env, env.until(end), *change) == 1) {
      // The world changed now: the polls before now stand, the next one is made for real.
      made = static_cast<std::size_t>(std::lower_bound(known.begin(), known.end(), env.now()) -
                                      known.begin());
      co_await env.until(made < known.size() ? known[made] : end);
      if (made < known.size()) gives_up = false;
    }
    result.attempts += static_cast<int>(made);
    if (gives_up) break;
  }
  co_return result;
}

}  // namespace drsim::models
