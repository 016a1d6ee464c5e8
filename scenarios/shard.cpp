#include "scenarios/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scenarios/json_location.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, std::string message, std::string hint = {}) {
  throw sim::InputError(sim::Location{where, 0, 0, {}}, std::move(message), std::move(hint));
}

/// Per-trial values: null for "never", -1 where drsim failed (kTrialFailed).
json column_json(const std::vector<std::int64_t>& column) {
  json out = json::array();
  for (const std::int64_t v : column) out.push_back(v == sim::kInfinite ? json(nullptr) : json(v));
  return out;
}

std::vector<std::int64_t> column_of(const json& j) {
  std::vector<std::int64_t> out;
  out.reserve(j.size());
  for (const json& v : j) out.push_back(v.is_null() ? sim::kInfinite : v.get<std::int64_t>());
  return out;
}

json sample_json(const sim::Sample& s) {
  json runs = json::array();
  for (const auto& [value, count] : s.runs()) runs.push_back({value, count});
  return {{"runs", runs}, {"infinite", s.infinite_count()}};
}

sim::Sample sample_of(const json& j) {
  std::vector<std::pair<std::int64_t, std::uint64_t>> runs;
  for (const json& r : j.at("runs"))
    runs.emplace_back(r.at(0).get<std::int64_t>(), r.at(1).get<std::uint64_t>());
  return sim::Sample::from_runs(runs, j.at("infinite").get<std::uint64_t>());
}

}  // namespace

Shard parse_shard(std::string_view text, const std::function<const char*(const char*)>& getenv) {
  const auto number = [&](std::string_view part) -> std::uint64_t {
    std::uint64_t v = 0;
    if (part.empty() || part.size() > 9 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      fail("--shard", fmt::format("`{}` is not a shard", text),
           "write --shard I/N (I from 0), or --shard N to read I from the job array's environment");
    for (const char c : part) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
  };
  Shard s;
  const std::size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    s.index = number(text.substr(0, slash));
    s.count = number(text.substr(slash + 1));
  } else {
    s.count = number(text);
    const auto env =
        getenv ? getenv : [](const char* name) -> const char* { return std::getenv(name); };
    const char* found = nullptr;
    for (const char* name :
         {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"}) {
      if ((found = env(name)) != nullptr) break;
    }
    if (!found)
      fail("--shard", fmt::format("--shard {} needs this shard's index", text),
           "set by SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX; or "
           "write --shard I/N");
    s.index = number(found);
  }
  if (s.count == 0 || s.index >= s.count)
    fail("--shard",
         fmt::format("shard {} of {} does not exist (shards count from 0)", s.index, s.count));
  return s;
}

std::pair<std::uint64_t, std::uint64_t> shard_trials(const Shard& shard, std::uint64_t trials) {
  const auto at = [&](std::uint64_t i) {
    return static_cast<std::uint64_t>(static_cast<sim::uint128_t>(trials) * i / shard.count);
  };
  return {at(shard.index), at(shard.index + 1) - at(shard.index)};
}

json results_part(const ScenarioResults& r, std::uint64_t first) {
  json j;
  j["first"] = first;
  j["count"] = r.run.requested;
  j["completed"] = r.run.completed;
  j["partial"] = r.run.partial;
  j["threads"] = r.run.threads;
  j["rto"] = column_json(r.trial_rto_ms);
  j["rpo"] = json::array();
  for (const auto& column : r.trial_rpo_ms) j["rpo"].push_back(column_json(column));
  j["detection"] = sample_json(r.detection_ms);
  j["decision"] = sample_json(r.decision_ms);
  j["execution"] = sample_json(r.execution_ms);
  j["steps"] = json::array();
  for (const auto& s : r.step_ms) j["steps"].push_back(sample_json(s));
  j["step_critical"] = r.step_critical;
  j["step_failed"] = r.step_failed;
  j["chain_trials"] = r.chain_trials;
  j["causes"] = json::object();
  for (const auto& [cause, c] : r.causes)
    j["causes"][cause] = {
        {"count", c.count}, {"example_trial", c.example_trial}, {"detail", c.detail}};
  j["failures"] = json::array();
  for (const auto& f : r.run.failures)
    j["failures"].push_back({{"trial", f.trial}, {"message", f.message}});
  return j;
}

ScenarioResults merge_results(const std::vector<const json*>& parts, std::uint64_t trials,
                              const std::string& where) {
  std::vector<const json*> sorted(parts);
  std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) {
    return a->at("first").get<std::uint64_t>() < b->at("first").get<std::uint64_t>();
  });
  ScenarioResults r;
  r.run.requested = trials;
  std::uint64_t next = 0;
  for (const json* p : sorted) {
    const auto first = p->at("first").get<std::uint64_t>(),
               count = p->at("count").get<std::uint64_t>();
    if (first != next) {
      fail(where,
           first > next ? fmt::format("trials {} to {} are in no part", next, first - 1)
                        : fmt::format("trial {} is in two parts", first),
           "merge every part of the run once, all made with the same --shard count");
    }
    next = first + count;
    const std::vector<std::int64_t> rto = column_of(p->at("rto"));
    r.trial_rto_ms.insert(r.trial_rto_ms.end(), rto.begin(), rto.end());
    const json& rpo = p->at("rpo");
    r.trial_rpo_ms.resize(rpo.size());
    for (std::size_t k = 0; k < rpo.size(); ++k) {
      const std::vector<std::int64_t> column = column_of(rpo[k]);
      r.trial_rpo_ms[k].insert(r.trial_rpo_ms[k].end(), column.begin(), column.end());
    }
    r.detection_ms.merge(sample_of(p->at("detection")));
    r.decision_ms.merge(sample_of(p->at("decision")));
    r.execution_ms.merge(sample_of(p->at("execution")));
    const json& steps = p->at("steps");
    r.step_ms.resize(steps.size());
    r.step_critical.resize(steps.size(), 0);
    r.step_failed.resize(steps.size(), 0);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      r.step_ms[i].merge(sample_of(steps[i]));
      r.step_critical[i] += p->at("step_critical").at(i).get<std::uint64_t>();
      r.step_failed[i] += p->at("step_failed").at(i).get<std::uint64_t>();
    }
    r.chain_trials += p->at("chain_trials").get<std::uint64_t>();
    for (const auto& [cause, c] : p->at("causes").items()) {
      CauseCount& merged = r.causes[cause];
      const auto example = c.at("example_trial").get<std::uint64_t>();
      if (merged.count == 0 || example < merged.example_trial) {
        merged.example_trial = example;
        merged.detail = c.at("detail").get<std::string>();
      }
      merged.count += c.at("count").get<std::uint64_t>();
    }
    for (const json& f : p->at("failures"))
      r.run.failures.push_back(
          {f.at("trial").get<std::uint64_t>(), f.at("message").get<std::string>()});
    r.run.completed += p->at("completed").get<std::uint64_t>();
    r.run.partial = r.run.partial || p->at("partial").get<bool>();
    r.run.threads = std::max<unsigned>(r.run.threads, p->at("threads").get<unsigned>());
  }
  if (next != trials)
    fail(where, fmt::format("trials {} to {} are in no part", next, trials - 1),
         "merge every part of the run once, all made with the same --shard count");
  std::sort(
      r.run.failures.begin(), r.run.failures.end(),
      [](const sim::TrialFailure& a, const sim::TrialFailure& b) { return a.trial < b.trial; });
  r.run.status.assign(trials, sim::TrialStatus::kOk);
  for (std::uint64_t t = 0; t < trials; ++t) {
    if (r.trial_rto_ms[t] == kTrialFailed) r.run.status[t] = sim::TrialStatus::kNotRun;
  }
  for (const auto& f : r.run.failures) r.run.status[f.trial] = sim::TrialStatus::kFailed;
  r.representative = representative_trials(r.trial_rto_ms, 0);
  r.rto_ms = sim::Sample::from_values(r.trial_rto_ms, kTrialFailed);
  for (const auto& column : r.trial_rpo_ms)
    r.rpo_ms.push_back(sim::Sample::from_values(column, kTrialFailed));
  return r;
}

namespace {

constexpr int kPartSchema = 1;

json part_header(const std::string& command, std::uint64_t seed, std::uint64_t trials,
                 const Shard& shard, std::uint64_t first, std::uint64_t count) {
  return {{"kind", "drsim-part"},
          {"schema_version", kPartSchema},
          {"drsim_version", DRSIM_VERSION},
          {"command", command},
          {"seed", seed},
          {"trials", trials},
          {"shard", {shard.index, shard.count}},
          {"first", first},
          {"count", count}};
}

std::optional<sim::Duration> duration_of(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<sim::Duration>(j.get<sim::Duration>());
}

}  // namespace

json run_part(const std::string& file, const json& resolved, std::uint64_t seed,
              std::uint64_t trials, const Shard& shard, const ScenarioResults& slice,
              std::uint64_t first) {
  json j = part_header("run", seed, trials, shard, first, slice.run.requested);
  j["file"] = file;
  j["scenario"] = resolved;
  j["results"] = results_part(slice, first);
  return j;
}

json sweep_part(const Sweep& slice, const std::vector<std::string>& overrides, std::uint64_t trials,
                const Shard& shard, std::uint64_t first) {
  json j = part_header("whatif", slice.seed, trials, shard, first, slice.trials);
  j["file"] = slice.file;
  j["name"] = slice.name;
  j["overrides"] = overrides;
  j["axes"] = json::array();
  for (const auto& a : slice.axes) j["axes"].push_back({{"path", a.path}, {"values", a.values}});
  j["stores"] = slice.stores;
  j["points"] = json::array();
  for (const SweepPoint& p : slice.points) {
    json rpo = json::array();
    for (const auto& o : p.rpo_objectives) rpo.push_back(o ? json(*o) : json(nullptr));
    j["points"].push_back(
        {{"values", p.values},
         {"rto_objective_ms", p.rto_objective ? json(*p.rto_objective) : json(nullptr)},
         {"rpo_objectives_ms", rpo},
         {"results", results_part(p.results, first)}});
  }
  return j;
}

Merged merge_parts(const std::vector<std::string>& paths) {
  if (paths.empty()) fail("merge", "no part files to merge");
  std::vector<json> parts;
  for (const std::string& path : paths) {
    parts.push_back(parse_json(read_input_file(path, sim::Location{path, 0, 0, {}}), path));
  }
  return merge_part_json(parts, paths);
}

Merged merge_part_json(const std::vector<json>& parts, const std::vector<std::string>& paths) {
  if (parts.empty()) fail("merge", "no part files to merge");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const json& p = parts[i];
    const std::string& path = paths[i];
    if (!p.is_object() || p.value("kind", "") != "drsim-part")
      fail(path, "not a drsim part file (`kind` should be \"drsim-part\")",
           "part files are written by `drsim run|whatif ... --shard I/N --out FILE`");
    if (p.value("schema_version", 0) != kPartSchema ||
        p.value("drsim_version", "") != DRSIM_VERSION)
      fail(path,
           fmt::format("written by drsim {}; this is drsim {}", p.value("drsim_version", "?"),
                       DRSIM_VERSION),
           "merge parts with the drsim that wrote them");
  }
  try {
    const json& head = parts.front();
    // Every part must come from the same run: the same command, scenario, grid, seed and count.
    for (std::size_t i = 1; i < parts.size(); ++i) {
      for (const char* key :
           {"command", "seed", "trials", "file", "scenario", "overrides", "axes"}) {
        if (head.value(key, json()) != parts[i].value(key, json()))
          fail(paths[i], fmt::format("its `{}` differs from {}'s: the parts are not of one run",
                                     key, paths.front()));
      }
      if (head.at("shard").at(1) != parts[i].at("shard").at(1))
        fail(paths[i], "its shard count differs from the other parts'");
    }
    Merged m;
    m.command = head.at("command").get<std::string>();
    m.seed = head.at("seed").get<std::uint64_t>();
    m.file = head.at("file").get<std::string>();
    const auto trials = head.at("trials").get<std::uint64_t>();
    if (m.command == "run") {
      std::vector<const json*> results;
      for (const json& p : parts) results.push_back(&p.at("results"));
      m.results = merge_results(results, trials, paths.front());
      m.scenario = scenario_from_json(head.at("scenario"), m.file);
      return m;
    }
    Sweep& w = m.sweep;
    w.file = m.file;
    w.name = head.at("name").get<std::string>();
    w.seed = m.seed;
    w.trials = trials;
    for (const json& a : head.at("axes"))
      w.axes.push_back(
          {a.at("path").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
    w.stores = head.at("stores").get<std::vector<std::string>>();
    const std::size_t points = head.at("points").size();
    for (std::size_t k = 0; k < points; ++k) {
      const json& first = head.at("points").at(k);
      SweepPoint point;
      point.values = first.at("values").get<std::vector<std::string>>();
      point.rto_objective = duration_of(first.at("rto_objective_ms"));
      for (const json& o : first.at("rpo_objectives_ms"))
        point.rpo_objectives.push_back(duration_of(o));
      std::vector<const json*> results;
      for (const json& p : parts) results.push_back(&p.at("points").at(k).at("results"));
      point.results = merge_results(results, trials, paths.front());
      w.points.push_back(std::move(point));
    }
    measure_sweep(w);
    return m;
  } catch (const json::exception& e) {
    fail(paths.front(), fmt::format("a part file is malformed: {}", e.what()),
         "part files are written by `drsim run|whatif ... --shard I/N --out FILE`");
  }
}

}  // namespace drsim::scenarios
