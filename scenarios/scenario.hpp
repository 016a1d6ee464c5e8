// A scenario: a system (topology), a disaster (failures), how it is noticed (detection), the
// runbook that recovers from it, what "recovered" means for clients (service), and the
// objectives. Loaded from JSON once, validated strictly (unknown fields are errors with the
// closest known name; every error names file:line:column and JSON pointer), and immutable
// afterwards. See docs/scenario-format.md.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/calibration.hpp"
#include "models/compute.hpp"
#include "models/failures.hpp"
#include "models/mock_cloud.hpp"
#include "scenarios/command.hpp"
#include "scenarios/query.hpp"

namespace drsim::scenarios {

struct Step {
  std::string id;
  std::string phase;
  std::vector<std::string> after;
  std::vector<std::size_t> after_index;  // the same steps, as places in the runbook
  // Exactly one of these kinds:
  std::optional<CommandTemplate> aws;       // an AWS CLI command (or a waiter)
  std::string command;                      // the command as the runbook wrote it
  std::optional<sim::Distribution> manual;  // a human step's duration
  std::string probe;  // a client's health check (`curl -f URL`) against the service's DNS name
  // `dig NAME`: what a resolver answers for NAME at that instant (its cache included); with
  // `expect`, the step fails unless the answer contains that text.
  std::string dig, expect;
  std::string owner;  // role doing a manual step (or running a command)
  std::vector<std::pair<std::string, Query>> outputs;  // variable <- --query on the result
  // Outputs whose --query names variables (`${GOOD_TIME}` in a literal): compiled as the step
  // runs, once the variables have values.
  std::vector<std::pair<std::string, std::string>> output_templates;
  // Runs only when this holds (a --query over the variables and `steps.<id>`: "ok",
  // "failed", "skipped" or "pending"); otherwise the step is skipped and its dependents go on.
  std::optional<Query> condition;
  std::optional<sim::Duration> timeout;
  int retries = 0;
  sim::Duration retry_delay = 0;     // wait between attempts (polling a probe, say)
  std::string on_failure = "abort";  // abort | continue
  // The resource members the outputs read, when each is a Query::resource_member: the
  // request's `fields`. Shared, so that a copy of the scenario names the same storage (its
  // requests refer to it). Null: the outputs may read anything.
  std::shared_ptr<const std::vector<std::string_view>> reads;
  // The request, when the command reads no variable (step_request with none bound).
  std::optional<models::Request> fixed_request;
  std::string pointer;  // where it was written, for messages
};

struct Phase {
  std::string name;
  std::optional<sim::Duration> budget;
};

struct Service {
  std::string dns;                     // the name clients resolve
  std::vector<std::string> databases;  // the service is up when one of these is available
  std::string secret, secret_region, secret_must_contain;  // optional: the app's config
  sim::Duration resolution = 30 * sim::kSecond;            // how finely recovery is timed
  std::string after_step;     // recovered only once this step finished (repairs of logical damage)
  std::string repair_source;  // the clean copy repaired data came from (its point is the RPO)
  // Objects that must be readable for the service to be up (S3 recoveries), and the data
  // store whose RPO they measure.
  std::string objects_bucket, objects_data_store;
  std::vector<std::string> objects;
  // Credentials that leaked (a security incident): recovered only once none of them still
  // works. Each is an RDS instance (its master password) or a secret (primary region given).
  struct Credential {
    std::string name, secret_region;  // secret_region empty: an RDS instance
  };
  std::vector<Credential> contained;
};

struct Objectives {
  std::optional<sim::Duration> rto;
  std::map<std::string, sim::Duration> rpo;  // per data store
  /// The RPO objective of data store `store`, if it has one.
  std::optional<sim::Duration> rpo_of(const std::string& store) const {
    const auto it = rpo.find(store);
    return it == rpo.end() ? std::nullopt : std::optional(it->second);
  }
};

struct Scenario {
  std::string file;
  std::string name;
  std::string source;
  std::int64_t epoch_unix_ms = 1767571200000;  // 2026-01-05T00:00:00Z, a Monday
  sim::Duration onset_window = sim::kWeek;     // the onset is uniform in [start, start + window)
  sim::Duration onset_start = 0;
  models::Calibration calibration;
  Objectives objectives;
  // Topology.
  std::vector<std::string> regions;
  std::vector<std::pair<std::string, std::string>> kms_keys;  // region, alias
  std::vector<models::DbInstanceConfig> databases;
  std::vector<models::SnapshotSchedule> schedules;
  std::vector<models::DataStore> data_stores;
  std::vector<std::pair<std::string, std::string>> zones;          // id, name
  std::vector<std::pair<std::string, models::DnsRecord>> records;  // zone, record
  std::vector<models::EcsService> services;
  std::vector<models::LoadBalancer> load_balancers;
  std::vector<models::Ec2Instance> instances;
  std::vector<models::EksCluster> eks_clusters;
  std::vector<models::KubeDeployment> kube_deployments;
  std::vector<models::MachineImage> images;  // `created` relative to the onset
  std::vector<models::Stack> stacks;
  std::vector<models::Secret> secrets;
  std::vector<std::pair<std::string, std::string>> endpoints;  // name, region: answers while up
  struct SeedObject {  // an object written before the trial, `written` relative to the onset
    std::string bucket, key;
    sim::Duration written;
    double size_mb;
  };
  std::vector<models::Bucket> buckets;
  std::vector<SeedObject> objects;
  models::Team team;
  // The disaster.
  std::vector<models::Failure> failures;
  sim::Distribution detection = sim::Distribution::constant(5.0 * sim::kMinute);
  // Or detection by a CloudWatch alarm: the metric breaches from the onset; the alarm fires
  // once `datapoints` of its `evaluation_periods` periods (aligned on the clock) have
  // breached in full, after the metric's publication and the notification (`lag`).
  struct Alarm {
    std::string metric;  // for the reader: "HTTPCode_ELB_5XX_Count"
    sim::Duration period = sim::kMinute;
    int evaluation_periods = 1;
    int datapoints = 1;
    std::optional<sim::Distribution> lag;  // default: calibration alarm_lag
  };
  std::optional<Alarm> alarm;
  bool page = true;
  // Recovery.
  std::vector<Phase> phases;
  std::vector<Step> runbook;
  Service service;
  std::string default_region;
  /// Variables set before the runbook starts (the seed's `export DR_REGION=...`).
  std::map<std::string, models::Value, std::less<>> variables;
  /// Variables that are instants relative to the onset: {"TARGET_TIME": {"onset": "-5m"}}.
  std::map<std::string, sim::Duration> onset_variables;
  /// Variables that are instants relative to when a step runs: {"RESTORE_TIME": {"now": "-2h"}}.
  std::map<std::string, sim::Duration> now_variables;
  /// Aurora clusters of the topology.
  std::vector<models::DbCluster> clusters;
  /// Files the runbook passes as file://NAME (a Route 53 change batch), by NAME.
  std::map<std::string, models::Value> files;
  /// The guard rails of a live drill (`drsim drill run --execute`): the AWS accounts and
  /// regions it may touch, and glob patterns ("mangu-*") of the resource names marked for
  /// drills. A drill config file (--config) may add to them.
  struct LiveGuards {
    std::vector<std::string> accounts, regions, marked;
  } live;
};

/// The request `step`'s command makes with `variables` bound: a file://NAME the scenario
/// holds replaced by its content, and — when the step binds nothing — no member of the answer
/// read (Request::fields), so the model may build none.
models::Request step_request(const Scenario& s, const Step& step,
                             const std::map<std::string, models::Value, std::less<>>& variables,
                             std::int64_t epoch_unix_ms);
/// The same, written over `out` (see CommandTemplate::resolve_into).
void step_request_into(models::Request& out, const Scenario& s, const Step& step,
                       const std::map<std::string, models::Value, std::less<>>& variables,
                       std::int64_t epoch_unix_ms);

/// Why a step's output could not be bound: "variable $X is not set" or "output N is not a
/// valid query", and the detail.
struct OutputError {
  std::string what, detail;
};

/// Binds `step`'s outputs from its answer (the simulated one or the live CLI's); an output whose
/// query names variables (`${GOOD_TIME}` in a literal) is compiled now, with the values bound so
/// far. Timestamps read as ISO 8601 from `epoch_unix_ms`.
std::optional<OutputError> bind_outputs(
    const Step& step, const models::Value& answer,
    std::map<std::string, models::Value, std::less<>>& variables, std::int64_t epoch_unix_ms);

/// A JSON value as an AWS-shaped value (for files and literals in scenarios).
models::Value to_value(const nlohmann::json& j);

/// Loads and validates a scenario file. Throws sim::InputError with file:line:column,
/// the JSON pointer, what was expected and a suggestion.
///
/// `"include": ["shared/topology.json"]` (paths relative to the including file) merges
/// other files first: objects merge member by member, and the including file's values win.
/// Each override "path=value" then replaces one value: the path is a JSON pointer
/// ("/topology/rds/0/size_gb") or the same with dots ("topology.rds.0.size_gb"); the value
/// is JSON when it parses as JSON ("400", "true", "{...}") and a string otherwise.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
/// The same from text (for tests); `file` names it in messages and anchors includes.
Scenario parse_scenario(std::string_view text, const std::string& file,
                        const std::vector<std::string>& overrides = {});

/// The scenario file's JSON with its includes merged and the overrides applied: everything
/// the scenario is built from, in one self-contained value (a baseline stores it).
nlohmann::json resolve_scenario(const std::string& path,
                                const std::vector<std::string>& overrides = {});
/// Builds a scenario from resolve_scenario()'s JSON; `file` names it in messages.
Scenario scenario_from_json(const nlohmann::json& resolved, const std::string& file);

}  // namespace drsim::scenarios
