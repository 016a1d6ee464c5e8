#include "validators/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "models/failures.hpp"
#include "scenarios/command.hpp"
#include "scenarios/json_location.hpp"
#include "scenarios/query.hpp"
#include "scenarios/run.hpp"
#include "scenarios/scenario.hpp"
#include "sim/input_error.hpp"

namespace drsim::validators {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr LintRule kRules[] = {
    {"invalid-scenario", Severity::kError, "the scenario file does not load",
     "Fix the file first: the message names what was expected where."},
    {"step-cycle", Severity::kError, "steps wait for each other in a cycle",
     "No step of a cycle can ever start. Break it by removing one `after` entry."},
    {"unreachable-step", Severity::kWarning, "a step can never run",
     "Its condition needs an earlier step to have failed, but that step aborts the runbook "
     "when it fails. Give that step \"on_failure\": \"continue\", or drop the condition."},
    {"undefined-variable", Severity::kError, "a step reads a variable no step sets",
     "The command would run with an empty value. Bind the variable in an earlier step's "
     "`outputs`, or in the scenario's `variables`."},
    {"unknown-operation", Severity::kError, "an operation the AWS CLI does not have",
     "The command would fail at once. Check the operation's name in the AWS CLI reference."},
    {"unknown-parameter", Severity::kError, "a parameter the operation does not take",
     "The AWS CLI rejects unknown parameters before calling AWS. Check the parameter's name."},
    {"unknown-region", Severity::kError, "a region the topology does not contain",
     "The step addresses a region where the scenario has nothing; a typo, or the topology "
     "is missing the region."},
    {"unknown-hosted-zone", Severity::kError, "a hosted zone the topology does not contain",
     "Route 53 would answer NoSuchHostedZone. Use the zone's id from the topology."},
    {"unknown-resource", Severity::kError,
     "a database, cluster, secret or bucket that neither the topology nor an earlier step has",
     "The call would fail with a NotFound error. Check the name, or create the resource in "
     "an earlier step."},
    {"restore-region-unreachable", Severity::kError,
     "a restore in a region that no snapshot copy or replica reaches",
     "There is no snapshot to restore there: copy snapshots to that region (a schedule's "
     "`copy_to` or a copy-db-snapshot step), or restore where the snapshots are."},
    {"encrypted-copy-without-key", Severity::kError,
     "an encrypted snapshot copied without a KMS key in the target region",
     "KMS keys are regional: an encrypted copy needs --kms-key-id (a schedule's "
     "`copy_kms_key`) naming a key that exists in the target region."},
    {"waiter-too-short", Severity::kWarning,
     "a waiter gives up before the operation it waits for usually finishes",
     "Give the step more attempts (`retries`) or poll with a describe call and a longer "
     "timeout; the AWS CLI's waiters stop after a fixed number of polls."},
    {"phase-budgets-exceed-rto", Severity::kWarning,
     "the phases' time budgets add up to more than the RTO objective",
     "Even a recovery on budget would miss the objective: shorten phases, run them in "
     "parallel, or revisit the objective."},
    {"manual-without-owner", Severity::kWarning, "a manual step has no owner",
     "Nobody is responsible for it, and it competes for no one's time in the simulation. "
     "Name the role that does it (`owner`)."},
    {"failed-region-dependency", Severity::kError,
     "a recovery step needs a region's control plane that the failure takes down",
     "The step calls an API in the region that is out (Route 53's control plane is in "
     "us-east-1). Use a data-plane mechanism (health-check failover, pre-provisioned "
     "resources) or the DR region's endpoint."},
    {"step-fails-in-simulation", Severity::kWarning, "a step fails in some simulated trials",
     "Replay a failing trial with `drsim trace` to see why."},
};

const LintRule& rule(std::string_view id) {
  for (const LintRule& r : kRules) {
    if (r.id == id) return r;
  }
  throw std::logic_error("unknown lint rule " + std::string(id));
}

std::string read_text(const std::string& path) {
  return scenarios::read_input_file(path, sim::Location{path, 0, 0, {}});
}

/// Names compared as the AWS CLI and botocore spell them: "db-snapshot-identifier" and
/// "DBSnapshotIdentifier" both become "dbsnapshotidentifier".
std::string normalized(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

/// "DBSnapshotIdentifier" -> "db-snapshot-identifier", for suggestions.
std::string kebab(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    if (upper && i > 0) {
      const bool after_lower = std::islower(static_cast<unsigned char>(name[i - 1])) ||
                               std::isdigit(static_cast<unsigned char>(name[i - 1]));
      const bool before_lower = i + 1 < name.size() &&
                                std::islower(static_cast<unsigned char>(name[i + 1])) &&
                                std::isupper(static_cast<unsigned char>(name[i - 1]));
      if (after_lower || before_lower) out += '-';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

/// The AWS CLI's service models: which parameters each operation (and waiter) takes.
class ServiceModels {
 public:
  explicit ServiceModels(std::string root) : root_(std::move(root)) {}
  bool available() const { return !root_.empty() && fs::is_directory(root_); }

  /// The CLI names of the operation's parameters; nullopt when it is not modelled there.
  std::optional<std::vector<std::string>> parameters(const scenarios::CommandTemplate& c) {
    const json* model = load(c.service == "s3api" ? "s3" : c.service, "service-2.json");
    if (!model || !model->contains("operations")) return std::nullopt;
    std::string operation = normalized(c.operation);
    if (c.operation == "wait") {
      const json* waiters = load(c.service == "s3api" ? "s3" : c.service, "waiters-2.json");
      if (!waiters || !waiters->contains("waiters")) return std::nullopt;
      operation.clear();
      for (const auto& [name, w] : (*waiters)["waiters"].items()) {
        if (normalized(name) == normalized(c.waiter))
          operation = normalized(w.value("operation", ""));
      }
      if (operation.empty()) return std::nullopt;
    }
    for (const auto& [name, op] : (*model)["operations"].items()) {
      if (normalized(name) != operation) continue;
      std::vector<std::string> out;
      const std::string shape = op.contains("input") ? op["input"].value("shape", "") : "";
      const json& shapes = (*model)["shapes"];
      if (!shape.empty() && shapes.contains(shape) && shapes[shape].contains("members")) {
        for (const auto& member : shapes[shape]["members"].items())
          out.push_back(kebab(member.key()));
      }
      return out;
    }
    return std::nullopt;
  }

 private:
  const json* load(const std::string& service, const std::string& file) {
    const std::string key = service + "/" + file;
    if (const auto it = cache_.find(key); it != cache_.end())
      return it->second ? &*it->second : nullptr;
    std::optional<json>& slot = cache_[key];
    const fs::path dir = fs::path(root_) / service;
    if (!fs::is_directory(dir)) return nullptr;
    std::vector<fs::path> versions;  // API versions, newest last
    for (const auto& e : fs::directory_iterator(dir)) {
      if (fs::exists(e.path() / file)) versions.push_back(e.path());
    }
    if (versions.empty()) return nullptr;
    std::sort(versions.begin(), versions.end());
    try {
      slot = json::parse(read_text((versions.back() / file).string()));
    } catch (const json::exception&) {
      return nullptr;
    }
    return &*slot;
  }

  std::string root_;
  std::map<std::string, std::optional<json>> cache_;
};

/// Options every AWS CLI command takes.
bool global_option(std::string_view name) {
  static constexpr std::string_view kGlobal[] = {"region",
                                                 "output",
                                                 "query",
                                                 "profile",
                                                 "endpoint-url",
                                                 "no-cli-pager",
                                                 "debug",
                                                 "no-paginate",
                                                 "page-size",
                                                 "max-items",
                                                 "starting-token",
                                                 "cli-input-json",
                                                 "cli-input-yaml",
                                                 "generate-cli-skeleton",
                                                 "no-verify-ssl",
                                                 "cli-read-timeout",
                                                 "cli-connect-timeout",
                                                 "no-sign-request",
                                                 "color",
                                                 "ca-bundle",
                                                 "cli-binary-format"};
  return std::find(std::begin(kGlobal), std::end(kGlobal), name) != std::end(kGlobal);
}

const scenarios::ValueTemplate* param(const scenarios::CommandTemplate& c, std::string_view name) {
  for (const auto& [n, v] : c.params) {
    if (n == name) return &v;
  }
  return nullptr;
}

/// The closest known name; an abbreviation ("--db-snapshot-id") suggests the names it begins.
std::string suggestion(const std::string& name, std::span<const std::string_view> known) {
  std::vector<std::string_view> longer;
  for (const std::string_view k : known) {
    if (k.starts_with(name)) longer.push_back(k);
  }
  if (longer.size() == 1) return fmt::format("did you mean `{}`?", longer.front());
  return sim::suggest(name, known);
}

/// Upper-case identifiers in a --query (the runbook's variables), outside string literals.
std::vector<std::string> query_variables(std::string_view text) {
  std::vector<std::string> out;
  char quote = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (quote) {
      quote = c == quote ? 0 : quote;
      ++i;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        ++j;
      const std::string word(text.substr(i, j - i));
      const bool after_dot = i > 0 && text[i - 1] == '.';
      if (!after_dot &&
          std::none_of(word.begin(), word.end(),
                       [](char x) { return std::islower(static_cast<unsigned char>(x)); }) &&
          std::any_of(word.begin(), word.end(),
                      [](char x) { return std::isupper(static_cast<unsigned char>(x)); }))
        out.push_back(word);
      i = j;
      continue;
    }
    ++i;
  }
  return out;
}

/// One file being linted.
class FileLint {
 public:
  FileLint(std::string path, const LintOptions& options, ServiceModels& models, LintResult& result)
      : path_(std::move(path)), options_(options), models_(models), result_(result) {}

  void run() {
    first_ = result_.findings.size();
    text_ = read_text(path_);
    try {
      resolved_ = scenarios::resolve_scenario(path_);
    } catch (const sim::InputError& e) {
      add_error(e);
      return;
    }
    locations_.emplace(text_, path_);
    read_acknowledgements();
    if (!pre_load_checks()) return;
    try {
      scenario_ = scenarios::load_scenario(path_);
    } catch (const sim::InputError& e) {
      add_error(e);
      return;
    }
    static_checks();
    // Simulated failures would mostly repeat an unacknowledged static error: they are
    // replayed once the errors are fixed.
    const bool errors = std::any_of(
        result_.findings.begin() + static_cast<std::ptrdiff_t>(first_), result_.findings.end(),
        [](const Finding& f) { return f.severity == Severity::kError && f.acknowledged.empty(); });
    if (options_.trials > 0 && !errors) simulated_checks();
    if (options_.trials > 0 && errors)
      result_.notes.push_back(
          fmt::format("{}: simulated checks skipped until its errors are fixed", path_));
  }

 private:
  void add(std::string_view rule_id, const std::string& pointer, const std::string& step,
           std::string message, std::string fix = {}, std::optional<Severity> severity = {}) {
    const LintRule& r = rule(rule_id);
    Finding f;
    f.rule = r.id;
    f.severity = severity.value_or(r.severity);
    f.file = path_;
    if (const sim::Location l = locate(pointer); l.line > 0) {
      f.file = l.file;
      f.line = l.line;
      f.column = l.column;
    }
    f.pointer = pointer;
    f.step = step;
    f.message = std::move(message);
    f.fix = std::move(fix);
    for (const auto& [rule, step_id, reason] : acks_) {
      if (rule == f.rule && (step_id.empty() || step_id == step)) f.acknowledged = reason;
    }
    result_.findings.push_back(std::move(f));
  }

  /// Where `pointer`'s value was written: this file, or the include that provides it (the
  /// including file wins, then later includes over earlier ones, as the loader merges).
  sim::Location locate(const std::string& pointer) const {
    std::function<std::optional<sim::Location>(const std::string&, const std::string&, int)>
        in_file = [&](const std::string& file, const std::string& text,
                      int depth) -> std::optional<sim::Location> {
      const json own = json::parse(text, nullptr, false);
      if (own.is_discarded()) return std::nullopt;
      if (!pointer.empty() && own.contains(json::json_pointer(pointer)))
        return scenarios::JsonLocations(text, file).locate(pointer);
      if (depth > 8 || !own.contains("include") || !own["include"].is_array()) return std::nullopt;
      const json& includes = own["include"];
      for (auto it = includes.rbegin(); it != includes.rend(); ++it) {
        if (!it->is_string()) continue;
        const std::string path =
            (fs::path(file).parent_path() / it->get<std::string>()).lexically_normal().string();
        if (auto l = in_file(path, read_text(path), depth + 1)) return l;
      }
      return std::nullopt;
    };
    try {
      if (auto l = in_file(path_, text_, 0)) return *l;
    } catch (const json::exception&) {  // a pointer that is not one: the file's start
    } catch (const sim::InputError&) {  // an include that cannot be read: the file's start
    }
    return locations_ ? locations_->locate(pointer) : sim::Location{path_, 0, 0, pointer};
  }

  void add_error(const sim::InputError& e) {
    Finding f;
    f.rule = "invalid-scenario";
    f.severity = Severity::kError;
    f.file = e.where().file.empty() ? path_ : e.where().file;
    f.line = e.where().line;
    f.column = e.where().column;
    f.pointer = e.where().pointer;
    f.message = e.message();
    f.fix = e.suggestion();
    result_.findings.push_back(std::move(f));
  }

  void read_acknowledgements() {
    if (!resolved_.contains("lint")) return;
    const json& l = resolved_["lint"];
    if (!l.is_object() || !l.contains("acknowledged") || !l["acknowledged"].is_array()) return;
    for (const json& a : l["acknowledged"]) {
      if (!a.is_object()) continue;
      acks_.push_back(
          {a.value("rule", ""), a.value("step", ""), a.value("reason", "acknowledged")});
    }
  }

  /// Checks that need only the JSON: a scenario with a cycle or an unknown operation does
  /// not load, and these say more than the loader's first error.
  bool pre_load_checks() {
    if (!resolved_.contains("runbook") || !resolved_["runbook"].is_array()) return true;
    const json& runbook = resolved_["runbook"];
    bool clean = true;
    std::vector<std::string> ids;
    for (const json& step : runbook) ids.push_back(step.is_object() ? step.value("id", "") : "");
    for (std::size_t i = 0; i < runbook.size(); ++i) {
      const json& step = runbook[i];
      if (!step.is_object() || !step.contains("aws") || !step["aws"].is_string()) continue;
      try {
        scenarios::parse_command(step["aws"].get<std::string>());
      } catch (const sim::InputError& e) {
        const std::string& m = e.message();
        std::size_t at = std::string::npos;
        for (const char* what : {"unknown operation", "unknown service", "unknown waiter"})
          at = std::min(at, m.find(what));
        if (at != std::string::npos) {
          add("unknown-operation", fmt::format("/runbook/{}/aws", i), ids[i],
              fmt::format("step `{}`: {}", ids[i], m.substr(at)), e.suggestion());
          clean = false;
        }
      }
    }
    // Cycles among `after`: depth-first search, each cycle reported once, at its first step.
    std::vector<int> state(runbook.size(), 0);
    std::vector<std::size_t> stack;
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
      state[i] = 1;
      stack.push_back(i);
      const json& step = runbook[i];
      if (step.is_object() && step.contains("after") && step["after"].is_array()) {
        for (const json& dep : step["after"]) {
          if (!dep.is_string()) continue;
          const auto it = std::find(ids.begin(), ids.end(), dep.get<std::string>());
          if (it == ids.end()) continue;
          const auto j = static_cast<std::size_t>(it - ids.begin());
          if (state[j] == 1) {
            std::string loop;
            for (auto s = std::find(stack.begin(), stack.end(), j); s != stack.end(); ++s)
              loop += ids[*s] + " → ";
            add("step-cycle", fmt::format("/runbook/{}/after", j), ids[j],
                fmt::format("steps wait for each other in a cycle: {}{}", loop, ids[j]),
                fmt::format("remove `{}` from the `after` of step `{}`", ids[j], ids[i]));
            clean = false;
          } else if (state[j] == 0) {
            visit(j);
          }
        }
      }
      stack.pop_back();
      state[i] = 2;
    };
    for (std::size_t i = 0; i < runbook.size(); ++i) {
      if (state[i] == 0) visit(i);
    }
    return clean;
  }

  std::size_t index_of(const std::string& id) const {
    for (std::size_t i = 0; i < scenario_->runbook.size(); ++i) {
      if (scenario_->runbook[i].id == id) return i;
    }
    return scenario_->runbook.size();
  }

  /// ancestors[i]: the steps that finish before step i starts.
  std::vector<std::set<std::size_t>> ancestors() const {
    const auto& rb = scenario_->runbook;
    std::vector<std::set<std::size_t>> out(rb.size());
    std::vector<bool> done(rb.size(), false);
    std::function<void(std::size_t)> fill = [&](std::size_t i) {
      if (done[i]) return;
      done[i] = true;
      for (const std::string& dep : rb[i].after) {
        const std::size_t j = index_of(dep);
        fill(j);
        out[i].insert(j);
        out[i].insert(out[j].begin(), out[j].end());
      }
    };
    for (std::size_t i = 0; i < rb.size(); ++i) fill(i);
    return out;
  }

  /// A parameter's value when it is known before the run: literal text and the scenario's
  /// own `variables`; nullopt when it reads a variable a step binds.
  std::optional<std::string> value_of(const scenarios::ValueTemplate& v) const {
    if (v.is_flag) return std::nullopt;
    std::string out;
    for (const auto& part : v.parts) {
      if (!part.variable) {
        out += part.text;
        continue;
      }
      const auto it = scenario_->variables.find(part.text);
      if (it == scenario_->variables.end() || !it->second.is_string()) return std::nullopt;
      out += it->second.as_string();
    }
    return out;
  }
  std::optional<std::string> param_value(const scenarios::CommandTemplate& c,
                                         std::string_view name) const {
    const scenarios::ValueTemplate* v = param(c, name);
    return v ? value_of(*v) : std::nullopt;
  }

  /// The region a step calls: its --region, else the scenario's default; "" when unknown
  /// before the run.
  std::string region_of(const scenarios::Step& step) const {
    if (step.aws && !step.aws->region.parts.empty()) return value_of(step.aws->region).value_or("");
    return scenario_->default_region;
  }

  void static_checks() {
    const auto before = ancestors();
    check_variables(before);
    check_conditions();
    check_names();
    check_restores_and_copies();
    check_phases();
    check_owners();
    check_failed_regions();
  }

  void check_variables(const std::vector<std::set<std::size_t>>& before) {
    const scenarios::Scenario& s = *scenario_;
    std::map<std::string, std::vector<std::size_t>> set_by;  // variable -> steps binding it
    for (std::size_t i = 0; i < s.runbook.size(); ++i) {
      for (const auto& [name, _] : s.runbook[i].outputs) set_by[name].push_back(i);
      for (const auto& [name, _] : s.runbook[i].output_templates) set_by[name].push_back(i);
    }
    auto given = [&](const std::string& v) {
      return s.variables.contains(v) || s.onset_variables.contains(v) ||
             s.now_variables.contains(v);
    };
    for (std::size_t i = 0; i < s.runbook.size(); ++i) {
      const scenarios::Step& step = s.runbook[i];
      std::vector<std::pair<std::string, std::string>> reads;  // variable, where
      if (step.aws) {
        for (const std::string& v : step.aws->variables()) reads.emplace_back(v, "/aws");
      }
      for (const auto& [name, text] : step.output_templates) {
        std::string missing;
        scenarios::expand_variables(
            text,
            [&](std::string_view v) {
              reads.emplace_back(std::string(v), "/outputs/" + name);
              return std::optional<std::string>("x");
            },
            missing);
      }
      if (step.condition) {
        for (const std::string& v : query_variables(step.condition->text()))
          reads.emplace_back(v, "/if");
      }
      std::set<std::string> seen;
      for (const auto& [v, where] : reads) {
        if (given(v) || !seen.insert(v).second) continue;
        const auto it = set_by.find(v);
        if (it == set_by.end()) {
          std::vector<std::string_view> known;
          for (const auto& [name, _] : set_by) known.push_back(name);
          for (const auto& [name, _] : s.variables) known.push_back(name);
          add("undefined-variable", step.pointer + where, step.id,
              fmt::format("step `{}` reads ${}, which no step sets", step.id, v),
              sim::suggest(v, known).empty() ? fmt::format("bind it in an earlier step's outputs: "
                                                           "\"outputs\": {{\"{}\": \"<--query>\"}}",
                                                           v)
                                             : sim::suggest(v, known));
          continue;
        }
        const bool in_time = std::any_of(it->second.begin(), it->second.end(),
                                         [&](std::size_t j) { return before[i].contains(j); });
        if (!in_time) {
          add("undefined-variable", step.pointer + where, step.id,
              fmt::format("step `{}` reads ${}, which only step `{}` sets, and that step does not "
                          "run before it",
                          step.id, v, s.runbook[it->second.front()].id),
              fmt::format("add \"{}\" to the `after` of step `{}`",
                          s.runbook[it->second.front()].id, step.id),
              Severity::kWarning);
        }
      }
    }
  }

  void check_conditions() {
    const scenarios::Scenario& s = *scenario_;
    for (const scenarios::Step& step : s.runbook) {
      if (!step.condition) continue;
      const std::string text = step.condition->text();
      if (text.find("failed") == std::string::npos) continue;
      for (const scenarios::Step& other : s.runbook) {
        if (text.find("steps." + other.id) == std::string::npos || other.on_failure != "abort")
          continue;
        add("unreachable-step", step.pointer + "/if", step.id,
            fmt::format("step `{}` runs only if step `{}` failed, but a failure of `{}` aborts the "
                        "runbook first",
                        step.id, other.id, other.id),
            fmt::format("give step `{}` \"on_failure\": \"continue\"", other.id));
      }
    }
  }

  /// Regions, hosted zones and resources named in commands.
  void check_names() {
    const scenarios::Scenario& s = *scenario_;
    std::set<std::string> instances, clusters, secrets, buckets, zones;
    for (const auto& d : s.databases) instances.insert(d.id);
    for (const auto& c : s.clusters) clusters.insert(c.id);
    for (const auto& x : s.secrets) secrets.insert(x.name);
    for (const auto& b : s.buckets) buckets.insert(b.name);
    for (const auto& [id, name] : s.zones) zones.insert(id);
    // What the runbook itself creates.
    for (const scenarios::Step& step : s.runbook) {
      if (!step.aws) continue;
      const auto& c = *step.aws;
      const bool creates =
          c.operation.starts_with("restore-") || c.operation.starts_with("create-");
      if (!creates) continue;
      for (const char* p : {"db-instance-identifier", "target-db-instance-identifier"}) {
        if (c.operation.find("db-cluster") != std::string::npos &&
            std::string_view(p) == "db-instance-identifier" && c.operation != "create-db-instance")
          continue;
        if (auto v = param_value(c, p)) instances.insert(*v);
      }
      if (c.operation.starts_with("restore-db-cluster") || c.operation == "create-db-cluster") {
        if (auto v = param_value(c, "db-cluster-identifier")) clusters.insert(*v);
      }
      if (c.service == "secretsmanager" && c.operation == "create-secret") {
        if (auto v = param_value(c, "name")) secrets.insert(*v);
      }
      if (c.service == "s3api" && c.operation == "create-bucket") {
        if (auto v = param_value(c, "bucket")) buckets.insert(*v);
      }
    }
    auto unknown = [&](const scenarios::Step& step, const std::string& what,
                       const std::string& name, const std::set<std::string>& known) {
      std::vector<std::string_view> names(known.begin(), known.end());
      add("unknown-resource", step.pointer + "/aws", step.id,
          fmt::format("step `{}` names {} `{}`, which neither the topology nor an earlier step has",
                      step.id, what, name),
          sim::suggest(name, names));
    };
    const bool check_parameters = models_.available();
    for (const scenarios::Step& step : s.runbook) {
      if (!step.aws) continue;
      const auto& c = *step.aws;
      if (const auto r = value_of(c.region);
          r && !r->empty() &&
          std::find(s.regions.begin(), s.regions.end(), *r) == s.regions.end()) {
        std::vector<std::string_view> names(s.regions.begin(), s.regions.end());
        add("unknown-region", step.pointer + "/aws", step.id,
            fmt::format("step `{}` calls {} in region `{}`, which the topology does not contain",
                        step.id, c.service, *r),
            sim::suggest(*r, names));
      }
      if (auto z = param_value(c, "hosted-zone-id")) {
        std::string id = *z;
        if (id.starts_with("/hostedzone/")) id = id.substr(12);
        if (!zones.contains(id)) {
          std::vector<std::string_view> names(zones.begin(), zones.end());
          add("unknown-hosted-zone", step.pointer + "/aws", step.id,
              fmt::format("step `{}` changes hosted zone `{}`, which the topology does not contain",
                          step.id, id),
              sim::suggest(id, names));
        }
      }
      const bool creates =
          c.operation.starts_with("restore-") || c.operation.starts_with("create-");
      if (c.service == "rds" && !creates) {
        if (auto v = param_value(c, "db-instance-identifier"); v && !instances.contains(*v))
          unknown(step, "DB instance", *v, instances);
        if (auto v = param_value(c, "db-cluster-identifier"); v && !clusters.contains(*v))
          unknown(step, "DB cluster", *v, clusters);
      }
      if (c.service == "secretsmanager" && c.operation != "create-secret") {
        if (auto v = param_value(c, "secret-id");
            v && !secrets.contains(*v) && !v->starts_with("arn:"))
          unknown(step, "secret", *v, secrets);
      }
      if (c.service == "s3api" && c.operation != "create-bucket") {
        if (auto v = param_value(c, "bucket"); v && !buckets.contains(*v))
          unknown(step, "bucket", *v, buckets);
      }
      if (check_parameters) check_parameters_of(step);
    }
    if (!check_parameters && !noted_models_) {
      noted_models_ = true;
      result_.notes.push_back(fmt::format(
          "unknown-parameter: not checked — the AWS CLI's service models are not at `{}` "
          "(Debian's awscli package installs them; --aws-models DIR points elsewhere)",
          options_.aws_models));
    }
  }

  void check_parameters_of(const scenarios::Step& step) {
    const auto& c = *step.aws;
    const std::optional<std::vector<std::string>> known = models_.parameters(c);
    if (!known) return;  // not an AWS API operation (s3 sync, kubectl, ...) or not in the models
    std::vector<std::string> normal;
    for (const std::string& k : *known) normal.push_back(normalized(k));
    for (const auto& [name, value] : c.params) {
      if (global_option(name) ||
          std::find(normal.begin(), normal.end(), normalized(name)) != normal.end())
        continue;
      std::vector<std::string_view> names(known->begin(), known->end());
      add("unknown-parameter", step.pointer + "/aws", step.id,
          fmt::format("step `{}`: `{} {}` takes no parameter --{}", step.id, c.service,
                      c.operation == "wait" ? "wait " + c.waiter : c.operation, name),
          suggestion(name, names));
    }
  }

  void check_restores_and_copies() {
    const scenarios::Scenario& s = *scenario_;
    std::set<std::string> reach;  // regions where snapshots are or arrive
    for (const auto& d : s.databases) reach.insert(d.region);
    for (const auto& c : s.clusters) reach.insert(c.region);
    for (const auto& sc : s.schedules) {
      if (!sc.copy_to.empty()) reach.insert(sc.copy_to);
    }
    for (const scenarios::Step& step : s.runbook) {
      if (step.aws && step.aws->service == "rds" &&
          (step.aws->operation == "copy-db-snapshot" ||
           step.aws->operation == "copy-db-cluster-snapshot"))
        reach.insert(region_of(step));
    }
    auto key_in = [&](const std::string& region, const std::string& key) {
      return std::any_of(s.kms_keys.begin(), s.kms_keys.end(), [&](const auto& k) {
        return k.first == region &&
               (k.second == key || key.ends_with(k.second) ||
                key.find(k.second.substr(k.second.find('/') + 1)) != std::string::npos);
      });
    };
    for (const scenarios::Step& step : s.runbook) {
      if (!step.aws || step.aws->service != "rds") continue;
      const auto& c = *step.aws;
      const std::string region = region_of(step);
      if ((c.operation == "restore-db-instance-from-db-snapshot" ||
           c.operation == "restore-db-cluster-from-snapshot") &&
          !reach.contains(region)) {
        add("restore-region-unreachable", step.pointer + "/aws", step.id,
            fmt::format("step `{}` restores from a snapshot in {}, but no snapshot is taken or "
                        "copied there (snapshots are in: {})",
                        step.id, region, fmt::join(reach, ", ")),
            fmt::format("copy snapshots to {} (the schedule's \"copy_to\") or restore in {}",
                        region, reach.empty() ? std::string("their region") : *reach.begin()));
      }
      if (c.operation == "copy-db-snapshot") {
        // The source is encrypted when the instances it can come from are.
        const std::optional<std::string> from = param_value(c, "source-region");
        const bool encrypted =
            std::any_of(s.databases.begin(), s.databases.end(),
                        [&](const auto& d) { return d.encrypted && (!from || d.region == *from); });
        const std::optional<std::string> key = param_value(c, "kms-key-id");
        if (encrypted && !param(c, "kms-key-id")) {
          add("encrypted-copy-without-key", step.pointer + "/aws", step.id,
              fmt::format("step `{}` copies an encrypted snapshot to {} without --kms-key-id",
                          step.id, region),
              fmt::format("add --kms-key-id with a key that exists in {}", region));
        } else if (encrypted && key && !key_in(region, *key)) {
          add("encrypted-copy-without-key", step.pointer + "/aws", step.id,
              fmt::format("step `{}` copies to {} with key `{}`, which {} does not have", step.id,
                          region, *key, region),
              fmt::format("name a key of {} (the topology's kms_keys)", region));
        }
      }
    }
    // Scheduled cross-region copies of encrypted instances.
    for (const auto& sc : s.schedules) {
      if (sc.copy_to.empty()) continue;
      const auto db = std::find_if(s.databases.begin(), s.databases.end(),
                                   [&](const auto& d) { return d.id == sc.instance_id; });
      if (db == s.databases.end() || !db->encrypted) continue;
      const std::string pointer = rds_pointer(sc.instance_id) + "/snapshots";
      if (sc.copy_kms_key.empty() || !key_in(sc.copy_to, sc.copy_kms_key)) {
        add("encrypted-copy-without-key", pointer, "",
            sc.copy_kms_key.empty()
                ? fmt::format(
                      "`{}` is encrypted, and its snapshots are copied to {} without a KMS key "
                      "there: every copy fails",
                      sc.instance_id, sc.copy_to)
                : fmt::format("`{}`'s copies to {} use key `{}`, which {} does not have",
                              sc.instance_id, sc.copy_to, sc.copy_kms_key, sc.copy_to),
            fmt::format(
                "add a key in {} to the topology's kms_keys and name it in \"copy_kms_key\"",
                sc.copy_to));
      }
    }
  }

  std::string rds_pointer(const std::string& id) const {
    const json& rds = resolved_["topology"]["rds"];
    for (std::size_t i = 0; i < rds.size(); ++i) {
      if (rds[i].is_object() && rds[i].value("id", "") == id)
        return fmt::format("/topology/rds/{}", i);
    }
    return "/topology/rds";
  }

  void check_phases() {
    const scenarios::Scenario& s = *scenario_;
    if (!s.objectives.rto) return;
    sim::Duration total = 0;
    std::vector<std::string> parts;
    for (const auto& p : s.phases) {
      if (!p.budget) continue;
      total += *p.budget;
      parts.push_back(fmt::format("{} {}", p.name, sim::format_duration(*p.budget)));
    }
    if (total <= *s.objectives.rto) return;
    add("phase-budgets-exceed-rto", "/phases", "",
        fmt::format("the phases' budgets add up to {} ({}), more than the RTO objective of {}",
                    sim::format_duration(total), fmt::join(parts, " + "),
                    sim::format_duration(*s.objectives.rto)),
        "shorten phases or run them in parallel; phases that overlap can say so in their steps' "
        "`after`");
  }

  void check_owners() {
    for (const scenarios::Step& step : scenario_->runbook) {
      if (step.manual && step.owner.empty()) {
        add("manual-without-owner", step.pointer, step.id,
            fmt::format("manual step `{}` has no owner", step.id),
            "name the role that does it: \"owner\": \"<role from the team>\"");
      }
    }
  }

  /// Steps that call an API in a region whose control plane the failure takes down.
  void check_failed_regions() {
    const scenarios::Scenario& s = *scenario_;
    std::set<std::string> down;
    for (const models::Failure& f : s.failures) {
      if (f.kind == models::FailureKind::kRegionOutage ||
          f.kind == models::FailureKind::kControlPlaneOutage)
        down.insert(f.region);
    }
    if (down.empty()) return;
    for (const scenarios::Step& step : s.runbook) {
      if (!step.aws) continue;
      const auto& c = *step.aws;
      if (c.service == "kubectl" || c.service == "terraform") continue;  // not AWS APIs
      // Route 53's control plane (changes, health checks) is in us-east-1 whatever --region says.
      const bool global = c.service == "route53";
      const std::string region = global ? "us-east-1" : region_of(step);
      if (!down.contains(region)) continue;
      const bool aborts = step.on_failure == "abort";
      add("failed-region-dependency", step.pointer + "/aws", step.id,
          fmt::format("step `{}` calls {} {} in {}, whose control plane the failure takes down{}",
                      step.id, c.service, c.operation == "wait" ? "wait " + c.waiter : c.operation,
                      region, global ? " (Route 53 changes go through us-east-1)" : ""),
          global ? "fail over with Route 53 health checks (data plane) instead of a record change"
                 : fmt::format("call the DR region's endpoint, or give the step \"on_failure\": "
                               "\"continue\" if it only confirms the outage"),
          aborts ? Severity::kError : Severity::kWarning);
    }
  }

  /// Replays trials and reports the steps that failed in them.
  void simulated_checks() {
    const scenarios::Scenario& s = *scenario_;
    sim::RunOptions o;
    o.trials = options_.trials;
    o.seed = options_.seed;
    o.threads = options_.threads;
    const scenarios::ScenarioResults r = scenarios::run_scenario(s, o);
    std::set<std::string> explained;  // steps with an (acknowledged) error: one finding each
    for (std::size_t k = first_; k < result_.findings.size(); ++k) {
      if (result_.findings[k].severity == Severity::kError)
        explained.insert(result_.findings[k].step);
    }
    const double n = static_cast<double>(r.run.completed ? r.run.completed : 1);
    for (const auto& [cause, count] : r.causes) {
      if (!cause.starts_with("step ")) continue;
      const std::size_t colon = cause.find(": ");
      if (colon == std::string::npos) continue;
      const std::string id = cause.substr(5, colon - 5);
      const std::size_t i = index_of(id);
      if (i >= s.runbook.size() || explained.contains(id)) continue;
      const scenarios::Step& step = s.runbook[i];
      const std::string share =
          fmt::format("{:.1f}%", 100.0 * static_cast<double>(count.count) / n);
      const std::string replay = fmt::format("drsim trace {} --trial {} --seed {}", path_,
                                             count.example_trial, options_.seed);
      if (step.aws && step.aws->operation == "wait" && cause.find("gave up") != std::string::npos) {
        add("waiter-too-short", step.pointer + "/aws", step.id,
            fmt::format("`{} wait {}` gives up in {} of {} simulated trials ({}) before the "
                        "operation it waits for is done",
                        step.aws->service, step.aws->waiter, share, r.run.completed, count.detail),
            fmt::format("raise the step's `retries` (now {}); replay one: {}", step.retries,
                        replay));
      } else {
        add("step-fails-in-simulation", step.pointer, step.id,
            fmt::format("step `{}` fails and aborts the runbook in {} of {} simulated trials: {}",
                        step.id, share, r.run.completed, count.detail),
            "replay one: " + replay);
      }
    }
  }

  std::string path_;
  const LintOptions& options_;
  ServiceModels& models_;
  LintResult& result_;
  std::string text_;
  json resolved_;
  std::optional<scenarios::JsonLocations> locations_;
  std::optional<scenarios::Scenario> scenario_;
  struct Ack {
    std::string rule, step, reason;
  };
  std::vector<Ack> acks_;
  bool noted_models_ = false;
  std::size_t first_ = 0;  // this file's findings start here in result_.findings
};

}  // namespace

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      break;
  }
  return "note";
}

std::span<const LintRule> lint_rules() {
  return kRules;
}

bool LintResult::failed() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kError && f.acknowledged.empty();
  });
}

LintResult lint(const std::vector<std::string>& paths, const LintOptions& options) {
  LintResult result;
  ServiceModels models(options.aws_models);
  for (const std::string& path : paths) {
    if (!fs::is_regular_file(path)) {
      throw sim::InputError(sim::Location{path, 0, 0, {}}, "no such scenario file");
    }
    FileLint(path, options, models, result).run();
  }
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
                   });
  // A note once, however many files.
  std::sort(result.notes.begin(), result.notes.end());
  result.notes.erase(std::unique(result.notes.begin(), result.notes.end()), result.notes.end());
  return result;
}

}  // namespace drsim::validators
