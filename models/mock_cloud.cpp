#include "models/mock_cloud.hpp"

#include <fmt/format.h>

#include <cassert>

#include "models/operations.hpp"
#include "models/waiters.hpp"
#include "sim/text.hpp"

namespace drsim::models {
namespace {

bool matches(const std::string& pattern, const std::string& value) {
  return pattern.empty() || pattern == value;
}

}  // namespace

MockCloud::MockCloud(sim::Environment& env, const Calibration& calibration, std::uint64_t seed,
                     std::uint64_t trial)
    : context_(std::make_unique<CloudContext>(env, calibration, seed, trial)),
      rds_(*context_, kms_),
      s3_(*context_),
      route53_(*context_),
      secrets_(*context_),
      compute_(*context_),
      people_(*context_),
      caches_(*context_),
      env_(env) {
  arm_next_change();
  route53_.set_probe(
      [this](std::string_view target, sim::Time t) { return endpoint_healthy(target, t); });
}

void MockCloud::reset(std::uint64_t seed, std::uint64_t trial) {
  context_->reset_trial(seed, trial);
  kms_.clear();
  rds_.clear();
  s3_.clear();
  route53_.clear();
  secrets_.clear();
  compute_.clear();
  people_.clear();
  caches_.clear();
  stores_.clear();
  faults_.clear();
  denials_.clear();
  static_endpoints_.clear();
  calls_ = 0;
  fired_ = 0;
  arm_next_change();
}

void MockCloud::arm_next_change() {
  if (fired_ == events_.size()) events_.push_back(std::make_unique<sim::Event>(env_));
  changed_ = events_[fired_].get();
  changed_->reset();
}

std::optional<sim::Time> MockCloud::forecast(const Request& r, std::string_view waiter) {
  if (r.fields.empty()) return std::nullopt;
  const sim::Time t = context_->now();
  sim::Time until = sim::kNever;
  // Admission must stay plain: no disruption of the region, fault or denial now, and the
  // answer is only good until the next one starts.
  const std::string_view service = r.service, operation = r.operation;
  const std::string_view region = service == "route53" ? std::string_view("us-east-1") : r.region;
  if (!context_->region_known(region)) return std::nullopt;
  for (const DisruptionWindow& w : context_->disruptions()) {
    if (w.region != region) continue;
    if (w.start <= t && t < w.end) return std::nullopt;
    if (w.start > t) until = std::min(until, w.start);
  }
  for (const OperationFault& f : faults_) {
    if (!matches(f.service, r.service) || !matches(f.operation, r.operation) ||
        !matches(f.region, r.region) || f.until <= t)
      continue;
    if (f.from <= t) return std::nullopt;
    until = std::min(until, f.from);
  }
  for (const PermissionDenial& d : denials_) {
    if (matches(d.service, r.service) && matches(d.operation, r.operation) &&
        matches(d.region, r.region))
      return std::nullopt;
  }
  std::optional<sim::Time> model;
  if (service == "rds" && operation == "describe-db-instances") model = rds_.unchanged_until(r);
  if (service == "ecs" && operation == "describe-services") {
    model = waiter == "services-stable" ? compute_.unstable_until(r) : compute_.unchanged_until(r);
  }
  if (!model) return std::nullopt;
  return std::min(until, *model);
}

const OperationInfo* MockCloud::operation_of(const Request& request) {
  const OperationInfo* info = request.operation_hint;
  if (info != nullptr && sim::same(info->operation, request.operation) &&
      sim::same(info->service, request.service))
    return info;
  return find_operation(request.service, request.operation);
}

void MockCloud::skip_polls(const Request& r, std::span<const std::uint64_t> keys,
                           std::span<sim::Duration> latencies) {
  // unchanged_until made sure that nothing disrupts these calls; the poll before them was
  // admitted, so its operation is known.
  const OperationInfo* info = operation_of(r);
  assert(info != nullptr);
  context_->plain_latencies(info->service_id, keys, latencies);
}

DataStore* MockCloud::data_store(std::string_view name) {
  for (DataStore& s : stores_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

void MockCloud::add_static_endpoint(std::string name, std::string region) {
  static_endpoints_.emplace_back(std::move(name), std::move(region));
}

const std::string* MockCloud::static_endpoint_region(std::string_view target) const {
  for (const auto& [name, region] : static_endpoints_) {
    if (name == target) return &region;
  }
  return nullptr;
}

bool MockCloud::endpoint_healthy(std::string_view target, sim::Time t) {
  if (compute_.load_balancer(target) != nullptr) return compute_.load_balancer_healthy(target, t);
  if (const std::string* region = static_endpoint_region(target))
    return context_->data_plane_up(*region, t);
  // A DB endpoint ("<id>.c1x2y3z4.<region>.rds.amazonaws.com") or instance id.
  const std::string id(target.substr(0, target.find('.')));
  if (const DbInstance* db = rds_.instance(id)) return accepts_connections(rds_.status(*db, t));
  return false;
}

sim::Time MockCloud::endpoint_down_until(std::string_view target, sim::Time t) {
  if (compute_.load_balancer(target) != nullptr)
    return compute_.load_balancer_down_until(target, t);
  if (const std::string* region = static_endpoint_region(target))
    return context_->data_plane_back(*region, t);
  return t;
}

Outcome MockCloud::invoke(const Request& request) {
  Admitted admitted;
  if (std::optional<Outcome> refused = admit(request, admitted)) return std::move(*refused);
  return handle(request, admitted);
}

WaiterState MockCloud::poll(const Request& poll, const WaiterSpec& waiter, Outcome& out) {
  Admitted admitted;
  if (std::optional<Outcome> refused = admit(poll, admitted)) {
    out = std::move(*refused);
    return waiter.evaluate(out);
  }
  std::optional<WaiterState> verdict;
  if (sim::same(poll.operation, waiter.operation) && sim::same(poll.service, waiter.service)) {
    if (waiter.service == "rds" && waiter.name == "db-instance-available") {
      verdict = rds_.instances_available(poll);
    } else if (waiter.service == "ecs" && waiter.name == "services-stable") {
      verdict = compute_.services_stable(poll);
    }
  }
  if (!verdict) {  // the model answers, the waiter reads the answer
    out = handle(poll, admitted);
    return waiter.evaluate(out);
  }
  assert(!admitted.info->mutating);  // a describe call: nothing to fire
  out = Outcome{Value(), std::nullopt, admitted.latency};
  return *verdict;
}

std::optional<Outcome> MockCloud::admit(const Request& request, Admitted& admitted) {
  const std::uint64_t call = request.call_key != 0 ? request.call_key : calls_++;
  admitted.call = call;
  const OperationInfo* info = operation_of(request);
  admitted.info = info;
  if (info == nullptr) {
    return Outcome::failure(
        AwsErrorCode::kUnknownOperation,
        fmt::format("the mock cloud has no operation {} {}", request.service, request.operation));
  }
  sim::Duration& latency = admitted.latency;
  if (auto error = context_->admit(request, info->service_id, latency)) {
    return Outcome{Value(), std::move(error), latency};
  }
  for (const PermissionDenial& d : denials_) {
    if (matches(d.service, request.service) && matches(d.operation, request.operation) &&
        matches(d.region, request.region)) {
      Outcome out =
          Outcome::failure(AwsErrorCode::kAccessDenied,
                           fmt::format("User is not authorized to perform: {}:{} in {}",
                                       request.service, request.operation, request.region));
      out.latency = latency;
      return out;
    }
  }
  const sim::Time now = context_->now();
  for (const OperationFault& f : faults_) {
    if (!matches(f.service, request.service) || !matches(f.operation, request.operation) ||
        !matches(f.region, request.region) || now < f.from || now >= f.until) {
      continue;
    }
    if (context_->uniform("fault", f.service + "/" + f.operation, call) < f.probability) {
      Outcome out = Outcome::failure(f.error, "injected fault");
      out.latency = latency;
      return out;
    }
  }
  return std::nullopt;
}

Outcome MockCloud::handle(const Request& request, const Admitted& admitted) {
  const std::uint64_t call = admitted.call;
  const sim::Time now = context_->now();
  Outcome out;
  const std::string_view s = request.service;  // compared with many literals: sizes first
  if (s == "rds") {
    out = rds_.handle(request);
  } else if (s == "s3api" || s == "s3") {
    out = s3_.handle(request);
  } else if (s == "route53") {
    out = route53_.handle(request);
  } else if (s == "secretsmanager") {
    out = secrets_.handle(request);
  } else if (s == "kms") {
    const Value key = kms_.describe(request.region, request.text("key-id"));
    out = key.is_null()
              ? Outcome::failure(AwsErrorCode::kNotFound,
                                 fmt::format("Key '{}' does not exist", request.text("key-id")))
              : Outcome::success(key);
  } else if (s == "elasticache") {
    out = caches_.handle(request);
  } else if (s == "wafv2") {
    // UpdateIPSet: the CLI refuses the call without every required argument.
    std::vector<std::string> missing;
    for (const char* p : {"name", "scope", "id", "addresses", "lock-token"}) {
      if (request.find(p) == nullptr) missing.push_back(fmt::format("--{}", p));
    }
    out = missing.empty()
              ? Outcome::success(Value::object(
                    {{"NextLockToken", fmt::format("{:08x}-lock", sim::mix64(call) >> 32)}}))
              : Outcome::failure(AwsErrorCode::kMissingParameter,
                                 fmt::format("the following arguments are required: {}",
                                             fmt::join(missing, ", ")));
  } else if (s == "sts") {
    out = Outcome::success(Value::object(
        {{"Account", context_->account()},
         {"Arn", fmt::format("arn:aws:iam::{}:role/drsim-mock", context_->account())}}));
  } else if (s == "health") {
    // The AWS Health Dashboard shows the injected regional events that have started, in
    // every region (its API is global; --region only picks the endpoint).
    Array events;
    for (const DisruptionWindow& w : context_->disruptions()) {
      if (w.start <= now) {
        events.push_back(Value::object({{"region", w.region},
                                        {"eventTypeCategory", "issue"},
                                        {"statusCode", now < w.end ? "open" : "closed"},
                                        {"startTime", Timestamp{w.start}}}));
      }
    }
    out = Outcome::success(Value::object({{"events", Value(std::move(events))}}));
  } else {
    out = compute_.handle(request);
  }
  out.latency += admitted.latency;
  if (admitted.info->mutating && out.ok()) {
    changed_->succeed();
    ++fired_;
    arm_next_change();
  }
  return out;
}

}  // namespace drsim::models
