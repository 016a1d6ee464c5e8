#include "scenarios/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "models/value_json.hpp"
#include "scenarios/distribution_json.hpp"
#include "scenarios/json_location.hpp"
#include "scenarios/json_object.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

using nlohmann::json;
using sim::InputError;

[[noreturn]] void fail(const std::string& pointer, std::string message,
                       std::string suggestion = {}) {
  fail_at(pointer, std::move(message), std::move(suggestion));
}

using Obj = JsonObject;

/// A signed duration: "-3d" is three days before.
sim::Duration signed_duration(const json& v, const std::string& pointer) {
  if (v.is_string() && v.get<std::string>().starts_with("-")) {
    return -static_cast<sim::Duration>(
        parse_value(json(v.get<std::string>().substr(1)), pointer, ValueKind::kDuration));
  }
  return static_cast<sim::Duration>(parse_value(v, pointer, ValueKind::kDuration));
}

void load_calibration(const json& j, const std::string& pointer, models::Calibration& c) {
  if (!j.is_object()) fail(pointer, "`calibration` must be an object of default names and values");
  std::vector<std::string_view> names;
  for (const models::CalibrationField& f : models::calibration_fields()) names.push_back(f.name);
  for (const auto& [key, value] : j.items()) {
    const std::string p = pointer + "/" + key;
    const models::CalibrationField* f = models::find_calibration_field(key);
    if (f == nullptr)
      fail(p, fmt::format("unknown calibration default `{}`", key), sim::suggest(key, names));
    switch (f->kind) {
      case models::CalibrationField::Kind::kDistribution:
        c.*(f->distribution) = parse_distribution(value, p, ValueKind::kDuration);
        break;
      case models::CalibrationField::Kind::kDuration:
        c.*(f->duration) = static_cast<sim::Duration>(parse_value(value, p, ValueKind::kDuration));
        break;
      case models::CalibrationField::Kind::kNumber:
        c.*(f->number) = parse_value(value, p, ValueKind::kNumber);
        break;
    }
  }
}

models::EcsService load_ecs(const json& j, const std::string& p) {
  Obj o(j, p, "an ECS service", {"cluster", "name", "region", "desired"});
  return {.cluster = o.text("cluster", true),
          .name = o.text("name", true),
          .region = o.text("region", true),
          .desired = static_cast<int>(o.number("desired", 0))};
}

models::LoadBalancer load_lb(const json& j, const std::string& p) {
  Obj o(j, p, "a load balancer",
        {"name", "region", "dns_name", "ecs_services", "instances", "kube_deployments",
         "auto_scaling_groups"});
  return {.name = o.text("name", true),
          .region = o.text("region", true),
          .dns_name = o.text("dns_name"),
          .target_group = o.text("name", true),
          .ecs_services = o.strings("ecs_services"),
          .instances = o.strings("instances"),
          .kube_deployments = o.strings("kube_deployments"),
          .auto_scaling_groups = o.strings("auto_scaling_groups")};
}

void load_topology(const json& j, const std::string& pointer, Scenario& s) {
  Obj t(j, pointer, "the topology",
        {"regions", "kms_keys", "rds", "data_stores", "dns", "ecs", "ec2", "eks", "load_balancers",
         "stacks", "secrets", "team", "endpoints", "aurora", "s3"});
  s.regions = t.strings("regions");
  if (s.regions.empty()) fail(pointer, "the topology needs at least one region in `regions`");
  auto region = [&](const std::string& name, const std::string& p) {
    if (std::find(s.regions.begin(), s.regions.end(), name) == s.regions.end()) {
      std::vector<std::string_view> known(s.regions.begin(), s.regions.end());
      fail(p, fmt::format("region `{}` is not in the topology's regions", name),
           sim::suggest(name, known));
    }
    return name;
  };
  t.each("kms_keys", [&](const json& k, const std::string& p) {
    Obj o(k, p, "a KMS key", {"region", "alias"});
    s.kms_keys.emplace_back(region(o.text("region", true), o.at("region")), o.text("alias", true));
  });
  t.each("rds", [&](const json& d, const std::string& p) {
    Obj o(d, p, "an RDS instance",
          {"id", "region", "az", "engine", "class", "size_gb", "multi_az", "encrypted", "kms_key",
           "backup_retention_days", "data_store", "replica_of", "snapshots"});
    models::DbInstanceConfig db;
    db.id = o.text("id", true);
    db.region = region(o.text("region", true), o.at("region"));
    db.az = o.text("az");
    db.engine = o.text("engine", false, "postgres");
    db.instance_class = o.text("class", false, "db.r6g.large");
    db.size_gb = o.number("size_gb", 100);
    db.multi_az = o.flag("multi_az", false);
    db.encrypted = o.flag("encrypted", true);
    db.kms_key = o.text("kms_key", false, "alias/aws/rds");
    db.backup_retention_days = static_cast<int>(o.number("backup_retention_days", 7));
    db.data_store = o.text("data_store", false, db.id);
    db.replica_of = o.text("replica_of");
    s.databases.push_back(db);
    if (o.has("snapshots")) {
      Obj sn(o["snapshots"], o.at("snapshots"), "a snapshot schedule",
             {"every", "at", "retention", "type", "prefix", "copy_to", "copy_prefix", "copy_suffix",
              "copy_kms_key", "random_window"});
      models::SnapshotSchedule sc;
      sc.instance_id = db.id;
      sc.every = sn.duration("every", sim::kDay);
      if (sc.every <= 0) fail(sn.at("every"), "`every` must be longer than 0s");
      sc.offset = sn.duration("at", 3 * sim::kHour);
      sc.retention = sn.duration("retention", 7 * sim::kDay);
      sc.type = sn.text("type", false, "automated");
      if (sc.type != "automated" && sc.type != "manual")
        fail(sn.at("type"), "`type` must be \"automated\" or \"manual\"");
      sc.id_prefix = sn.text("prefix");
      sc.copy_to = sn.text("copy_to");
      if (!sc.copy_to.empty()) region(sc.copy_to, sn.at("copy_to"));
      sc.copy_id_prefix = sn.text("copy_prefix");
      if (sn.has("copy_suffix")) sc.copy_id_suffix = sn.text("copy_suffix");
      sc.copy_kms_key = sn.text("copy_kms_key");
      sc.random_window = sn.flag("random_window", false);
      s.schedules.push_back(sc);
    }
  });
  t.each("data_stores", [&](const json& d, const std::string& p) {
    Obj o(d, p, "a data store", {"name", "writes_per_second", "unit"});
    s.data_stores.push_back(
        {o.text("name", true), o.number("writes_per_second", 0), o.text("unit", false, "writes")});
  });
  if (t.has("dns")) {
    Obj dns(t["dns"], t.at("dns"), "the DNS section", {"zones", "records"});
    dns.each("zones", [&](const json& z, const std::string& p) {
      Obj o(z, p, "a hosted zone", {"id", "name"});
      s.zones.emplace_back(o.text("id", true), o.text("name", true));
    });
    dns.each("records", [&](const json& r, const std::string& p) {
      Obj o(r, p, "a DNS record",
            {"zone", "name", "type", "target", "ttl", "alias", "set_identifier", "weight",
             "failover", "health_check"});
      models::DnsRecord rec{.name = o.text("name", true),
                            .type = o.text("type", false, "CNAME"),
                            .set_identifier = o.text("set_identifier"),
                            .weight = static_cast<int>(o.number("weight", -1)),
                            .failover = o.text("failover"),
                            .health_check = o.text("health_check"),
                            .target = o.text("target", true),
                            .alias = o.flag("alias", false),
                            .ttl = o.duration("ttl", 60 * sim::kSecond)};
      const std::string zone = o.text("zone", true);
      if (std::none_of(s.zones.begin(), s.zones.end(),
                       [&](const auto& z) { return z.first == zone; })) {
        fail(o.at("zone"), fmt::format("hosted zone `{}` is not declared in dns.zones", zone));
      }
      s.records.emplace_back(zone, rec);
    });
  }
  t.each("ecs", [&](const json& e, const std::string& p) { s.services.push_back(load_ecs(e, p)); });
  t.each("load_balancers",
         [&](const json& e, const std::string& p) { s.load_balancers.push_back(load_lb(e, p)); });
  t.each("stacks", [&](const json& e, const std::string& p) {
    Obj o(e, p, "an infrastructure stack",
          {"name", "region", "ecs", "load_balancers", "eks", "duration"});
    models::Stack stack{.name = o.text("name", true),
                        .region = region(o.text("region", true), o.at("region")),
                        .eks_clusters = o.strings("eks")};
    o.each("ecs",
           [&](const json& x, const std::string& q) { stack.services.push_back(load_ecs(x, q)); });
    o.each("load_balancers", [&](const json& x, const std::string& q) {
      stack.load_balancers.push_back(load_lb(x, q));
    });
    if (o.has("duration")) stack.duration = parse_distribution(o["duration"], o.at("duration"));
    s.stacks.push_back(std::move(stack));
  });
  t.each("secrets", [&](const json& e, const std::string& p) {
    Obj o(e, p, "a secret", {"name", "region", "replicas", "value"});
    models::Secret secret{.name = o.text("name", true),
                          .region = region(o.text("region", true), o.at("region")),
                          .replica_regions = o.strings("replicas")};
    secret.versions.push_back({"v0", o.text("value", false, "initial"), -sim::kWeek});
    s.secrets.push_back(std::move(secret));
  });
  t.each("aurora", [&](const json& e, const std::string& p) {
    Obj o(e, p, "an Aurora cluster",
          {"id", "region", "engine", "readers", "replication_group", "secondary", "data_store"});
    models::DbCluster c;
    c.id = o.text("id", true);
    c.region = region(o.text("region", true), o.at("region"));
    c.engine = o.text("engine", false, "aurora-postgresql");
    c.readers = static_cast<int>(o.number("readers", 1));
    c.global_cluster = o.text("replication_group");
    c.secondary = o.flag("secondary", false);
    c.data_store = o.text("data_store", false, c.id);
    s.clusters.push_back(std::move(c));
  });
  t.each("s3", [&](const json& e, const std::string& p) {
    Obj o(e, p, "an S3 bucket",
          {"name", "region", "versioning", "replication", "objects", "other_data_gb"});
    models::Bucket b{.name = o.text("name", true),
                     .region = region(o.text("region", true), o.at("region")),
                     .versioning = o.flag("versioning", false)};
    b.other_data_gb = o.number("other_data_gb", 0);
    o.each("replication", [&](const json& r, const std::string& rp) {
      Obj ro(r, rp, "a replication rule", {"destination", "rtc", "delete_markers"});
      b.replication.push_back({.destination = ro.text("destination", true),
                               .replication_time_control = ro.flag("rtc", false),
                               .delete_marker_replication = ro.flag("delete_markers", false)});
    });
    o.each("objects", [&](const json& ob, const std::string& op) {
      Obj oo(ob, op, "an object", {"key", "written", "size_mb"});
      s.objects.push_back(
          {b.name, oo.text("key", true),
           oo.has("written") ? signed_duration(oo["written"], oo.at("written")) : -sim::kWeek,
           oo.number("size_mb", 1)});
    });
    s.buckets.push_back(std::move(b));
  });
  if (t.has("ec2")) {
    Obj ec2(t["ec2"], t.at("ec2"), "the EC2 section", {"instances", "images"});
    ec2.each("instances", [&](const json& e, const std::string& p) {
      Obj o(e, p, "an EC2 instance", {"id", "region", "az", "image", "group"});
      models::Ec2Instance i;
      i.id = o.text("id", true);
      i.region = region(o.text("region", true), o.at("region"));
      i.az = o.text("az", false, i.region + "a");
      i.image = o.text("image");
      i.group = o.text("group");
      s.instances.push_back(std::move(i));
    });
    ec2.each("images", [&](const json& e, const std::string& p) {
      Obj o(e, p, "a machine image (AMI)", {"id", "region", "created"});
      s.images.push_back(
          {region(o.text("region", true), o.at("region")), o.text("id", true),
           o.has("created") ? signed_duration(o["created"], o.at("created")) : -30 * sim::kDay});
    });
  }
  if (t.has("eks")) {
    Obj eks(t["eks"], t.at("eks"), "the EKS section", {"clusters", "deployments"});
    eks.each("clusters", [&](const json& e, const std::string& p) {
      Obj o(e, p, "an EKS cluster", {"name", "region"});
      s.eks_clusters.push_back(
          {.name = o.text("name", true), .region = region(o.text("region", true), o.at("region"))});
    });
    eks.each("deployments", [&](const json& e, const std::string& p) {
      Obj o(e, p, "a Kubernetes deployment", {"cluster", "name"});
      const std::string cluster = o.text("cluster", true);
      if (std::none_of(s.eks_clusters.begin(), s.eks_clusters.end(),
                       [&](const models::EksCluster& c) { return c.name == cluster; })) {
        std::vector<std::string_view> names;
        for (const models::EksCluster& c : s.eks_clusters) names.push_back(c.name);
        fail(o.at("cluster"), fmt::format("EKS cluster `{}` is not in the topology", cluster),
             sim::suggest(cluster, names));
      }
      s.kube_deployments.push_back({.cluster = cluster, .name = o.text("name", true)});
    });
  }
  t.each("endpoints", [&](const json& e, const std::string& p) {
    Obj o(e, p, "an endpoint", {"name", "region"});
    s.endpoints.emplace_back(o.text("name", true), region(o.text("region", true), o.at("region")));
  });
  if (t.has("team")) {
    Obj team(t["team"], t.at("team"), "the team", {"escalation", "headcount", "utc_offset_hours"});
    team.each("escalation", [&](const json& e, const std::string& p) {
      Obj o(e, p, "an escalation level", {"role", "timeout"});
      s.team.escalation.push_back({o.text("role", true), o.duration("timeout", 15 * sim::kMinute)});
    });
    if (team.has("headcount")) {
      const json& h = team["headcount"];
      if (!h.is_object())
        fail(team.at("headcount"), "`headcount` must map roles to numbers of people");
      for (const auto& [role, n] : h.items()) {
        s.team.headcount.emplace_back(
            role, static_cast<int>(
                      parse_value(n, team.at("headcount") + "/" + role, ValueKind::kNumber)));
      }
    }
    s.team.utc_offset_hours = static_cast<int>(team.number("utc_offset_hours", 0));
  }
}

void load_failures(const Obj& root, Scenario& s) {
  root.each("failures", [&](const json& f, const std::string& p) {
    Obj o(f, p, "a failure",
          {"kind", "offset", "window", "duration", "region", "az", "target", "role", "service",
           "operation", "keys", "probability", "error"});
    const std::string kind = o.text("kind", true);
    const auto k = models::failure_from_name(kind);
    if (!k)
      fail(o.at("kind"), fmt::format("unknown failure kind `{}`", kind),
           sim::suggest(kind, models::failure_names()));
    models::Failure failure{.kind = *k};
    if (o.has("offset")) failure.offset = signed_duration(o["offset"], o.at("offset"));
    failure.window = o.duration("window", 0);
    if (o.has("duration")) failure.duration = parse_distribution(o["duration"], o.at("duration"));
    failure.region = o.text("region");
    failure.az = o.text("az");
    failure.target = o.text("target");
    failure.role = o.text("role");
    failure.service = o.text("service");
    failure.operation = o.text("operation");
    failure.keys = o.strings("keys");
    failure.probability = o.number("probability", 1.0);
    // Targets of the compute failures must name something in the topology.
    std::vector<std::string> known;
    std::string what;
    if (failure.kind == models::FailureKind::kInstanceFailure) {
      what = "an EC2 instance";
      for (const models::Ec2Instance& i : s.instances) known.push_back(i.id);
    } else if (failure.kind == models::FailureKind::kBadDeployment) {
      what = "a Kubernetes deployment (cluster/name)";
      for (const models::KubeDeployment& d : s.kube_deployments)
        known.push_back(d.cluster + "/" + d.name);
    } else if (failure.kind == models::FailureKind::kEksClusterFailure) {
      what = "an EKS cluster";
      for (const models::EksCluster& c : s.eks_clusters) known.push_back(c.name);
    }
    if (!what.empty() && std::find(known.begin(), known.end(), failure.target) == known.end()) {
      const std::vector<std::string_view> views(known.begin(), known.end());
      fail(o.at("target"), fmt::format("`{}` is not {} of the topology", failure.target, what),
           sim::suggest(failure.target, views));
    }
    if (o.has("error")) {
      const auto code = models::error_from_name(o.text("error"));
      if (!code) fail(o.at("error"), fmt::format("unknown AWS error `{}`", o.text("error")));
      failure.error = *code;
    }
    s.failures.push_back(std::move(failure));
  });
}

Step load_step(const json& j, const std::string& p) {
  Obj o(j, p, "a runbook step",
        {"id", "phase", "after", "if", "aws", "manual", "probe", "dig", "expect", "owner",
         "outputs", "timeout", "retries", "retry_delay", "on_failure"});
  Step step;
  step.pointer = p;
  step.id = o.text("id", true);
  step.phase = o.text("phase");
  step.after = o.strings("after");
  step.owner = o.text("owner");
  if (int(o.has("aws")) + int(o.has("manual")) + int(o.has("probe")) + int(o.has("dig")) != 1) {
    fail(p,
         "a step needs exactly one of `aws` (a CLI command), `manual` (a duration), `probe` "
         "(a URL on the service's DNS name) and `dig` (a DNS name)");
  }
  if (o.has("expect") && !o.has("dig")) fail(o.at("expect"), "`expect` belongs to a `dig` step");
  if (o.has("aws")) {
    try {
      step.command = o.text("aws", true);
      step.aws = parse_command(step.command);
    } catch (const InputError& e) {
      throw e.located(sim::Location{{}, 0, 0, o.at("aws")});
    }
    if (!step.aws->query.empty()) {
      fail(
          o.at("aws"),
          "put the --query of a step in its `outputs` ({\"NAME\": \"query\"}), not in the command");
    }
  } else if (o.has("dig")) {
    // `dig NAME`, `dig +short NAME` or just NAME.
    std::istringstream words(o.text("dig", true));
    for (std::string w; words >> w;) {
      if (w != "dig" && !w.starts_with("+")) step.dig = w;
    }
    if (step.dig.empty())
      fail(o.at("dig"), "expected a DNS name, as in `dig +short api.example.com`");
    step.expect = o.text("expect");
    if (o.has("outputs")) fail(o.at("outputs"), "a dig step binds no outputs");
  } else if (o.has("probe")) {
    step.probe = o.text("probe", true);
    if (!step.probe.starts_with("https://") && !step.probe.starts_with("http://"))
      fail(o.at("probe"), "expected an http:// or https:// URL, as a client would fetch it");
    if (o.has("outputs")) fail(o.at("outputs"), "a probe binds no outputs");
  } else {
    step.manual = parse_distribution(o["manual"], o.at("manual"));
  }
  if (o.has("outputs")) {
    const json& out = o["outputs"];
    if (!out.is_object())
      fail(o.at("outputs"), "`outputs` maps variable names to --query expressions");
    for (const auto& [name, query] : out.items()) {
      const std::string qp = o.at("outputs") + "/" + name;
      if (!query.is_string()) fail(qp, "expected a --query expression (a string)");
      const std::string text = query.get<std::string>();
      std::string unused;
      const std::string probe = expand_variables(
          text, [](std::string_view) { return std::optional<std::string>("2000-01-01T00:00:00Z"); },
          unused);
      try {
        const Query compiled = Query::compile(probe);  // a syntax error shows here, not mid-run
        if (probe == text) {
          step.outputs.emplace_back(name, compiled);
        } else {
          step.output_templates.emplace_back(name, text);
        }
      } catch (const InputError& e) {
        throw e.located(sim::Location{{}, 0, 0, qp});
      }
    }
  }
  if (o.has("if")) {
    try {
      step.condition = Query::compile(o.text("if", true));
    } catch (const InputError& e) {
      throw e.located(sim::Location{{}, 0, 0, o.at("if")});
    }
  }
  if (o.has("timeout")) step.timeout = o.duration("timeout", 0);
  step.retries = static_cast<int>(o.number("retries", 0));
  step.retry_delay = o.duration("retry_delay", 0);
  step.on_failure = o.text("on_failure", false, "abort");
  if (step.on_failure != "abort" && step.on_failure != "continue") {
    fail(o.at("on_failure"), "`on_failure` must be \"abort\" or \"continue\"");
  }
  return step;
}

/// Step ids unique, `after` names known steps, no cycles, owners known to the team.
void check_runbook(const Scenario& s) {
  std::vector<std::string_view> ids;
  for (const Step& step : s.runbook) {
    if (std::find(ids.begin(), ids.end(), step.id) != ids.end()) {
      fail(step.pointer + "/id", fmt::format("step id `{}` is used twice", step.id));
    }
    ids.push_back(step.id);
  }
  std::vector<std::string_view> roles;
  for (const auto& l : s.team.escalation) roles.push_back(l.role);
  for (const auto& [role, n] : s.team.headcount) roles.push_back(role);
  for (const Step& step : s.runbook) {
    for (std::size_t i = 0; i < step.after.size(); ++i) {
      if (std::find(ids.begin(), ids.end(), step.after[i]) == ids.end()) {
        fail(step.pointer + "/after/" + std::to_string(i),
             fmt::format("unknown step `{}`", step.after[i]), sim::suggest(step.after[i], ids));
      }
    }
    if (!step.owner.empty() && !roles.empty() &&
        std::find(roles.begin(), roles.end(), step.owner) == roles.end()) {
      fail(step.pointer + "/owner", fmt::format("role `{}` is not in the team", step.owner),
           sim::suggest(step.owner, roles));
    }
  }
  // Cycles: depth-first search, reporting the loop.
  std::vector<int> state(s.runbook.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<std::size_t> stack;
  auto index_of = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
  };
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    state[i] = 1;
    stack.push_back(i);
    for (const std::string& dep : s.runbook[i].after) {
      const std::size_t j = index_of(dep);
      if (state[j] == 1) {
        std::string loop;
        for (auto it = std::find(stack.begin(), stack.end(), j); it != stack.end(); ++it)
          loop += s.runbook[*it].id + " -> ";
        fail(s.runbook[i].pointer + "/after",
             fmt::format("the steps' `after` form a cycle: {}{}", loop, s.runbook[j].id));
      }
      if (state[j] == 0) visit(j);
    }
    stack.pop_back();
    state[i] = 2;
  };
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    if (state[i] == 0) visit(i);
  }
}

/// Step::reads: the members the step's outputs read, when each output reads one.
std::shared_ptr<const std::vector<std::string_view>> members_read(const Step& step) {
  if (step.outputs.empty() || !step.output_templates.empty()) return nullptr;
  auto reads = std::make_shared<std::vector<std::string_view>>();
  for (const auto& [name, query] : step.outputs) {
    const std::string_view member = query.resource_member();
    if (member.empty()) return nullptr;
    if (std::find(reads->begin(), reads->end(), member) == reads->end()) reads->push_back(member);
  }
  return reads;
}

Scenario from_json(const json& j) {
  Scenario s;
  Obj root(j, "", "a scenario",
           {"name", "source", "epoch", "onset_window", "onset_start", "objectives", "calibration",
            "topology", "failures", "detection", "phases", "runbook", "service", "default_region",
            "files", "include", "variables", "lint", "live"});
  // Lint's acknowledgements of the runbook's known defects: checked for shape here, read by
  // `drsim lint`.
  if (root.has("lint")) {
    Obj lint(root["lint"], root.at("lint"), "the lint settings", {"acknowledged"});
    lint.each("acknowledged", [&](const json& a, const std::string& p) {
      Obj ack(a, p, "an acknowledged lint finding", {"rule", "step", "reason"});
      ack.text("rule", true);
      ack.text("step");
      ack.text("reason", true);
    });
  }
  if (root.has("live")) {
    Obj live(root["live"], root.at("live"), "the live drill's guard rails",
             {"accounts", "regions", "marked"});
    s.live = {live.strings("accounts"), live.strings("regions"), live.strings("marked")};
  }
  s.name = root.text("name", true);
  s.source = root.text("source");
  if (root.has("epoch")) {
    const auto t = models::parse_iso8601(root.text("epoch"), 0);
    if (!t)
      fail(root.at("epoch"), "`epoch` must be an ISO 8601 UTC time like \"2026-01-05T00:00:00Z\"");
    s.epoch_unix_ms = *t;
  }
  s.onset_window = root.duration("onset_window", sim::kWeek);
  s.onset_start = root.duration("onset_start", 0);
  if (root.has("calibration"))
    load_calibration(root["calibration"], root.at("calibration"), s.calibration);
  if (!root.has("topology")) fail("", "missing field `topology`");
  load_topology(root["topology"], root.at("topology"), s);
  s.default_region = root.text("default_region", false, s.regions.front());
  load_failures(root, s);
  if (root.has("objectives")) {
    Obj o(root["objectives"], root.at("objectives"), "the objectives", {"rto", "rpo"});
    if (o.has("rto")) s.objectives.rto = o.duration("rto", 0);
    if (o.has("rpo")) {
      if (!o["rpo"].is_object())
        fail(o.at("rpo"), "`rpo` maps data stores to durations: {\"orders-db\": \"24h\"}");
      for (const auto& [store, d] : o["rpo"].items()) {
        s.objectives.rpo[store] = static_cast<sim::Duration>(
            parse_value(d, o.at("rpo") + "/" + store, ValueKind::kDuration));
      }
    }
  }
  if (root.has("detection")) {
    Obj d(root["detection"], root.at("detection"), "the detection", {"delay", "alarm", "page"});
    if (d.has("delay") && d.has("alarm"))
      fail(d.at("alarm"), "give either `delay` or `alarm`, not both");
    if (d.has("delay")) s.detection = parse_distribution(d["delay"], d.at("delay"));
    if (d.has("alarm")) {
      Obj a(d["alarm"], d.at("alarm"), "the alarm",
            {"metric", "period", "evaluation_periods", "datapoints_to_alarm", "lag"});
      Scenario::Alarm alarm;
      alarm.metric = a.text("metric");
      alarm.period = a.duration("period", sim::kMinute);
      if (alarm.period < 10 * sim::kSecond ||
          (alarm.period > 30 * sim::kSecond && alarm.period % sim::kMinute != 0) ||
          (alarm.period < sim::kMinute && alarm.period != 10 * sim::kSecond &&
           alarm.period != 30 * sim::kSecond)) {
        fail(a.at("period"), "a CloudWatch alarm's period is 10s, 30s or a multiple of 1m");
      }
      alarm.evaluation_periods = static_cast<int>(a.number("evaluation_periods", 1));
      alarm.datapoints =
          static_cast<int>(a.number("datapoints_to_alarm", alarm.evaluation_periods));
      if (alarm.evaluation_periods < 1)
        fail(a.at("evaluation_periods"), "at least 1 evaluation period");
      if (alarm.datapoints < 1 || alarm.datapoints > alarm.evaluation_periods) {
        fail(a.at("datapoints_to_alarm"),
             fmt::format("between 1 and evaluation_periods ({})", alarm.evaluation_periods));
      }
      if (a.has("lag")) alarm.lag = parse_distribution(a["lag"], a.at("lag"));
      s.alarm = std::move(alarm);
    }
    s.page = d.flag("page", true);
  }
  root.each("phases", [&](const json& ph, const std::string& p) {
    Obj o(ph, p, "a phase", {"name", "budget"});
    s.phases.push_back({o.text("name", true),
                        o.has("budget") ? std::optional(o.duration("budget", 0)) : std::nullopt});
  });
  if (root.has("variables")) {
    if (!root["variables"].is_object())
      fail(root.at("variables"),
           "`variables` maps names to values: {\"DR_REGION\": \"us-east-1\"}");
    for (const auto& [name, value] : root["variables"].items()) {
      if (value.is_object()) {
        Obj o(value, root.at("variables") + "/" + name, "a relative instant", {"onset", "now"});
        if (o.has("onset") == o.has("now")) {
          fail(o.pointer(),
               "expected {\"onset\": \"-5m\"} (relative to the disaster's onset) or {\"now\": "
               "\"-2h\"} (to when a step runs)");
        }
        if (o.has("onset")) {
          s.onset_variables[name] = signed_duration(o["onset"], o.at("onset"));
        } else {
          s.now_variables[name] = signed_duration(o["now"], o.at("now"));
        }
      } else {
        s.variables[name] = to_value(value);
      }
    }
  }
  if (root.has("files")) {
    if (!root["files"].is_object())
      fail(root.at("files"), "`files` maps file names to their JSON content");
    for (const auto& [name, content] : root["files"].items()) s.files[name] = to_value(content);
  }
  root.each("runbook",
            [&](const json& st, const std::string& p) { s.runbook.push_back(load_step(st, p)); });
  for (const Step& step : s.runbook) {
    if (!step.aws) continue;
    for (const auto& [param, v] : step.aws->params) {
      if (v.parts.size() != 1 || v.parts[0].variable || !v.parts[0].text.starts_with("file://"))
        continue;
      const std::string name = v.parts[0].text.substr(7);
      if (!s.files.contains(name)) {
        std::vector<std::string_view> known;
        for (const auto& [f, _] : s.files) known.push_back(f);
        fail(step.pointer + "/aws",
             fmt::format(
                 "the command reads file://{}, which the scenario's `files` does not define", name),
             known.empty() ? fmt::format("add it under \"files\": {{\"{}\": {{...}}}}", name)
                           : sim::suggest(name, known));
      }
    }
  }
  if (s.runbook.empty()) fail("", "missing field `runbook` (a list of steps)");
  check_runbook(s);
  if (!root.has("service"))
    fail("", "missing field `service`: what \"recovered\" means for clients");
  Obj sv(root["service"], root.at("service"), "the service",
         {"dns", "databases", "secret", "resolution", "after_step", "repair_source", "objects",
          "contained"});
  s.service.dns = sv.text("dns", true);
  s.service.databases = sv.strings("databases");
  s.service.resolution = sv.duration("resolution", 30 * sim::kSecond);
  s.service.after_step = sv.text("after_step");
  s.service.repair_source = sv.text("repair_source");
  if (sv.has("objects")) {
    Obj ob(sv["objects"], sv.at("objects"), "the service's objects",
           {"bucket", "keys", "data_store"});
    s.service.objects_bucket = ob.text("bucket", true);
    s.service.objects = ob.strings("keys");
    s.service.objects_data_store = ob.text("data_store");
    if (std::none_of(s.buckets.begin(), s.buckets.end(),
                     [&](const models::Bucket& b) { return b.name == s.service.objects_bucket; })) {
      fail(ob.at("bucket"),
           fmt::format("bucket `{}` is not in the topology", s.service.objects_bucket));
    }
  }
  if (!s.service.after_step.empty() &&
      std::none_of(s.runbook.begin(), s.runbook.end(),
                   [&](const Step& st) { return st.id == s.service.after_step; })) {
    std::vector<std::string_view> ids;
    for (const Step& st : s.runbook) ids.push_back(st.id);
    fail(sv.at("after_step"), fmt::format("unknown step `{}`", s.service.after_step),
         sim::suggest(s.service.after_step, ids));
  }
  // A probe asks what a client of the service sees: its URL must name the service.
  for (const Step& st : s.runbook) {
    if (st.probe.empty()) continue;
    const std::string_view rest = std::string_view(st.probe).substr(st.probe.find("//") + 2);
    const std::string_view host = rest.substr(0, rest.find_first_of(":/?"));
    if (host != s.service.dns) {
      fail(st.pointer + "/probe",
           fmt::format("the probe's host `{}` is not the service's DNS name `{}`", host,
                       s.service.dns),
           fmt::format("did you mean `https://{}/`?", s.service.dns));
    }
  }
  const std::vector<std::string> contained = sv.strings("contained");
  for (std::size_t i = 0; i < contained.size(); ++i) {
    const std::string& name = contained[i];
    std::vector<std::string_view> known;
    Service::Credential c{name, {}};
    bool found = false;
    for (const models::DbInstanceConfig& db : s.databases) {
      known.push_back(db.id);
      found = found || db.id == name;
    }
    for (const models::Secret& secret : s.secrets) {
      known.push_back(secret.name);
      if (!found && secret.name == name) {
        found = true;
        c.secret_region = secret.region;
      }
    }
    if (!found) {
      fail(fmt::format("{}/{}", sv.at("contained"), i),
           fmt::format("`{}` is neither an RDS instance nor a secret of the topology", name),
           sim::suggest(name, known));
    }
    s.service.contained.push_back(std::move(c));
  }
  if (sv.has("secret")) {
    Obj sec(sv["secret"], sv.at("secret"), "the service's secret",
            {"name", "region", "must_contain"});
    s.service.secret = sec.text("name", true);
    s.service.secret_region = sec.text("region", true);
    s.service.secret_must_contain = sec.text("must_contain", true);
  }
  for (Step& step : s.runbook) {
    step.reads = members_read(step);
    if (step.aws && step.aws->variables().empty())
      step.fixed_request = step_request(s, step, {}, s.epoch_unix_ms);
    step.after_index.clear();
    for (const std::string& dep : step.after) {
      for (std::size_t j = 0; j < s.runbook.size(); ++j) {
        if (s.runbook[j].id == dep) step.after_index.push_back(j);
      }
    }
  }
  return s;
}

}  // namespace

models::Request step_request(const Scenario& s, const Step& step,
                             const std::map<std::string, models::Value, std::less<>>& variables,
                             std::int64_t epoch_unix_ms) {
  models::Request request;
  step_request_into(request, s, step, variables, epoch_unix_ms);
  return request;
}

void step_request_into(models::Request& out, const Scenario& s, const Step& step,
                       const std::map<std::string, models::Value, std::less<>>& variables,
                       std::int64_t epoch_unix_ms) {
  const CommandTemplate& c = *step.aws;
  c.resolve_into(out, variables, s.default_region, epoch_unix_ms);
  if (c.waiter.empty() && step.outputs.empty() && step.output_templates.empty())
    out.fields = models::kReadsNothing;
  else if (c.waiter.empty() && step.reads)
    out.fields = *step.reads;
  for (models::Param& p : out.params) {
    if (p.value.is_string() && p.value.as_string().starts_with("file://"))
      p.value = s.files.at(p.value.as_string().substr(7));
  }
}

std::optional<OutputError> bind_outputs(
    const Step& step, const models::Value& answer,
    std::map<std::string, models::Value, std::less<>>& variables, std::int64_t epoch_unix_ms) {
  for (const auto& [name, query] : step.outputs)
    variables[name] = query.evaluate(answer, epoch_unix_ms);
  for (const auto& [name, text] : step.output_templates) {
    std::string missing;
    const std::string expanded = expand_variables(
        text,
        [&](std::string_view v) -> std::optional<std::string> {
          const auto it = variables.find(v);
          if (it == variables.end()) return std::nullopt;
          return it->second.to_text(epoch_unix_ms);
        },
        missing);
    if (!missing.empty()) {
      return OutputError{
          fmt::format("variable ${} is not set", missing),
          fmt::format("the query of output {} reads ${}, which no earlier step binds", name,
                      missing)};
    }
    try {
      variables[name] = Query::compile(expanded).evaluate(answer, epoch_unix_ms);
    } catch (const sim::InputError& e) {
      return OutputError{fmt::format("output {} is not a valid query", name),
                         fmt::format("`{}`: {}", expanded, e.message())};
    }
  }
  return std::nullopt;
}

models::Value to_value(const json& j) {
  return models::value_from_json(j);
}

namespace {

std::string read_file(const std::string& path, const sim::Location& from) {
  return read_input_file(path, from);
}

/// `base` with `top` laid over it: objects merge member by member; anything else in `top`
/// replaces what `base` had.
void merge_into(json& base, const json& top) {
  if (!base.is_object() || !top.is_object()) {
    base = top;
    return;
  }
  for (const auto& [key, value] : top.items()) {
    if (base.contains(key)) {
      merge_into(base[key], value);
    } else {
      base[key] = value;
    }
  }
}

/// One file of a scenario as read, and the files it includes: where a value of the merged
/// document came from, so that an error in it names the file that wrote it.
struct Layer {
  std::string file, text;
  json own;  // the file's own fields (its `include` taken out)
  std::vector<Layer> parts;

  /// The layer whose own fields supply `pointer` in the merge: the file itself over its
  /// includes, later includes over earlier ones (as merge_into lays them).
  const Layer* source_of(const json::json_pointer& pointer) const {
    try {
      if (own.contains(pointer)) return this;
    } catch (const json::exception&) {
      return nullptr;  // a token that is not an index into an array here
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      if (const Layer* l = it->source_of(pointer)) return l;
    }
    return nullptr;
  }

  /// `error` (its pointer into the merged document) located in the file that wrote the
  /// value, or its nearest ancestor.
  InputError locate(const InputError& error) const {
    const Layer* source = this;
    try {
      for (json::json_pointer p(error.where().pointer);; p.pop_back()) {
        if (const Layer* l = source_of(p)) {
          source = l;
          break;
        }
        if (p.empty()) break;
      }
    } catch (const json::exception&) {
      // not a JSON pointer (e.g. a --set path): the scenario file itself
    }
    return JsonLocations(source->text, source->file).locate(error);
  }
};

/// Replaces `j` by the merge of its includes (recursively) with itself on top, recording
/// each file in `layer` (whose file and text the caller set).
void resolve_includes(json& j, Layer& layer, std::vector<std::string>& chain) {
  if (!j.is_object() || !j.contains("include")) {
    layer.own = j;
    return;
  }
  const json includes = j["include"];
  j.erase("include");
  layer.own = j;
  if (!includes.is_array()) fail("/include", "`include` must be an array of file paths");
  json merged = json::object();
  const std::filesystem::path dir = std::filesystem::path(layer.file).parent_path();
  for (std::size_t i = 0; i < includes.size(); ++i) {
    const std::string pointer = "/include/" + std::to_string(i);
    if (!includes[i].is_string()) fail(pointer, "expected a file path");
    const std::string path = (dir / includes[i].get<std::string>()).lexically_normal().string();
    if (std::find(chain.begin(), chain.end(), path) != chain.end()) {
      fail(pointer,
           fmt::format("`{}` includes itself (through {})", path, fmt::join(chain, " -> ")));
    }
    if (chain.size() > 8) fail(pointer, "includes nest more than 8 deep");
    Layer& part_layer = layer.parts.emplace_back();
    part_layer.file = path;
    part_layer.text = read_file(path, sim::Location{{}, 0, 0, pointer});
    json part = parse_json(part_layer.text, path);
    chain.push_back(path);
    try {
      resolve_includes(part, part_layer, chain);
    } catch (const InputError& e) {
      throw JsonLocations(part_layer.text, path).locate(e);
    }
    chain.pop_back();
    merge_into(merged, part);
  }
  merge_into(merged, j);
  j = std::move(merged);
}

void apply_override(json& j, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto where = [](const std::string& what) {
    return sim::Location{{}, 0, 0, "--set " + what};
  };
  if (eq == std::string::npos || eq == 0) {
    throw InputError(where(assignment),
                     "expected --set path=value, e.g. --set topology.rds.0.size_gb=400");
  }
  std::string path = assignment.substr(0, eq);
  if (path.front() != '/') {
    std::replace(path.begin(), path.end(), '.', '/');
    path = "/" + path;
  }
  const std::string text = assignment.substr(eq + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::parse_error&) {
    value = text;  // a bare word: a string
  }
  json::json_pointer pointer;
  try {
    pointer = json::json_pointer(path);
  } catch (const json::exception&) {
    throw InputError(where(path), "not a valid path");
  }
  // Every step of the path but the last must exist: an override changes or sets a value,
  // it does not invent structure.
  const json* node = &j;
  std::string walked;
  std::size_t depth = 0;
  const std::vector<std::string> tokens = [&] {
    std::vector<std::string> out;
    for (json::json_pointer p = pointer; !p.empty(); p.pop_back())
      out.insert(out.begin(), p.back());
    return out;
  }();
  for (const std::string& token : tokens) {
    const bool last = ++depth == tokens.size();
    if (node->is_object()) {
      // The last step may add a field the file leaves at its default: the loader still
      // rejects a name it does not know, with the closest known one.
      if (!node->contains(token) && !last) {
        std::vector<std::string> keys;
        for (const auto& [k, _] : node->items()) keys.push_back(k);
        const std::vector<std::string_view> views(keys.begin(), keys.end());
        throw InputError(
            where(path),
            fmt::format("the scenario has no `{}` at {}", token, walked.empty() ? "/" : walked),
            sim::suggest(token, views));
      }
    } else if (node->is_array()) {
      const bool digits = !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
        return c >= '0' && c <= '9';
      });
      if (!digits || std::stoul(token) >= node->size()) {
        throw InputError(where(path), fmt::format("there is no element {} at {} (the array has {})",
                                                  token, walked, node->size()));
      }
    } else {
      throw InputError(where(path),
                       fmt::format("{} is a single value, not an object or array", walked));
    }
    walked += "/" + token;
    if (!last) node = node->is_array() ? &node->at(std::stoul(token)) : &node->at(token);
  }
  j[pointer] = value;
}

/// The text with its includes merged and the overrides applied, and where each value came from.
json resolve(std::string_view text, const std::string& file,
             const std::vector<std::string>& overrides, Layer& layers) {
  json j = parse_json(text, file);
  try {
    std::vector<std::string> chain{std::filesystem::path(file).lexically_normal().string()};
    resolve_includes(j, layers, chain);
  } catch (const InputError& e) {
    throw JsonLocations(text, file).locate(e);
  }
  for (const std::string& o : overrides) {
    try {
      apply_override(j, o);
    } catch (const InputError& e) {
      throw e.located(sim::Location{file, 0, 0, {}});
    }
  }
  return j;
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& file,
                        const std::vector<std::string>& overrides) {
  Layer layers{file, std::string(text), {}, {}};
  const json j = resolve(text, file, overrides, layers);
  try {
    Scenario s = from_json(j);
    s.file = file;
    return s;
  } catch (const InputError& e) {
    throw layers.locate(e);
  }
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_scenario(read_file(path, sim::Location{path, 0, 0, {}}), path, overrides);
}

json resolve_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = read_file(path, sim::Location{path, 0, 0, {}});
  Layer layers{path, text, {}, {}};
  return resolve(text, path, overrides, layers);
}

Scenario scenario_from_json(const json& resolved, const std::string& file) {
  try {
    Scenario s = from_json(resolved);
    s.file = file;
    return s;
  } catch (const InputError& e) {
    throw e.located(sim::Location{file, 0, 0, {}});
  }
}

}  // namespace drsim::scenarios
