// Compute and traffic in the mock cloud: ECS services (desired and running counts, a launch
// rate limit, task start times, deployments), EC2 instances and Auto Scaling groups, EKS
// clusters and their deployments, load balancers whose targets turn healthy after a passing
// check, and infrastructure-as-code stacks ("terraform apply" of a DR stack) as single
// operations with a duration model.
#pragma once

#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/cloud_context.hpp"
#include "sim/slot_vector.hpp"

namespace drsim::models {

struct EcsTask {
  sim::Time running_from = 0;
  sim::Time stopped_at = sim::kNever;
  std::uint32_t deployment = 0;
};

struct EcsService {
  std::string cluster, name, region;
  int desired = 0;
  sim::Time exists_from = 0;
  std::vector<EcsTask> tasks;
  std::uint32_t deployment = 0;  // the current deployment's number
};

struct Ec2Instance {
  std::string id, region, az, image;
  std::string group;                     // the Auto Scaling group it belongs to, if any
  sim::Time running_from = 0;            // pending until then
  sim::Time stopped_at = sim::kNever;    // stopping from then
  sim::Time stopped_from = sim::kNever;  // stopped (can be started) from then
  sim::Time exists_from = 0;
  // Earlier runs [running_from, stopped_at), so that health at a past instant still reads
  // right after a stop and start.
  std::vector<std::pair<sim::Time, sim::Time>> past_runs;
  // A failing status check from `impaired_from` until `impaired_until`. A host fault (the
  // system check) is cured by a stop and start, which moves the instance to new hardware; a
  // fault of the instance itself (its OS or root volume) is not.
  sim::Time impaired_from = sim::kNever;
  sim::Time impaired_until = sim::kNever;
  bool host_fault = true;

  bool impaired(sim::Time t) const { return impaired_from <= t && t < impaired_until; }
};

struct MachineImage {
  std::string region, id;
  sim::Time created = 0;
};

/// An EBS volume: usable from `available_at`; holds data as of `data_as_of`.
struct EbsVolume {
  std::string id, region, az;
  double size_gb = 100;
  sim::Time available_at = 0;
  sim::Time data_as_of = sim::kNever;  // kNever: live (attached to a running instance)
  std::string attached_to;
};

struct EbsSnapshot {
  std::string id, region, volume;
  double size_gb = 100;
  sim::Time data_time = 0;
  sim::Time available_at = 0;
};

struct LoadBalancer {
  std::string name, region, dns_name;
  std::string target_group;                      // name
  std::vector<std::string> ecs_services;         // "cluster/service" behind it
  std::vector<std::string> instances;            // EC2 ids behind it
  std::vector<std::string> kube_deployments;     // "cluster/name" behind it
  std::vector<std::string> auto_scaling_groups;  // groups attached: their instances are targets
  std::vector<std::pair<std::string, sim::Time>> registered;  // targets added later, and when
  sim::Time exists_from = 0;
};

struct EksCluster {
  std::string name, region;
  sim::Time exists_from = 0;
  sim::Time active_from = 0;
  sim::Time deleted_at = sim::kNever;
};

struct KubeDeployment {
  std::string cluster, name;
  int revision = 1;
  sim::Time ready_from = 0;  // the current revision's pods are all ready from then
  // Pod templates by revision, oldest first: `kubectl rollout undo` brings back the one
  // before the current as a new revision (so two undos toggle between the last two).
  std::vector<int> templates{0};
  // Which template serves from when: (ready from, template), in time order.
  std::vector<std::pair<sim::Time, int>> serving{{std::numeric_limits<sim::Time>::min(), 0}};
  std::vector<int> broken;  // templates whose pods fail their health checks

  /// The template whose pods serve at `t`.
  int serving_at(sim::Time t) const;
};

/// What an infrastructure-as-code apply creates (the DR stack), and how long it takes.
struct Stack {
  std::string name;
  std::string region;
  std::vector<EcsService> services;
  std::vector<LoadBalancer> load_balancers;
  std::vector<std::string> eks_clusters;
  std::optional<Distribution> duration;  // default: Calibration::iac_apply
};

class Compute {
 public:
  explicit Compute(CloudContext& context) : context_(context) {}

  /// Tasks: `desired` of them running from `exists_from` (by default, the service's own).
  void add_service(const EcsService& service) { add_service(service, service.exists_from); }
  void add_service(const EcsService& service, sim::Time exists_from);
  void add_instance(Ec2Instance instance);
  void add_image(std::string region, std::string image_id, sim::Time created = 0);
  Ec2Instance* mutable_instance(std::string_view id);
  void add_volume(EbsVolume volume) { volumes_.push_back(std::move(volume)); }
  void add_ebs_snapshot(EbsSnapshot snapshot) { ebs_snapshots_.push_back(std::move(snapshot)); }
  const EbsVolume* volume(std::string_view id) const;
  void add_load_balancer(const LoadBalancer& lb) { add_load_balancer(lb, lb.exists_from); }
  void add_load_balancer(const LoadBalancer& lb, sim::Time exists_from);
  void add_eks_cluster(EksCluster cluster);
  void add_deployment(KubeDeployment deployment);
  KubeDeployment* mutable_deployment(std::string_view cluster_and_name);
  /// EKS cluster `name` is gone from `t`, and the pods of its deployments with it (until a
  /// `kubectl apply` on a cluster of that name brings them back).
  void fail_eks_cluster(std::string_view name, sim::Time t);
  static constexpr int kNoPods = -1;  // the template "serving" where a cluster lost its pods
  /// A stack `terraform apply` can create.
  void add_stack(Stack stack);
  /// The same, without a copy: `stack` must outlive the trial (the engine's come from the
  /// scenario it runs).
  void use_stack(const Stack& stack) { stacks_.push_back(&stack); }
  void clear();

  Outcome handle(const Request& request);
  /// The verdict of `ecs wait services-stable` on describe-services call `describe`, from
  /// the services' state; nullopt when the call fails (no such cluster).
  std::optional<WaiterState> services_stable(const Request& describe) const;

  const EcsService* service(std::string_view cluster, std::string_view name,
                            std::string_view region) const;
  /// Tasks running at `t` (none while the region is down).
  int running(const EcsService& s, sim::Time t) const;
  /// The deployments with a task not yet stopped at `t` (the service's own when none): a
  /// deployment is done when every task of older ones has stopped.
  std::vector<std::uint32_t> deployments(const EcsService& s, sim::Time t) const;
  /// deployments(s, t).size() == 1, without building the list (the services-stable
  /// forecast asks it at every instant a task starts or stops).
  bool one_deployment(const EcsService& s, sim::Time t) const;
  /// Whether a load balancer (by name or DNS name) has a healthy target at `t`.
  bool load_balancer_healthy(std::string_view name_or_dns, sim::Time t) const;
  /// For a load balancer that is not healthy at `t`: an instant before which it cannot be
  /// (before it exists, or while its region is down); `t` when nothing better is known.
  sim::Time load_balancer_down_until(std::string_view name_or_dns, sim::Time t) const;
  const LoadBalancer* load_balancer(std::string_view name_or_dns) const;

 private:
  Outcome ecs(const Request& r);
  /// Whether `cluster` has a service in `region` at `t` (else ECS answers ClusterNotFound).
  bool cluster_known(std::string_view cluster, std::string_view region, sim::Time t) const;
  Outcome ec2(const Request& r);
  Outcome ebs(const Request& r);
  EbsVolume* find_volume(std::string_view id, std::string_view region);
  Outcome eks(const Request& r);
  Outcome elbv2(const Request& r);
  Outcome autoscaling(const Request& r);

 public:
  /// For ecs describe-services: the instant before which the services' counts and
  /// deployments stay as they are now, unless a call changes them; nullopt otherwise.
  std::optional<sim::Time> unchanged_until(const Request& describe) const;
  /// For `ecs wait services-stable` polling `describe` now, with the answer "not yet": the
  /// first instant at which its verdict could change (every listed service runs one
  /// deployment with its desired count, or one is missing), if no call changes them first.
  std::optional<sim::Time> unstable_until(const Request& describe) const;

 private:
  /// Launches an instance of `model`'s Auto Scaling group at `at`; returns it. (`model` is
  /// a copy: launching reallocates the instances it may come from.)
  const Ec2Instance& launch_like(Ec2Instance model, sim::Time at);
  Outcome apply_stack(const Request& r);
  Outcome kubectl(const Request& r);
  /// Launches `count` tasks of `s` from `t`, paced by the account's launch rate limit.
  void launch(EcsService& s, int count, sim::Time t);
  EcsService* find_service(std::string_view cluster, std::string_view name,
                           std::string_view region);
  Value service_value(const EcsService& s, sim::Time t,
                      std::span<const std::string_view> fields = {}) const;

  CloudContext& context_;
  sim::SlotVector<EcsService> services_;  // rebuilt every trial in the same buffers
  std::vector<Ec2Instance> instances_;
  std::vector<MachineImage> images_;
  /// Whether an EKS cluster named `name` exists at `t`, is active and reachable; nullopt when
  /// no cluster of that name is modelled (its deployments then need none).
  std::optional<bool> cluster_up(std::string_view name, sim::Time t) const;
  /// Whether deployment "cluster/name" passes a load balancer's checks at `seen` and `t`.
  bool deployment_serving(std::string_view key, sim::Time seen, sim::Time t) const;
  /// Whether instance `id` serves a load balancer's checks at `t` (running since `seen`).
  bool instance_serving(std::string_view id, sim::Time seen, sim::Time t) const;
  std::vector<EbsVolume> volumes_;
  std::vector<EbsSnapshot> ebs_snapshots_;
  sim::SlotVector<LoadBalancer> load_balancers_;
  std::vector<EksCluster> eks_;
  std::vector<KubeDeployment> deployments_;
  std::deque<Stack> owned_stacks_;    // add_stack's (a deque: their addresses stay put)
  std::vector<const Stack*> stacks_;  // every stack, owned or not
  struct Bucket {                     // Fargate launch-rate token bucket, per region
    std::string region;
    double tokens;
    sim::Time last;
  };
  std::vector<Bucket> launch_buckets_;
  std::uint64_t launched_ = 0;
};

}  // namespace drsim::models
