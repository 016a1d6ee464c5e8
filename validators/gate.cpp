#include "validators/gate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "scenarios/json_location.hpp"
#include "scenarios/json_object.hpp"
#include "scenarios/run.hpp"
#include "sim/input_error.hpp"
#include "sim/paired.hpp"

namespace drsim::validators {
namespace {

using nlohmann::json;
using scenarios::fail_at;
using scenarios::JsonObject;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kBaselineSchema = 1;
constexpr std::uint64_t kDigestTrials = 200;

std::string read_text(const std::string& path) {
  return scenarios::read_input_file(path, sim::Location{path, 0, 0, {}});
}

/// FNV-1a, 64 bits: a content fingerprint (not a security measure).
class Fnv {
 public:
  void add(std::string_view bytes) {
    for (const char c : bytes) step(static_cast<unsigned char>(c));
  }
  void add(std::int64_t v) {
    for (int i = 0; i < 8; ++i)
      step(static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (8 * i)));
  }
  std::string hex() const { return fmt::format("fnv1a64:{:016x}", h_); }

 private:
  void step(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

/// "p95" -> 0.95, "p99.9" -> 0.999; "p_meet" -> nullopt.
std::optional<double> parse_stat(const std::string& text, const std::string& pointer) {
  if (text == "p_meet") return std::nullopt;
  if (text.size() > 1 && text[0] == 'p') {
    try {
      std::size_t used = 0;
      const double percent = std::stod(text.substr(1), &used);
      if (used == text.size() - 1 && percent > 0 && percent <= 100) return percent / 100;
    } catch (const std::exception&) {
    }
  }
  fail_at(pointer, fmt::format("`{}` is not a statistic", text),
          "write a quantile as \"p50\", \"p95\", \"p99.9\", or \"p_meet\" for the probability "
          "of meeting the objective");
}

double parse_share(const json& v, const std::string& pointer) {
  if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1)
    fail_at(pointer, "expected a share between 0 and 1 (0.99 for 99%)");
  return v.get<double>();
}

GateCheck parse_check(const json& j, const std::string& p) {
  JsonObject o(j, p, "a gate check",
               {"metric", "store", "stat", "target", "max", "min", "regression"});
  GateCheck c;
  c.pointer = p;
  const std::string metric = o.text("metric", true);
  if (metric == "rto") {
    c.metric = Metric::kRto;
  } else if (metric == "rpo") {
    c.metric = Metric::kRpo;
  } else {
    const std::string_view known[] = {"rto", "rpo"};
    fail_at(o.at("metric"), fmt::format("unknown metric `{}`", metric),
            sim::suggest(metric, known));
  }
  c.store = o.text("store");
  if (!c.store.empty() && c.metric != Metric::kRpo)
    fail_at(o.at("store"), "`store` belongs to an RPO check");
  c.quantile = parse_stat(o.text("stat", true), o.at("stat"));
  if (o.has("target")) {
    if (c.quantile) fail_at(o.at("target"), "`target` belongs to a p_meet check");
    c.target = o.duration("target", 0);
  }
  if (int(o.has("max")) + int(o.has("min")) + int(o.has("regression")) != 1)
    fail_at(p,
            "a check needs exactly one of `max` (a quantile's limit), `min` (p_meet's) and "
            "`regression` (tolerances against the baseline)");
  if (o.has("max")) {
    if (!c.quantile) fail_at(o.at("max"), "p_meet takes `min` (a share), not `max`");
    c.max = o.duration("max", 0);
  }
  if (o.has("min")) {
    if (c.quantile) fail_at(o.at("min"), "a quantile takes `max` (a duration), not `min`");
    c.min = parse_share(o["min"], o.at("min"));
  }
  if (o.has("regression")) {
    c.regression = true;
    JsonObject r(o["regression"], o.at("regression"), "a regression tolerance",
                 {"relative", "absolute"});
    if (c.quantile) {
      if (r.has("relative")) c.relative = parse_share(r["relative"], r.at("relative"));
      c.absolute = r.duration("absolute", 0);
    } else {
      if (r.has("relative"))
        fail_at(r.at("relative"), "p_meet's tolerance is an absolute drop in share");
      if (r.has("absolute")) c.drop = parse_share(r["absolute"], r.at("absolute"));
    }
  }
  return c;
}

std::string quantile_name(double p) {
  return fmt::format("p{:g}", p * 100);
}

std::string metric_name(const GateCheck& c) {
  return c.metric == Metric::kRto ? "RTO" : "RPO " + c.store;
}

std::string label(const GateCheck& c, sim::Duration target) {
  const auto d = [](sim::Duration v) { return sim::format_duration(v); };
  if (c.quantile && !c.regression)
    return fmt::format("{} {} ≤ {}", quantile_name(*c.quantile), metric_name(c), d(*c.max));
  if (c.quantile) {
    std::string tolerance = c.relative > 0 && c.absolute > 0
                                ? fmt::format("max({:g}%, {})", c.relative * 100, d(c.absolute))
                            : c.relative > 0 ? fmt::format("{:g}%", c.relative * 100)
                                             : d(c.absolute);
    return fmt::format("{} {} grows ≤ {}", quantile_name(*c.quantile), metric_name(c), tolerance);
  }
  const std::string meet = fmt::format("P({} ≤ {})", metric_name(c), d(target));
  if (!c.regression) return fmt::format("{} ≥ {:g}%", meet, *c.min * 100);
  return fmt::format("{} falls ≤ {:g} pt", meet, c.drop * 100);
}

/// Per-trial values for statistics: a trial drsim itself failed counts as "never".
std::vector<std::int64_t> trial_values(const std::vector<std::int64_t>& column) {
  std::vector<std::int64_t> v(column);
  for (auto& x : v) {
    if (x == scenarios::kTrialFailed) x = sim::kInfinite;
  }
  return v;
}

double as_double(std::int64_t ms) {
  return ms == sim::kInfinite ? kInf : static_cast<double>(ms);
}

/// PASS when [low, high] is wholly at or under `limit`, FAIL when wholly above it.
Verdict at_most(double low, double high, double limit) {
  if (high <= limit) return Verdict::kPass;
  if (low > limit) return Verdict::kFail;
  return Verdict::kInconclusive;
}

/// The checks a scenario gets, with RPO checks without a store expanded to every store.
std::vector<GateCheck> checks_for(const scenarios::Scenario& s, const GatePolicy& policy) {
  std::vector<GateCheck> out;
  auto add = [&](const GateCheck& c, bool own) {
    if (c.metric == Metric::kRpo && c.store.empty()) {
      for (const auto& store : s.data_stores) {
        GateCheck each = c;
        each.store = store.name;
        out.push_back(each);
      }
      return;
    }
    if (c.metric == Metric::kRpo &&
        std::none_of(s.data_stores.begin(), s.data_stores.end(),
                     [&](const auto& d) { return d.name == c.store; })) {
      if (!own) return;  // a policy-wide check on a store other scenarios have
      std::vector<std::string_view> names;
      for (const auto& d : s.data_stores) names.push_back(d.name);
      throw sim::InputError(sim::Location{policy.file, 0, 0, c.pointer + "/store"},
                            fmt::format("scenario `{}` has no data store `{}`", s.name, c.store),
                            sim::suggest(c.store, names));
    }
    out.push_back(c);
  };
  for (const GateCheck& c : policy.checks) add(c, false);
  if (const auto it = policy.scenario_checks.find(s.name); it != policy.scenario_checks.end()) {
    for (const GateCheck& c : it->second) add(c, true);
  }
  return out;
}

std::size_t store_index(const scenarios::Scenario& s, const std::string& store) {
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    if (s.data_stores[k].name == store) return k;
  }
  return s.data_stores.size();
}

/// The per-trial values a check reads from a run (empty when the run lacks the store).
std::vector<std::int64_t> values_of(const GateCheck& c, const scenarios::Scenario& s,
                                    const scenarios::ScenarioResults& r) {
  if (c.metric == Metric::kRto) return trial_values(r.trial_rto_ms);
  const std::size_t k = store_index(s, c.store);
  return k < r.trial_rpo_ms.size() ? trial_values(r.trial_rpo_ms[k]) : std::vector<std::int64_t>{};
}

std::optional<sim::Duration> target_of(const GateCheck& c, const scenarios::Scenario& s) {
  if (c.target) return c.target;
  return c.metric == Metric::kRto ? s.objectives.rto : s.objectives.rpo_of(c.store);
}

CheckResult evaluate(const GateCheck& c, const scenarios::Scenario& cand_s,
                     const scenarios::ScenarioResults& cand, const scenarios::Scenario* base_s,
                     const scenarios::ScenarioResults* base, double confidence,
                     std::uint64_t resamples, sim::Stream& rng) {
  CheckResult out;
  out.regression = c.regression;
  out.share = !c.quantile.has_value();
  const std::optional<sim::Duration> target = target_of(c, cand_s);
  out.label = label(c, target.value_or(0));
  if (!c.quantile && !target) {
    out.note = fmt::format("the scenario has no {} objective and the check gives no target",
                           c.metric == Metric::kRto ? "RTO" : "RPO for " + c.store);
    return out;
  }
  const std::vector<std::int64_t> after = values_of(c, cand_s, cand);
  if (!c.regression) {
    if (c.quantile) {
      const sim::Sample sample = sim::Sample::from_values(after, scenarios::kTrialFailed);
      const sim::Bounds b = sample.quantile_interval(*c.quantile, confidence);
      out.value = as_double(sample.quantile(*c.quantile));
      out.low = b.low ? as_double(*b.low) : -kInf;
      out.high = b.high ? as_double(*b.high) : kInf;
      out.limit = static_cast<double>(*c.max);
      out.verdict = at_most(out.low, out.high, out.limit);
    } else {
      sim::Proportion met{0, after.size()};
      for (const auto v : after) met.successes += v <= *target ? 1 : 0;
      const sim::ProbabilityInterval i = met.clopper_pearson(confidence);
      out.value = met.estimate();
      out.low = i.low;
      out.high = i.high;
      out.limit = *c.min;
      // At least `min`: the negated share at most −min.
      out.verdict = at_most(-out.high, -out.low, -out.limit);
    }
    return out;
  }
  if (!base) {
    out.note = "no baseline for this scenario";
    return out;
  }
  const std::vector<std::int64_t> before = values_of(c, *base_s, *base);
  if (before.size() != after.size()) {
    out.note = fmt::format("the baseline has no data store `{}`", c.store);
    return out;
  }
  if (c.quantile) {
    const sim::Change d =
        sim::quantile_change(before, after, *c.quantile, confidence, resamples, rng);
    std::vector<std::int64_t> scratch(before);
    out.baseline = as_double(sim::quantile_in_place(scratch, *c.quantile));
    scratch = after;
    out.candidate = as_double(sim::quantile_in_place(scratch, *c.quantile));
    out.value = d.estimate;
    out.low = d.low;
    out.high = d.high;
    out.limit = std::max(c.relative * out.baseline, static_cast<double>(c.absolute));
    out.verdict = at_most(out.low, out.high, out.limit);
  } else {
    const sim::ShareChange d = sim::share_change(before, after, *target, confidence);
    out.baseline = d.baseline_share;
    out.candidate = d.candidate_share;
    out.value = d.change.estimate;
    out.low = d.change.low;
    out.high = d.change.high;
    out.limit = -c.drop;
    out.verdict = at_most(-out.high, -out.low, c.drop);
    out.note = fmt::format("{} trials newly missed it, {} newly met it (exact paired p = {:.3g})",
                           d.lost, d.gained, d.p_value);
  }
  return out;
}

std::string digest_of(const scenarios::ScenarioResults& r) {
  Fnv h;
  for (const auto v : r.trial_rto_ms) h.add(v);
  for (const auto& column : r.trial_rpo_ms) {
    for (const auto v : column) h.add(v);
  }
  return h.hex();
}

scenarios::ScenarioResults run(const scenarios::Scenario& s, std::uint64_t seed,
                               std::uint64_t trials, unsigned threads) {
  sim::RunOptions o;
  o.seed = seed;
  o.trials = trials;
  o.threads = threads;
  return scenarios::run_scenario(s, o, true);
}

json summary_json(const scenarios::Scenario& s, const scenarios::ScenarioResults& r) {
  auto quantiles = [](const sim::Sample& x) {
    json q;
    for (const double p : {0.5, 0.95, 0.99}) {
      const std::int64_t v = x.quantile(p);
      q[quantile_name(p) + "_s"] =
          v == sim::kInfinite ? json(nullptr) : json(static_cast<double>(v) / 1000);
    }
    return q;
  };
  json j;
  j["rto"] = quantiles(r.rto_ms);
  for (std::size_t k = 0; k < s.data_stores.size(); ++k)
    j["rpo"][s.data_stores[k].name] = quantiles(r.rpo_ms[k]);
  return j;
}

}  // namespace

// ---- policy ----

GatePolicy parse_policy(std::string_view text, const std::string& file) {
  const json j = scenarios::parse_json(text, file);
  try {
    JsonObject o(
        j, "", "a gate policy",
        {"confidence", "trials", "bootstrap_resamples", "inconclusive", "checks", "scenarios"});
    GatePolicy p;
    p.file = file;
    if (o.has("confidence")) {
      p.confidence = parse_share(o["confidence"], o.at("confidence"));
      if (p.confidence < 0.5 || p.confidence >= 1)
        fail_at(o.at("confidence"), "expected a confidence in [0.5, 1), such as 0.95");
    }
    if (o.has("trials")) {
      JsonObject t(o["trials"], o.at("trials"), "the trial budget", {"initial", "max"});
      auto count = [&](std::string_view key, std::uint64_t fallback) {
        const double v = t.number(key, static_cast<double>(fallback));
        if (v < 100 || v > 10'000'000 || v != std::floor(v))
          fail_at(t.at(key), "expected a whole number of trials from 100 to 10,000,000");
        return static_cast<std::uint64_t>(v);
      };
      p.initial_trials = count("initial", p.initial_trials);
      p.max_trials = count("max", std::max(p.max_trials, p.initial_trials));
      if (p.max_trials < p.initial_trials) fail_at(t.at("max"), "`max` must be at least `initial`");
    }
    if (o.has("bootstrap_resamples")) {
      const double v = o.number("bootstrap_resamples", 1000);
      if (v < 100 || v > 100'000 || v != std::floor(v))
        fail_at(o.at("bootstrap_resamples"), "expected a whole number from 100 to 100,000");
      p.resamples = static_cast<std::uint64_t>(v);
    }
    const std::string inconclusive = o.text("inconclusive", false, "fail");
    if (inconclusive != "fail" && inconclusive != "pass")
      fail_at(o.at("inconclusive"),
              "expected \"fail\" or \"pass\": what an undecided check does to the gate");
    p.inconclusive_fails = inconclusive == "fail";
    o.each("checks",
           [&](const json& c, const std::string& at) { p.checks.push_back(parse_check(c, at)); });
    if (o.has("scenarios")) {
      if (!o["scenarios"].is_object())
        fail_at(o.at("scenarios"), "`scenarios` maps scenario names to arrays of checks");
      for (const auto& [name, list] : o["scenarios"].items()) {
        const std::string at = o.at("scenarios") + "/" + name;
        if (!list.is_array()) fail_at(at, "expected an array of checks");
        auto& checks = p.scenario_checks[name];
        for (std::size_t i = 0; i < list.size(); ++i)
          checks.push_back(parse_check(list[i], at + "/" + std::to_string(i)));
      }
    }
    if (p.checks.empty() && p.scenario_checks.empty())
      fail_at("/checks", "the policy has no checks");
    return p;
  } catch (const sim::InputError& e) {
    throw scenarios::JsonLocations(text, file).locate(e);
  }
}

GatePolicy load_policy(const std::string& path) {
  return parse_policy(read_text(path), path);
}

// ---- scenarios and baselines ----

ScenarioInput read_scenario_input(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  ScenarioInput in;
  in.file = path;
  in.scenario = scenarios::load_scenario(path, overrides);  // errors located in the files
  in.resolved = scenarios::resolve_scenario(path, overrides);
  Fnv h;
  h.add(in.resolved.dump());
  in.hash = h.hex();
  return in;
}

const BaselineEntry* Baseline::find(std::string_view name) const {
  for (const BaselineEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Baseline make_baseline(const std::vector<ScenarioInput>& inputs, std::uint64_t seed,
                       std::uint64_t trials, unsigned threads) {
  Baseline b;
  b.version = DRSIM_VERSION;
  b.seed = seed;
  b.trials = trials;
  for (const ScenarioInput& in : inputs) {
    BaselineEntry e;
    e.name = in.scenario.name;
    e.file = in.file;
    e.hash = in.hash;
    e.scenario = in.resolved;
    e.digest_trials = kDigestTrials;
    e.digest = digest_of(run(in.scenario, seed, kDigestTrials, threads));
    e.summary = summary_json(in.scenario, run(in.scenario, seed, trials, threads));
    b.entries.push_back(std::move(e));
  }
  return b;
}

json baseline_json(const Baseline& b) {
  json j;
  j["kind"] = "drsim-baseline";
  j["schema_version"] = kBaselineSchema;
  j["drsim_version"] = b.version;
  j["seed"] = b.seed;
  j["trials"] = b.trials;
  j["scenarios"] = json::array();
  for (const BaselineEntry& e : b.entries) {
    j["scenarios"].push_back({{"name", e.name},
                              {"file", e.file},
                              {"hash", e.hash},
                              {"digest", {{"trials", e.digest_trials}, {"value", e.digest}}},
                              {"summary", e.summary},
                              {"scenario", e.scenario}});
  }
  return j;
}

Baseline load_baseline(const std::string& path) {
  const std::string text = read_text(path);
  const json j = scenarios::parse_json(text, path);
  try {
    JsonObject o(j, "", "a baseline",
                 {"kind", "schema_version", "drsim_version", "seed", "trials", "scenarios"});
    if (o.text("kind", true) != "drsim-baseline")
      fail_at(o.at("kind"), "this is not a drsim baseline (`kind` should be \"drsim-baseline\")");
    Baseline b;
    b.file = path;
    b.version = o.text("drsim_version", true);
    const double schema = o.number("schema_version", 0);
    if (schema != kBaselineSchema || b.version != DRSIM_VERSION) {
      fail_at(
          o.at("drsim_version"),
          fmt::format("the baseline was written by drsim {} (baseline format {}); this is drsim "
                      "{} (format {}), whose models may give other results, so the two cannot "
                      "be compared trial by trial",
                      b.version, schema, DRSIM_VERSION, kBaselineSchema),
          "write a new baseline with this drsim: `drsim baseline SCENARIO... --out FILE` on "
          "the base branch's scenario files");
    }
    b.seed = static_cast<std::uint64_t>(o.number("seed", 1));
    b.trials = static_cast<std::uint64_t>(o.number("trials", 0));
    o.each("scenarios", [&](const json& s, const std::string& at) {
      JsonObject e(s, at, "a baseline scenario",
                   {"name", "file", "hash", "digest", "summary", "scenario"});
      BaselineEntry entry;
      entry.name = e.text("name", true);
      entry.file = e.text("file");
      entry.hash = e.text("hash", true);
      JsonObject d(e["digest"], e.at("digest"), "a digest", {"trials", "value"});
      entry.digest_trials = static_cast<std::uint64_t>(d.number("trials", 0));
      entry.digest = d.text("value", true);
      if (e.has("summary")) entry.summary = e["summary"];
      if (!e.has("scenario")) fail_at(at, "missing field `scenario`");
      entry.scenario = e["scenario"];
      b.entries.push_back(std::move(entry));
    });
    return b;
  } catch (const sim::InputError& e) {
    throw scenarios::JsonLocations(text, path).locate(e);
  }
}

// ---- the gate ----

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
    case Verdict::kSkipped:
      break;
  }
  return "SKIPPED";
}

std::size_t GateResult::count(Verdict v) const {
  std::size_t n = 0;
  for (const ScenarioGate& s : scenarios) {
    for (const CheckResult& c : s.checks) n += c.verdict == v ? 1 : 0;
  }
  return n;
}

bool GateResult::passed() const {
  return count(Verdict::kFail) == 0 && (!inconclusive_fails || count(Verdict::kInconclusive) == 0);
}

GateResult run_gate(const std::vector<ScenarioInput>& candidates, const GatePolicy& policy,
                    const Baseline* baseline, std::uint64_t seed, unsigned threads) {
  // Every scenario named in the policy must be among those gated.
  std::vector<std::string_view> names;
  for (const ScenarioInput& c : candidates) names.push_back(c.scenario.name);
  for (const auto& [name, checks] : policy.scenario_checks) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw sim::InputError(
          sim::Location{policy.file, 0, 0, "/scenarios/" + name},
          fmt::format("the policy has checks for scenario `{}`, which is not gated", name),
          sim::suggest(name, names));
    }
  }
  GateResult g;
  g.seed = baseline ? baseline->seed : seed;
  g.confidence = policy.confidence;
  g.inconclusive_fails = policy.inconclusive_fails;
  std::vector<std::vector<GateCheck>> checks;
  for (const ScenarioInput& c : candidates) {
    checks.push_back(checks_for(c.scenario, policy));
    g.tests += checks.back().size();
  }
  for (std::uint64_t n = policy.initial_trials; n < policy.max_trials; n *= 2) ++g.looks;
  g.check_confidence = 1 - (1 - policy.confidence) /
                               static_cast<double>(std::max<std::uint64_t>(g.tests, 1) * g.looks);

  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const ScenarioInput& cand = candidates[i];
    ScenarioGate sg;
    sg.name = cand.scenario.name;
    sg.file = cand.file;
    const BaselineEntry* entry = baseline ? baseline->find(sg.name) : nullptr;
    std::optional<scenarios::Scenario> base_scenario;
    const bool same = entry && entry->hash == cand.hash;
    sg.baseline = !entry ? "none" : same ? "same scenario" : "changed";
    if (entry && !same) {
      base_scenario =
          scenarios::scenario_from_json(entry->scenario, baseline->file + " (" + sg.name + ")");
    }
    if (entry) {
      // The baseline's scenario must still give the results it gave when it was recorded.
      const scenarios::Scenario& s = same ? cand.scenario : *base_scenario;
      const std::string digest = digest_of(run(s, baseline->seed, entry->digest_trials, threads));
      if (digest != entry->digest) {
        throw sim::InputError(
            sim::Location{baseline->file, 0, 0, {}},
            fmt::format("scenario `{}` no longer gives the results recorded in the baseline "
                        "(first {} trials: {} then, {} now): this drsim's models differ from "
                        "those of the drsim that wrote it",
                        sg.name, entry->digest_trials, entry->digest, digest),
            "write the baseline with the same drsim as the gate (`drsim baseline` on the base "
            "branch's scenario files)");
      }
    }
    const std::uint64_t run_seed = g.seed;
    for (std::uint64_t n = policy.initial_trials;; n = std::min(2 * n, policy.max_trials)) {
      const scenarios::ScenarioResults after = run(cand.scenario, run_seed, n, threads);
      std::optional<scenarios::ScenarioResults> before_storage;
      const scenarios::ScenarioResults* before = nullptr;
      if (same) {
        before = &after;
      } else if (entry) {
        before_storage = run(*base_scenario, run_seed, n, threads);
        before = &*before_storage;
      }
      sg.trials = n;
      sg.checks.clear();
      bool undecided = false;
      for (std::size_t k = 0; k < checks[i].size(); ++k) {
        sim::Stream rng(run_seed, n, sim::stream_id(fmt::format("gate/{}/{}", sg.name, k)));
        sg.checks.push_back(evaluate(checks[i][k], cand.scenario, after,
                                     base_scenario ? &*base_scenario : &cand.scenario, before,
                                     g.check_confidence, policy.resamples, rng));
        undecided = undecided || sg.checks.back().verdict == Verdict::kInconclusive;
      }
      if (!undecided || n >= policy.max_trials) break;
    }
    g.scenarios.push_back(std::move(sg));
  }
  return g;
}

}  // namespace drsim::validators
