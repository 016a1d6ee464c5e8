#include "models/compute.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <cmath>
#include <cstring>

#include "models/waiters.hpp"
#include "sim/text.hpp"

namespace drsim::models {
namespace {

using sim::kNever;
using sim::Time;

// An ECS service's status while it exists (deleted services are not modelled).
constexpr std::string_view kServiceStatus = "ACTIVE";

/// "--services a b" arrives as an array or a space-separated string: calls `f` with each name.
template <typename F>
void each_name(const Value* v, F&& f) {
  if (v == nullptr) return;
  if (v->is_array()) {
    for (const Value& e : v->as_array()) {
      if (e.is_string()) {
        f(std::string_view(e.as_string()));
      } else {
        f(std::string_view(e.to_text()));
      }
    }
    return;
  }
  std::string scratch;
  const std::string_view text =
      v->is_string() ? std::string_view(v->as_string()) : std::string_view(scratch = v->to_text());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    if (end > pos) f(text.substr(pos, end - pos));
    pos = end + 1;
  }
}

std::vector<std::string> names(const Value* v) {
  std::vector<std::string> out;
  each_name(v, [&](std::string_view name) { out.emplace_back(name); });
  return out;
}

std::string_view last_segment(std::string_view arn_or_name) {
  // memrchr: a name has no '/', and searching it a character at a time shows on every call.
  const void* slash =
      arn_or_name.empty() ? nullptr : ::memrchr(arn_or_name.data(), '/', arn_or_name.size());
  if (slash == nullptr) return arn_or_name;
  return arn_or_name.substr(static_cast<const char*>(slash) - arn_or_name.data() + 1);
}

}  // namespace

void Compute::add_service(const EcsService& service, Time exists_from) {
  EcsService& s = services_.assign_next(service);
  s.exists_from = exists_from;
  s.tasks.clear();
  for (int i = 0; i < s.desired; ++i) s.tasks.push_back({exists_from, kNever, 0});
}

void Compute::add_instance(Ec2Instance instance) {
  instances_.push_back(std::move(instance));
}
void Compute::add_image(std::string region, std::string image_id, Time created) {
  images_.push_back({std::move(region), std::move(image_id), created});
}
Ec2Instance* Compute::mutable_instance(std::string_view id) {
  for (Ec2Instance& i : instances_) {
    if (i.id == id) return &i;
  }
  return nullptr;
}
void Compute::add_load_balancer(const LoadBalancer& lb, Time exists_from) {
  LoadBalancer& b = load_balancers_.assign_next(lb);
  b.exists_from = exists_from;
  if (b.dns_name.empty())
    b.dns_name = fmt::format("{}-123456.{}.elb.amazonaws.com", b.name, b.region);
}
void Compute::add_eks_cluster(EksCluster cluster) {
  eks_.push_back(std::move(cluster));
}
void Compute::add_deployment(KubeDeployment deployment) {
  deployments_.push_back(std::move(deployment));
}
KubeDeployment* Compute::mutable_deployment(std::string_view key) {
  const auto slash = key.find('/');
  const std::string_view cluster = slash == std::string_view::npos ? "" : key.substr(0, slash);
  const std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  for (KubeDeployment& d : deployments_) {
    if (d.name == name && (cluster.empty() || d.cluster == cluster)) return &d;
  }
  return nullptr;
}

void Compute::fail_eks_cluster(std::string_view name, Time t) {
  for (EksCluster& c : eks_) {
    if (c.name == name && c.exists_from <= t) c.deleted_at = std::min(c.deleted_at, t);
  }
  for (KubeDeployment& d : deployments_) {
    if (d.cluster != name) continue;
    if (std::find(d.broken.begin(), d.broken.end(), kNoPods) == d.broken.end())
      d.broken.push_back(kNoPods);
    d.serving.emplace_back(t, kNoPods);
  }
}

int KubeDeployment::serving_at(Time t) const {
  int current = templates.front();
  for (const auto& [from, id] : serving) {
    if (from <= t) current = id;
  }
  return current;
}
void Compute::add_stack(Stack stack) {
  stacks_.push_back(&owned_stacks_.emplace_back(std::move(stack)));
}

const EbsVolume* Compute::volume(std::string_view id) const {
  for (const EbsVolume& v : volumes_) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

void Compute::clear() {
  volumes_.clear();
  ebs_snapshots_.clear();
  services_.clear();
  instances_.clear();
  images_.clear();
  load_balancers_.clear();
  eks_.clear();
  deployments_.clear();
  stacks_.clear();
  owned_stacks_.clear();
  launch_buckets_.clear();
  launched_ = 0;
}

const EcsService* Compute::service(std::string_view cluster, std::string_view name,
                                   std::string_view region) const {
  for (const EcsService& s : services_) {
    if (sim::same(s.name, name) && sim::same(s.cluster, cluster) && sim::same(s.region, region))
      return &s;
  }
  return nullptr;
}

EcsService* Compute::find_service(std::string_view cluster, std::string_view name,
                                  std::string_view region) {
  return const_cast<EcsService*>(service(cluster, name, region));
}

int Compute::running(const EcsService& s, Time t) const {
  if (t < s.exists_from || !context_.data_plane_up(s.region, t)) return 0;
  return static_cast<int>(std::count_if(s.tasks.begin(), s.tasks.end(), [&](const EcsTask& task) {
    return task.running_from <= t && t < task.stopped_at;
  }));
}

void Compute::launch(EcsService& s, int count, Time t) {
  const Calibration& c = context_.calibration();
  auto bucket = std::find_if(launch_buckets_.begin(), launch_buckets_.end(),
                             [&](const Bucket& b) { return b.region == s.region; });
  if (bucket == launch_buckets_.end()) {
    launch_buckets_.push_back({s.region, static_cast<double>(c.ecs_launch_burst), t});
    bucket = launch_buckets_.end() - 1;
  }
  Time at = std::max(t, bucket->last);
  const std::uint64_t stream = sim::stream_id({s.cluster, "/", s.name});
  for (int i = 0; i < count; ++i) {
    // Token bucket: refill at the sustained rate up to the burst, one token per launch.
    const double refill = static_cast<double>(at - bucket->last) / 1000.0 * c.ecs_launch_per_s;
    bucket->tokens = std::min(static_cast<double>(c.ecs_launch_burst), bucket->tokens + refill);
    bucket->last = at;
    if (bucket->tokens < 1) {
      at += static_cast<Time>(std::ceil((1 - bucket->tokens) / c.ecs_launch_per_s * 1000.0));
      bucket->tokens = 1;
      bucket->last = at;
    }
    bucket->tokens -= 1;
    const Time running =
        at + context_.draw_for_id(c.ecs_task_start, "ecs/task-start", stream, launched_++);
    s.tasks.push_back({running, kNever, s.deployment});
  }
}

std::vector<std::uint32_t> Compute::deployments(const EcsService& s, Time t) const {
  std::vector<std::uint32_t> live;
  for (const EcsTask& task : s.tasks) {
    if (task.stopped_at > t && std::find(live.begin(), live.end(), task.deployment) == live.end())
      live.push_back(task.deployment);
  }
  if (live.empty()) live.push_back(s.deployment);
  return live;
}

bool Compute::one_deployment(const EcsService& s, Time t) const {
  const EcsTask* first = nullptr;
  for (const EcsTask& task : s.tasks) {
    if (task.stopped_at <= t) continue;
    if (first != nullptr && task.deployment != first->deployment) return false;
    first = &task;
  }
  return true;
}

Value Compute::service_value(const EcsService& s, Time t,
                             std::span<const std::string_view> fields) const {
  // Each member is computed only when the caller reads it (see Request::fields).
  enum Member { kName, kClusterArn, kStatus, kDesired, kRunning, kPending, kDeployments };
  static constexpr std::array<std::string_view, 7> kMembers = {
      "serviceName",  "clusterArn",   "status",     "desiredCount",
      "runningCount", "pendingCount", "deployments"};
  ResourceValue<kMembers.size()> v(kMembers, fields);
  v.add(kName, [&] { return s.name; });
  v.add(kClusterArn, [&] { return context_.arn("ecs", s.region, "cluster/", s.cluster); });
  v.add(kStatus, [&] { return kServiceStatus; });
  v.add(kDesired, [&] { return s.desired; });
  v.add(kRunning, [&] { return running(s, t); });
  v.add(kPending, [&] {
    return static_cast<int>(std::count_if(s.tasks.begin(), s.tasks.end(), [&](const EcsTask& x) {
      return x.stopped_at > t && x.running_from > t;
    }));
  });
  v.add(kDeployments, [&] {
    const std::vector<std::uint32_t> live = deployments(s, t);
    Array deps;
    deps.reserve(live.size());
    for (std::uint32_t d : live) {
      Members dep;
      dep.reserve(2);
      dep.emplace_back("id", "ecs-svc/" + std::to_string(d));
      dep.emplace_back("status", d == s.deployment ? "PRIMARY" : "ACTIVE");
      deps.emplace_back(std::move(dep));
    }
    return deps;
  });
  return std::move(v).value();
}

std::optional<Time> Compute::unchanged_until(const Request& r) const {
  if (r.service != "ecs" || r.operation != "describe-services") return std::nullopt;
  const Time t = context_.now();
  std::string scratch;
  const std::string_view cluster = last_segment(r.text_view("cluster", scratch));
  Time until = kNever;
  auto consider = [&](Time at) {
    if (at > t) until = std::min(until, at);
  };
  for (const EcsService& s : services_) {
    if (s.cluster != cluster || s.region != r.region) continue;
    consider(s.exists_from);
    for (const EcsTask& task : s.tasks) {
      consider(task.running_from);
      consider(task.stopped_at);
    }
  }
  return until;
}

std::optional<Time> Compute::unstable_until(const Request& r) const {
  // The waiter's acceptors (see waiters.cpp): failure when a listed service is MISSING,
  // success when each has one deployment and runs its desired count, else poll again. The
  // verdict can change only where a listed service's answer does: check those instants.
  const Time t = context_.now();
  std::string scratch;
  const std::string_view cluster = last_segment(r.text_view("cluster", scratch));
  // (Small: a waiter lists a few services of a few tasks each; polled often, built on the
  // stack.)
  boost::container::small_vector<const EcsService*, 8> listed;
  bool known = true;
  each_name(r.find("services"), [&](std::string_view name) {
    const EcsService* s = service(cluster, last_segment(name), r.region);
    known = known && s != nullptr;
    listed.push_back(s);
  });
  if (!known || listed.empty()) return std::nullopt;
  std::size_t count = 0;
  for (const EcsService* s : listed) count += 1 + 2 * s->tasks.size();
  boost::container::small_vector<Time, 32> changes;
  changes.reserve(count);
  for (const EcsService* s : listed) {
    changes.push_back(s->exists_from);
    for (const EcsTask& task : s->tasks) {
      changes.push_back(task.running_from);
      changes.push_back(task.stopped_at);
    }
  }
  std::sort(changes.begin(), changes.end());
  for (const Time at : changes) {
    if (at <= t) continue;
    if (at == kNever) break;
    const bool verdict = std::all_of(listed.begin(), listed.end(), [&](const EcsService* s) {
      return s->exists_from > at ||  // MISSING: the waiter fails
             (running(*s, at) == s->desired && one_deployment(*s, at));
    });
    if (verdict) return at;
  }
  return kNever;
}

bool Compute::load_balancer_healthy(std::string_view name_or_dns, Time t) const {
  const LoadBalancer* lb = load_balancer(name_or_dns);
  if (lb == nullptr || t < lb->exists_from || !context_.data_plane_up(lb->region, t)) return false;
  // A target is healthy after one passing check following its start (ELB guide).
  const Time seen = t - context_.calibration().alb_health_interval;
  for (const std::string_view key : lb->ecs_services) {  // "cluster/service"
    const auto slash = key.find('/');
    const EcsService* s = service(key.substr(0, slash), key.substr(slash + 1), lb->region);
    if (s != nullptr && running(*s, seen) > 0 && running(*s, t) > 0) return true;
  }
  for (const std::string& id : lb->instances) {
    if (instance_serving(id, seen, t)) return true;
  }
  for (const std::string& key : lb->kube_deployments) {
    if (deployment_serving(key, seen, t)) return true;
  }
  for (const auto& [id, at] : lb->registered) {
    if (at <= seen && instance_serving(id, seen, t)) return true;
  }
  for (const Ec2Instance& i : instances_) {
    if (!i.group.empty() && i.region == lb->region &&
        std::find(lb->auto_scaling_groups.begin(), lb->auto_scaling_groups.end(), i.group) !=
            lb->auto_scaling_groups.end() &&
        instance_serving(i.id, seen, t)) {
      return true;
    }
  }
  return false;
}

Time Compute::load_balancer_down_until(std::string_view name_or_dns, Time t) const {
  const LoadBalancer* lb = load_balancer(name_or_dns);
  if (lb == nullptr) return t;
  return context_.data_plane_back(lb->region, std::max(t, lb->exists_from));
}

std::optional<bool> Compute::cluster_up(std::string_view name, Time t) const {
  std::optional<bool> up;
  for (const EksCluster& c : eks_) {
    if (c.name != name) continue;
    up = up.value_or(false) || (c.exists_from <= t && c.active_from <= t && t < c.deleted_at &&
                                context_.data_plane_up(c.region, t));
  }
  return up;
}

bool Compute::deployment_serving(std::string_view key, Time seen, Time t) const {
  const auto slash = key.find('/');
  const std::string_view cluster = key.substr(0, slash);
  const std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  for (const KubeDeployment& d : deployments_) {
    if (d.name != name || d.cluster != cluster) continue;
    // Its cluster must be up throughout (a recreated cluster serves once active).
    const std::optional<bool> up_then = cluster_up(cluster, seen), up_now = cluster_up(cluster, t);
    if (up_then && !(*up_then && *up_now)) return false;
    auto ok = [&](Time at) {
      return std::find(d.broken.begin(), d.broken.end(), d.serving_at(at)) == d.broken.end();
    };
    return ok(seen) && ok(t);
  }
  return false;
}

bool Compute::instance_serving(std::string_view id, Time seen, Time t) const {
  for (const Ec2Instance& i : instances_) {
    if (i.id != id || i.impaired(t) || !context_.data_plane_up(i.region, t, i.az)) continue;
    if (i.running_from <= seen && t < i.stopped_at) return true;
    for (const auto& [from, to] : i.past_runs) {
      if (from <= seen && t < to) return true;
    }
  }
  return false;
}

const LoadBalancer* Compute::load_balancer(std::string_view name_or_dns) const {
  std::string_view n = name_or_dns;
  if (n.ends_with(".")) n.remove_suffix(1);
  for (const LoadBalancer& lb : load_balancers_) {
    if (sim::same(lb.name, n) || sim::same(lb.dns_name, n) || sim::same(lb.target_group, n))
      return &lb;
  }
  return nullptr;
}

Outcome Compute::handle(const Request& r) {
  const std::string_view service = r.service;
  if (service == "ecs") return ecs(r);
  if (service == "ec2") return ec2(r);
  if (service == "eks") return eks(r);
  if (service == "elbv2") return elbv2(r);
  if (service == "autoscaling") return autoscaling(r);
  if (service == "terraform") return apply_stack(r);
  if (service == "kubectl") return kubectl(r);
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model " + r.service);
}

bool Compute::cluster_known(std::string_view cluster, std::string_view region, Time t) const {
  return std::any_of(services_.begin(), services_.end(), [&](const EcsService& s) {
    return sim::same(s.cluster, cluster) && sim::same(s.region, region) && s.exists_from <= t;
  });
}

std::optional<WaiterState> Compute::services_stable(const Request& describe) const {
  // The services describe-services would list, each read as the waiter reads its answer.
  const Time t = context_.now();
  std::string scratch;
  const std::string_view cluster = last_segment(describe.text_view("cluster", scratch));
  if (!cluster_known(cluster, describe.region, t)) return std::nullopt;
  ServicesStable verdict;
  each_name(describe.find("services"), [&](std::string_view name) {
    const EcsService* s = service(cluster, last_segment(name), describe.region);
    if (s != nullptr && s->exists_from <= t) {
      verdict.add(kServiceStatus, one_deployment(*s, t), running(*s, t) == s->desired);
    } else {
      verdict.missing();
    }
  });
  return verdict.verdict();
}

Outcome Compute::ecs(const Request& r) {
  const Time t = context_.now();
  std::string scratch;
  const std::string_view cluster = last_segment(r.text_view("cluster", scratch));
  const bool cluster_known = this->cluster_known(cluster, r.region, t);
  const std::string_view op = r.operation;
  if (op == "describe-services") {
    if (!cluster_known)
      return Outcome::failure(AwsErrorCode::kClusterNotFound, "Cluster not found.");
    Array found, failures;
    each_name(r.find("services"), [&](std::string_view name) {
      const EcsService* s = service(cluster, last_segment(name), r.region);
      if (s != nullptr && s->exists_from <= t) {
        found.push_back(service_value(*s, t, r.fields));
      } else {
        failures.push_back(Value::object({{"arn", std::string(name)}, {"reason", "MISSING"}}));
      }
    });
    return Outcome::success(Value::object(
        {{"services", Value(std::move(found))}, {"failures", Value(std::move(failures))}}));
  }
  if (op == "update-service") {
    if (!cluster_known)
      return Outcome::failure(AwsErrorCode::kClusterNotFound, "Cluster not found.");
    std::string service_scratch;
    EcsService* s =
        find_service(cluster, last_segment(r.text_view("service", service_scratch)), r.region);
    if (s == nullptr || s->exists_from > t)
      return Outcome::failure(AwsErrorCode::kServiceNotFound, "Service not found.");
    if (r.flag("force-new-deployment")) {
      // Replace every task: new ones start, old ones stop once the new ones run.
      ++s->deployment;
      const std::size_t old = s->tasks.size();
      launch(*s, s->desired, t);
      Time replaced = t;
      for (std::size_t i = old; i < s->tasks.size(); ++i)
        replaced = std::max(replaced, s->tasks[i].running_from);
      for (std::size_t i = 0; i < old; ++i)
        s->tasks[i].stopped_at = std::min(s->tasks[i].stopped_at, replaced);
    }
    if (const std::string desired = r.text("desired-count"); !desired.empty()) {
      const int want = std::atoi(desired.c_str());
      int active = static_cast<int>(
          std::count_if(s->tasks.begin(), s->tasks.end(), [&](const EcsTask& task) {
            return task.stopped_at > t && task.deployment == s->deployment;
          }));
      s->desired = want;
      if (want > active) launch(*s, want - active, t);
      for (auto it = s->tasks.rbegin(); it != s->tasks.rend() && active > want; ++it) {
        if (it->stopped_at > t) {
          it->stopped_at = t;
          --active;
        }
      }
    }
    return answered(r, [&] {
      return Value::object({{"service", service_value(*s, t, r.fields)}});
    });
  }
  if (op == "describe-task-definition") {
    return Outcome::success(Value::object(
        {{"taskDefinition", Value::object({{"family", r.text("task-definition")}})}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model ecs " + r.operation);
}

EbsVolume* Compute::find_volume(std::string_view id, std::string_view region) {
  for (EbsVolume& v : volumes_) {
    if (v.id == id && v.region == region) return &v;
  }
  return nullptr;
}

Outcome Compute::ebs(const Request& r) {
  const Time t = context_.now();
  const Calibration& c = context_.calibration();
  const std::string_view op = r.operation;  // compared with many literals: sizes first
  if (op == "create-snapshot") {
    const std::string id = r.text("volume-id");
    EbsVolume* v = find_volume(id, r.region);
    if (v == nullptr) {
      return Outcome::failure(AwsErrorCode::kInvalidVolumeNotFound,
                              fmt::format("The volume '{}' does not exist.", id));
    }
    EbsSnapshot s{fmt::format("snap-{:017x}", sim::mix64(ebs_snapshots_.size() + 3) >> 4),
                  r.region,
                  id,
                  v->size_gb,
                  std::min(t, v->data_as_of),
                  0};
    s.available_at = t + context_.draw(c.ebs_snapshot, "ebs/snapshot", s.id);
    ebs_snapshots_.push_back(s);
    return Outcome::success(
        Value::object({{"SnapshotId", s.id}, {"State", "pending"}, {"StartTime", Timestamp{t}}}));
  }
  if (op == "describe-snapshots") {
    const std::vector<std::string> ids = names(r.find("snapshot-ids"));
    Array list;
    for (const EbsSnapshot& s : ebs_snapshots_) {
      if (s.region != r.region ||
          (!ids.empty() && std::find(ids.begin(), ids.end(), s.id) == ids.end()))
        continue;
      list.push_back(Value::object({{"SnapshotId", s.id},
                                    {"VolumeId", s.volume},
                                    {"StartTime", Timestamp{s.data_time}},
                                    {"State", t >= s.available_at ? "completed" : "pending"},
                                    {"VolumeSize", static_cast<std::int64_t>(s.size_gb)}}));
    }
    if (!ids.empty() && list.empty()) {
      return Outcome::failure(AwsErrorCode::kInvalidSnapshotNotFound,
                              fmt::format("The snapshot '{}' does not exist.", ids.front()));
    }
    return Outcome::success(Value::object({{"Snapshots", Value(std::move(list))}}));
  }
  if (op == "create-volume") {
    const std::string snap_id = r.text("snapshot-id");
    auto s = std::find_if(ebs_snapshots_.begin(), ebs_snapshots_.end(), [&](const EbsSnapshot& x) {
      return x.id == snap_id && x.region == r.region;
    });
    if (s == ebs_snapshots_.end()) {
      return Outcome::failure(AwsErrorCode::kInvalidSnapshotNotFound,
                              fmt::format("The snapshot '{}' does not exist.", snap_id));
    }
    if (t < s->available_at)
      return Outcome::failure(AwsErrorCode::kIncorrectState,
                              fmt::format("Snapshot '{}' is not completed.", snap_id));
    EbsVolume v{fmt::format("vol-{:017x}", sim::mix64(volumes_.size() + 5) >> 4),
                r.region,
                r.text("availability-zone").empty() ? r.region + "a" : r.text("availability-zone"),
                s->size_gb,
                0,
                s->data_time};
    v.available_at = t + context_.draw(c.ebs_volume_create, "ebs/volume", v.id);
    volumes_.push_back(v);
    return Outcome::success(
        Value::object({{"VolumeId", v.id}, {"State", "creating"}, {"AvailabilityZone", v.az}}));
  }
  if (op == "attach-volume") {
    const std::string id = r.text("volume-id");
    EbsVolume* v = find_volume(id, r.region);
    if (v == nullptr) {
      return Outcome::failure(AwsErrorCode::kInvalidVolumeNotFound,
                              fmt::format("The volume '{}' does not exist.", id));
    }
    if (t < v->available_at || !v->attached_to.empty()) {
      return Outcome::failure(AwsErrorCode::kIncorrectState,
                              fmt::format("Volume '{}' is not 'available'.", id));
    }
    const std::string instance = r.text("instance-id");
    auto i = std::find_if(instances_.begin(), instances_.end(),
                          [&](const Ec2Instance& x) { return x.id == instance; });
    if (i == instances_.end())
      return Outcome::failure(AwsErrorCode::kInvalidInstanceIdNotFound,
                              fmt::format("The instance ID '{}' does not exist", instance));
    if (i->az != v->az) {
      return Outcome::failure(
          AwsErrorCode::kInvalidParameterValue,
          fmt::format("Volume {} is in {}, instance {} in {}.", id, v->az, instance, i->az));
    }
    v->attached_to = instance;
    return Outcome::success(
        Value::object({{"VolumeId", id}, {"InstanceId", instance}, {"State", "attaching"}}));
  }
  // describe-volumes
  Array list;
  for (const EbsVolume& v : volumes_) {
    if (v.region != r.region) continue;
    list.push_back(Value::object({{"VolumeId", v.id},
                                  {"AvailabilityZone", v.az},
                                  {"State", t < v.available_at      ? "creating"
                                            : v.attached_to.empty() ? "available"
                                                                    : "in-use"}}));
  }
  return Outcome::success(Value::object({{"Volumes", Value(std::move(list))}}));
}

Outcome Compute::ec2(const Request& r) {
  const Time t = context_.now();
  if (r.operation == "create-snapshot" || r.operation == "describe-snapshots" ||
      r.operation == "create-volume" || r.operation == "attach-volume" ||
      r.operation == "describe-volumes") {
    return ebs(r);
  }
  const Calibration& c = context_.calibration();
  auto state = [&](const Ec2Instance& i) -> std::string {
    if (!context_.data_plane_up(i.region, t, i.az)) return "stopped";
    if (i.stopped_at <= t) return i.stopped_from <= t ? "stopped" : "stopping";
    return i.running_from <= t ? "running" : "pending";
  };
  auto instance_value = [&](const Ec2Instance& i) {
    return Value::object({{"InstanceId", i.id},
                          {"ImageId", i.image},
                          {"State", Value::object({{"Name", state(i)}})},
                          {"Placement", Value::object({{"AvailabilityZone", i.az}})}});
  };
  const std::vector<std::string> ids = names(r.find("instance-ids"));
  std::vector<Ec2Instance*> selected;
  for (const std::string& id : ids) {
    auto it = std::find_if(instances_.begin(), instances_.end(), [&](const Ec2Instance& i) {
      return i.id == id && i.region == r.region && i.exists_from <= t;
    });
    if (it == instances_.end()) {
      return Outcome::failure(AwsErrorCode::kInvalidInstanceIdNotFound,
                              fmt::format("The instance ID '{}' does not exist", id));
    }
    selected.push_back(&*it);
  }
  const std::string_view op = r.operation;  // compared with many literals: sizes first
  if (op == "describe-instances") {
    Array list;
    for (const Ec2Instance& i : instances_) {
      if (i.region != r.region || i.exists_from > t) continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), i.id) == ids.end()) continue;
      list.push_back(instance_value(i));
    }
    return Outcome::success(Value::object(
        {{"Reservations", Value(Array{Value::object({{"Instances", Value(std::move(list))}})})}}));
  }
  if (op == "describe-instance-status") {
    // Running instances only, unless --include-all-instances; a host fault fails the system
    // check (and with it the instance's), a fault of the instance only the instance check.
    const bool all = r.find("include-all-instances") != nullptr;
    Array list;
    for (const Ec2Instance& i : instances_) {
      if (i.region != r.region || i.exists_from > t) continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), i.id) == ids.end()) continue;
      const std::string s = state(i);
      if (s != "running" && !all) continue;
      const bool impaired = s == "running" && i.impaired(t);
      auto check = [&](bool failed) {
        return Value::object({{"Status", s != "running" ? "not-applicable"
                                         : failed       ? "impaired"
                                                        : "ok"}});
      };
      list.push_back(Value::object({{"InstanceId", i.id},
                                    {"AvailabilityZone", i.az},
                                    {"InstanceState", Value::object({{"Name", s}})},
                                    {"SystemStatus", check(impaired && i.host_fault)},
                                    {"InstanceStatus", check(impaired)}}));
    }
    return Outcome::success(Value::object({{"InstanceStatuses", Value(std::move(list))}}));
  }
  if (op == "start-instances" || op == "stop-instances") {
    Array changes;
    for (Ec2Instance* i : selected) {
      const std::string s = state(*i);
      if (op == "start-instances" && s == "stopping") {
        return Outcome::failure(
            AwsErrorCode::kIncorrectInstanceState,
            fmt::format("The instance '{}' is not in a state from which it can be started.",
                        i->id));
      }
      if (op == "start-instances" && i->stopped_from <= t) {
        i->past_runs.emplace_back(i->running_from, i->stopped_at);
        i->stopped_at = i->stopped_from = kNever;
        i->running_from =
            t + context_.draw(c.ec2_start, "ec2/start", i->id, static_cast<std::uint64_t>(t));
        // On new hardware: a host fault stays behind; the instance's own fault comes along.
        if (i->host_fault && i->impaired_from <= t)
          i->impaired_until = std::min(i->impaired_until, t);
      } else if (op == "stop-instances" && i->stopped_at > t) {
        i->stopped_at = t;
        i->stopped_from =
            t + context_.draw(c.ec2_stop, "ec2/stop", i->id, static_cast<std::uint64_t>(t));
      }
      changes.push_back(Value::object(
          {{"InstanceId", i->id}, {"CurrentState", Value::object({{"Name", state(*i)}})}}));
    }
    return Outcome::success(
        Value::object({{op == "start-instances" ? "StartingInstances" : "StoppingInstances",
                        Value(std::move(changes))}}));
  }
  if (op == "run-instances") {
    const std::string image = r.text("image-id");
    if (std::none_of(images_.begin(), images_.end(), [&](const MachineImage& im) {
          return im.region == r.region && im.id == image && im.created <= t;
        })) {
      return Outcome::failure(AwsErrorCode::kInvalidAmiIdNotFound,
                              fmt::format("The image id '[{}]' does not exist", image));
    }
    const int count = std::max(1, std::atoi(r.text("count").c_str()));
    Array launched;
    for (int k = 0; k < count; ++k) {
      Ec2Instance i;
      i.id = fmt::format("i-{:017x}", sim::mix64(instances_.size() + 1) >> 4);
      i.region = r.region;
      i.az = r.region + "a";
      i.image = image;
      i.exists_from = t;
      i.running_from = t + context_.draw(c.ec2_start, "ec2/start", i.id);
      instances_.push_back(i);
      launched.push_back(instance_value(i));
    }
    return Outcome::success(Value::object({{"Instances", Value(std::move(launched))}}));
  }
  if (op == "describe-images") {
    Array list;
    for (const MachineImage& im : images_) {
      if (im.region == r.region && im.created <= t) {
        list.push_back(Value::object(
            {{"ImageId", im.id}, {"State", "available"}, {"CreationDate", Timestamp{im.created}}}));
      }
    }
    return Outcome::success(Value::object({{"Images", Value(std::move(list))}}));
  }
  if (op == "create-image") {
    if (selected.empty() && r.text("instance-id").empty())
      return Outcome::failure(AwsErrorCode::kMissingParameter, "--instance-id is required");
    const std::string id = fmt::format("ami-{:017x}", sim::mix64(images_.size() + 7) >> 4);
    images_.push_back({r.region, id, t});
    return Outcome::success(Value::object({{"ImageId", id}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model ec2 " + std::string(op));
}

const Ec2Instance& Compute::launch_like(Ec2Instance model, Time at) {
  // A new instance from the group's launch template: same image and placement, none of the
  // old one's history or faults.
  Ec2Instance i;
  i.region = model.region;
  i.az = model.az;
  i.image = model.image;
  i.group = model.group;
  i.id = fmt::format("i-{:017x}", sim::mix64(instances_.size() + 101) >> 4);
  i.exists_from = at;
  i.running_from = at + context_.draw(context_.calibration().ec2_start, "ec2/start", i.id);
  instances_.push_back(std::move(i));
  return instances_.back();
}

Outcome Compute::autoscaling(const Request& r) {
  // An Auto Scaling group is the set of EC2 instances that name it as their group.
  const Time t = context_.now();
  const std::string group = r.text("auto-scaling-group-name");
  auto members = [&](const std::string& g) {
    return std::count_if(instances_.begin(), instances_.end(), [&](const Ec2Instance& x) {
      return x.group == g && x.region == r.region && x.stopped_at > t && x.exists_from <= t;
    });
  };
  if (r.operation == "describe-auto-scaling-groups") {
    const std::vector<std::string> wanted = names(r.find("auto-scaling-group-names"));
    std::vector<std::string> seen;
    Array groups;
    for (const Ec2Instance& i : instances_) {
      if (i.group.empty() || i.region != r.region) continue;
      if ((!wanted.empty() && std::find(wanted.begin(), wanted.end(), i.group) == wanted.end()) ||
          std::find(seen.begin(), seen.end(), i.group) != seen.end()) {
        continue;
      }
      seen.push_back(i.group);
      groups.push_back(
          Value::object({{"AutoScalingGroupName", i.group},
                         {"DesiredCapacity", static_cast<std::int64_t>(members(i.group))}}));
    }
    return Outcome::success(Value::object({{"AutoScalingGroups", Value(std::move(groups))}}));
  }
  if (r.operation == "set-desired-capacity") {
    const auto template_instance = std::find_if(
        instances_.begin(), instances_.end(),
        [&](const Ec2Instance& i) { return i.group == group && i.region == r.region; });
    if (template_instance == instances_.end()) {
      return Outcome::failure(AwsErrorCode::kAutoScalingGroupNotFound,
                              fmt::format("AutoScalingGroup name not found - {}", group));
    }
    const int want = std::atoi(r.text("desired-capacity").c_str());
    const Ec2Instance model = *template_instance;
    for (auto have = members(group); have < want; ++have) launch_like(model, t);
    return Outcome::success(Value(Members{}));
  }
  if (r.operation == "start-instance-refresh") {
    // A rolling replacement, one instance at a time (MinHealthyPercentage 90% of a small
    // group): each old instance is terminated once its replacement is running and has
    // passed the warm-up; the next replacement starts then.
    std::vector<std::size_t> old;
    for (std::size_t k = 0; k < instances_.size(); ++k) {
      const Ec2Instance& i = instances_[k];
      if (i.group == group && i.region == r.region && i.stopped_at > t && i.exists_from <= t)
        old.push_back(k);
    }
    if (old.empty()) {
      return Outcome::failure(AwsErrorCode::kAutoScalingGroupNotFound,
                              fmt::format("AutoScalingGroup name not found - {}", group));
    }
    Time next = t;
    for (const std::size_t k : old) {
      const Ec2Instance& fresh = launch_like(instances_[k], next);
      next = fresh.running_from + context_.calibration().asg_instance_warmup;
      instances_[k].stopped_at = std::min(instances_[k].stopped_at, next);
    }
    return Outcome::success(
        Value::object({{"InstanceRefreshId", fmt::format("{:08x}-refresh", sim::mix64(t) >> 32)}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model autoscaling " + r.operation);
}

Outcome Compute::eks(const Request& r) {
  const Time t = context_.now();
  const std::string name = r.text("name");
  auto it = std::find_if(eks_.begin(), eks_.end(), [&](const EksCluster& c) {
    return c.name == name && c.region == r.region && c.exists_from <= t && c.deleted_at > t;
  });
  if (r.operation == "create-cluster") {
    if (it != eks_.end())
      return Outcome::failure(AwsErrorCode::kInvalidParameterValue,
                              fmt::format("Cluster already exists with name: {}", name));
    eks_.push_back({name, r.region, t,
                    t + context_.draw(context_.calibration().eks_create, "eks/create", name)});
    return Outcome::success(
        Value::object({{"cluster", Value::object({{"name", name}, {"status", "CREATING"}})}}));
  }
  if (it == eks_.end())
    return Outcome::failure(AwsErrorCode::kResourceNotFound,
                            fmt::format("No cluster found for name: {}.", name));
  const std::string status = !context_.data_plane_up(it->region, t) ? "FAILED"
                             : t < it->active_from                  ? "CREATING"
                                                                    : "ACTIVE";
  if (r.operation == "describe-cluster") {
    return Outcome::success(Value::object(
        {{"cluster", Value::object({{"name", name},
                                    {"status", status},
                                    {"endpoint", fmt::format("https://{}.eks.{}.amazonaws.com",
                                                             name, r.region)}})}}));
  }
  if (r.operation == "update-kubeconfig") return Outcome::success(Value(Members{}));
  if (r.operation == "delete-cluster") {
    it->deleted_at = t + 10 * sim::kMinute;
    return Outcome::success(
        Value::object({{"cluster", Value::object({{"name", name}, {"status", "DELETING"}})}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model eks " + r.operation);
}

Outcome Compute::elbv2(const Request& r) {
  const Time t = context_.now();
  if (r.operation == "describe-target-health" || r.operation == "register-targets") {
    // "arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>" or a name.
    std::string group = r.text("target-group-arn");
    if (const auto at = group.find("targetgroup/"); at != std::string::npos) {
      group = group.substr(at + 12);
      group = group.substr(0, group.find('/'));
    }
    const auto found =
        std::find_if(load_balancers_.begin(), load_balancers_.end(), [&](const LoadBalancer& x) {
          return (x.target_group == group || x.name == group) && x.region == r.region;
        });
    if (found == load_balancers_.end()) {
      return Outcome::failure(AwsErrorCode::kTargetGroupNotFound,
                              fmt::format("Target groups '{}' not found", group));
    }
    LoadBalancer* lb = &*found;
    if (r.operation == "register-targets") {
      // --targets Id=i-0abc[,Port=80] ...: each must be an instance in the region.
      for (const std::string& target : names(r.find("targets"))) {
        std::string id = target.starts_with("Id=") ? target.substr(3) : target;
        id = id.substr(0, id.find(','));
        const bool known = std::any_of(instances_.begin(), instances_.end(), [&](const auto& i) {
          return i.id == id && i.region == r.region && i.exists_from <= t;
        });
        if (!known) {
          return Outcome::failure(
              AwsErrorCode::kInvalidInstanceIdNotFound,
              fmt::format("The following targets are not valid instances: '{}'", id));
        }
        lb->registered.emplace_back(id, t);
      }
      return Outcome::success(Value(Members{}));
    }
    const bool healthy = load_balancer_healthy(lb->name, t);
    return Outcome::success(Value::object(
        {{"TargetHealthDescriptions",
          Value(Array{Value::object(
              {{"TargetHealth",
                Value::object({{"State", healthy ? "healthy" : "unhealthy"}})}})})}}));
  }
  if (r.operation == "describe-load-balancers") {
    Array list;
    for (const LoadBalancer& lb : load_balancers_) {
      if (lb.region == r.region && lb.exists_from <= t) {
        list.push_back(Value::object({{"LoadBalancerName", lb.name},
                                      {"DNSName", lb.dns_name},
                                      {"State", Value::object({{"Code", "active"}})}}));
      }
    }
    return Outcome::success(Value::object({{"LoadBalancers", Value(std::move(list))}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model elbv2 " + r.operation);
}

Outcome Compute::apply_stack(const Request& r) {
  const Time t = context_.now();
  const std::string name = r.text("stack");
  auto it =
      std::find_if(stacks_.begin(), stacks_.end(), [&](const Stack* s) { return s->name == name; });
  if (it == stacks_.end())
    return Outcome::failure(AwsErrorCode::kCommandFailed,
                            fmt::format("terraform: no stack named {}", name));
  const Stack& stack = **it;  // not changed by what the apply adds
  if (!context_.data_plane_up(stack.region, t)) {
    return Outcome::failure(
        AwsErrorCode::kCommandFailed,
        fmt::format("terraform apply failed: region {} is not available", stack.region));
  }
  const sim::Duration d =
      context_.draw(stack.duration ? *stack.duration : context_.calibration().iac_apply,
                    "iac/apply", name, static_cast<std::uint64_t>(t));
  const Time done = t + d;
  int created = 0;
  for (const EcsService& s : stack.services) {
    if (service(s.cluster, s.name, s.region) != nullptr) continue;  // apply is idempotent
    add_service(s, done);
    ++created;
  }
  for (const LoadBalancer& lb : stack.load_balancers) {
    if (load_balancer(lb.name) != nullptr) continue;
    add_load_balancer(lb, done);
    ++created;
  }
  Time finished = done;
  for (const std::string& cluster : stack.eks_clusters) {
    if (std::any_of(eks_.begin(), eks_.end(), [&](const EksCluster& c) {
          return c.name == cluster && c.exists_from <= t && t < c.deleted_at;
        })) {
      continue;
    }
    const Time active = done + context_.draw(context_.calibration().eks_create, "eks/create",
                                             cluster, static_cast<std::uint64_t>(t));
    eks_.push_back({cluster, stack.region, done, active});
    finished = std::max(finished, active);  // the provider waits for ACTIVE
    ++created;
  }
  Outcome out = answered(r, [&] { return Value::object({{"Created", created}}); });
  out.latency = finished - t;  // the command returns when the apply is complete
  return out;
}

Outcome Compute::kubectl(const Request& r) {
  const Time t = context_.now();
  const std::string cluster = r.text("context");
  const std::string name(last_segment(r.text("deployment")));
  const std::string_view op = r.operation;  // rollout-restart, rollout-undo, apply, rollout-status
  // `kubectl apply -f DIR` names no deployment: it applies them all (of the context's cluster).
  std::vector<KubeDeployment*> targets;
  for (KubeDeployment& d : deployments_) {
    if ((name.empty() ? op == "apply" : d.name == name) &&
        (cluster.empty() || d.cluster == cluster)) {
      targets.push_back(&d);
    }
  }
  if (targets.empty()) {
    return Outcome::failure(AwsErrorCode::kCommandFailed,
                            name.empty() ? std::string("error: no objects passed to apply")
                                         : fmt::format("deployments.apps \"{}\" not found", name));
  }
  for (const KubeDeployment* d : targets) {
    if (const std::optional<bool> up = cluster_up(d->cluster, t); up && !*up)
      return Outcome::failure(AwsErrorCode::kCommandFailed, "Unable to connect to the server");
  }
  if (op == "rollout-status") {
    Outcome out = Outcome::success(Value::object({{"ready", true}}));
    out.latency = std::max<sim::Duration>(0, targets.front()->ready_from - t);
    return out;
  }
  for (KubeDeployment* d : targets) {
    int next = d->templates.back();
    if (op == "rollout-undo") {
      if (d->templates.size() < 2) {
        return Outcome::failure(
            AwsErrorCode::kCommandFailed,
            fmt::format("error: no rollout history found for deployment \"{}\"", d->name));
      }
      next = d->templates[d->templates.size() - 2];
      d->templates.erase(d->templates.end() - 2);  // re-labelled as the newest revision
    }
    d->templates.push_back(next);
    ++d->revision;
    d->ready_from = t + context_.draw(context_.calibration().kubectl_rollout, "kubectl/rollout",
                                      d->name, static_cast<std::uint64_t>(t));
    d->serving.emplace_back(d->ready_from, next);
  }
  return Outcome::success(Value::object({{"revision", targets.back()->revision}}));
}

}  // namespace drsim::models
