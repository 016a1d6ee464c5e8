#include "validators/checklist.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>

#include "models/value.hpp"
#include "scenarios/json_location.hpp"
#include "scenarios/json_object.hpp"
#include "scenarios/run.hpp"
#include "sim/input_error.hpp"

namespace drsim::validators {
namespace {

using nlohmann::json;
using scenarios::fail_at;
using scenarios::JsonObject;

constexpr int kRecordSchema = 1;
/// Differences from the model's median smaller than this are never flagged.
constexpr std::int64_t kNegligible = sim::kMinute;

std::string read_text(const std::string& path) {
  return scenarios::read_input_file(path, sim::Location{path, 0, 0, {}});
}

std::string d(sim::Duration v) {
  return sim::format_duration(v);
}

Predicate parse_predicate(const json& j, const std::string& p) {
  JsonObject o(
      j, p, "a checklist predicate",
      {"step", "outcome", "from", "to", "metric", "store", "observation", "equals", "max", "all"});
  Predicate x{};
  const int kinds = int(o.has("step")) + int(o.has("from")) + int(o.has("metric")) +
                    int(o.has("observation")) + int(o.has("all"));
  if (kinds != 1)
    fail_at(
        p,
        "a predicate needs exactly one of `step`, `from`/`to`, `metric`, `observation` and `all`");
  if (o.has("max")) x.max = o.duration("max", 0);
  if (o.has("step")) {
    x.step = o.text("step", true);
    if (o.has("outcome") && o.text("outcome") != "ok")
      fail_at(o.at("outcome"), "the only outcome a check asks for is \"ok\"");
    if (!o.has("outcome") && !o.has("max"))
      fail_at(p, "a step predicate asks for \"outcome\": \"ok\" or a \"max\" duration");
    x.kind = x.max ? Predicate::Kind::kStepWithin : Predicate::Kind::kStepOk;
  } else if (o.has("from")) {
    x.kind = Predicate::Kind::kSpan;
    x.from = o.text("from", true);
    x.to = o.text("to", true);
    if (!x.max) fail_at(p, "a `from`/`to` predicate needs a \"max\" duration");
  } else if (o.has("metric")) {
    const std::string metric = o.text("metric", true);
    if (metric != "rto" && metric != "rpo") {
      const std::string_view known[] = {"rto", "rpo"};
      fail_at(o.at("metric"), fmt::format("unknown metric `{}`", metric),
              sim::suggest(metric, known));
    }
    x.kind = metric == "rto" ? Predicate::Kind::kRto : Predicate::Kind::kRpo;
    x.store = o.text("store");
    if (!x.max) fail_at(p, "a metric predicate needs a \"max\" duration");
  } else if (o.has("observation")) {
    x.kind = Predicate::Kind::kObservation;
    x.observation = o.text("observation", true);
    if (o.has("equals")) x.equals = o.text("equals");
    if (x.equals.has_value() == x.max.has_value())
      fail_at(p, "an observation predicate asks for exactly one of \"equals\" and \"max\"");
  } else {
    x.kind = Predicate::Kind::kAll;
    o.each("all",
           [&](const json& e, const std::string& at) { x.all.push_back(parse_predicate(e, at)); });
    if (x.all.empty()) fail_at(o.at("all"), "`all` needs at least one predicate");
  }
  return x;
}

/// Step ids a predicate names, to check them against a scenario.
void named_steps(const Predicate& p, std::vector<std::string>& out) {
  if (!p.step.empty()) out.push_back(p.step);
  if (!p.from.empty() && p.from != "onset") out.push_back(p.from);
  if (!p.to.empty() && p.to != "service") out.push_back(p.to);
  for (const Predicate& q : p.all) named_steps(q, out);
}

std::optional<std::int64_t> instant(const json& v, const std::string& pointer, std::int64_t onset) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_string())
    fail_at(pointer, "expected an ISO 8601 UTC time like \"2026-04-14T09:00:00Z\"");
  const auto t = models::parse_iso8601(v.get<std::string>(), onset);
  if (!t) fail_at(pointer, "expected an ISO 8601 UTC time like \"2026-04-14T09:00:00Z\"");
  return *t;
}

/// The value at which `v` falls among `sorted` (share below, ties counting half).
double percentile_of(const std::vector<std::int64_t>& sorted, std::int64_t v) {
  if (sorted.empty()) return 0.5;
  const auto lo = std::lower_bound(sorted.begin(), sorted.end(), v);
  const auto hi = std::upper_bound(sorted.begin(), sorted.end(), v);
  const double below = static_cast<double>(lo - sorted.begin());
  const double equal = static_cast<double>(hi - lo);
  return (below + equal / 2) / static_cast<double>(sorted.size());
}

std::int64_t quantile(const std::vector<std::int64_t>& sorted, double p) {
  return sorted[sim::quantile_rank(p, sorted.size()) - 1];
}

/// Simulated values per key, filled by trial (so any thread count gives the same).
struct Collector {
  explicit Collector(std::uint64_t trials, std::size_t keys)
      : values(keys, std::vector<std::int64_t>(trials, kAbsent)) {}
  static constexpr std::int64_t kAbsent = std::numeric_limits<std::int64_t>::min();
  std::vector<std::vector<std::int64_t>> values;  // [key][trial]
  std::vector<std::int64_t> sorted(std::size_t key) const {
    std::vector<std::int64_t> out;
    for (const auto v : values[key]) {
      if (v != kAbsent) out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

// ---- the checklist ----

std::vector<const ChecklistItem*> Checklist::items_for(std::string_view when) const {
  std::vector<const ChecklistItem*> out;
  for (const ChecklistItem& i : items) {
    if (when.empty() || i.when.empty() ||
        std::find(i.when.begin(), i.when.end(), when) != i.when.end())
      out.push_back(&i);
  }
  return out;
}

Checklist parse_checklist(std::string_view text, const std::string& file) {
  const json j = scenarios::parse_json(text, file);
  try {
    JsonObject o(j, "", "a checklist", {"name", "source", "scenario", "schedule", "items"});
    Checklist c;
    c.file = file;
    c.name = o.text("name", true);
    c.source = o.text("source");
    c.scenario = o.text("scenario");
    if (o.has("schedule")) {
      if (!o["schedule"].is_object())
        fail_at(o.at("schedule"), "`schedule` maps a drill (\"Q2\") to what it tests");
      for (const auto& [when, what] : o["schedule"].items()) {
        if (!what.is_string()) fail_at(o.at("schedule") + "/" + when, "expected a description");
        c.schedule[when] = what.get<std::string>();
      }
    }
    o.each("items", [&](const json& e, const std::string& p) {
      JsonObject item(e, p, "a checklist item", {"id", "text", "when", "check"});
      ChecklistItem i;
      i.pointer = p;
      i.id = item.text("id", true);
      i.text = item.text("text", true);
      i.when = item.strings("when");
      for (std::size_t k = 0; k < i.when.size(); ++k) {
        if (!c.schedule.empty() && !c.schedule.contains(i.when[k])) {
          std::vector<std::string_view> known;
          for (const auto& [w, _] : c.schedule) known.push_back(w);
          fail_at(item.at("when") + "/" + std::to_string(k),
                  fmt::format("`{}` is not in the checklist's schedule", i.when[k]),
                  sim::suggest(i.when[k], known));
        }
      }
      if (!item.has("check")) fail_at(p, "missing field `check`");
      i.check = parse_predicate(item["check"], item.at("check"));
      for (const ChecklistItem& other : c.items) {
        if (other.id == i.id)
          fail_at(item.at("id"), fmt::format("item id `{}` is used twice", i.id));
      }
      c.items.push_back(std::move(i));
    });
    if (c.items.empty()) fail_at("/items", "the checklist has no items");
    return c;
  } catch (const sim::InputError& e) {
    throw scenarios::JsonLocations(text, file).locate(e);
  }
}

Checklist load_checklist(const std::string& path) {
  return parse_checklist(read_text(path), path);
}

// ---- observations and predicates ----

Observed observe(const scenarios::Scenario& s, const scenarios::TrialOutcome& o) {
  Observed out;
  for (std::size_t i = 0; i < s.runbook.size() && i < o.steps.size(); ++i) {
    const scenarios::StepRecord& r = o.steps[i];
    Observed::Step step;
    if (r.start != sim::kNever) step.start = r.start - o.onset;
    if (r.end != sim::kNever && !r.skipped) step.end = r.end - o.onset;
    step.ok = r.ok && !r.skipped;
    if (r.skipped) step.detail = "skipped: its condition did not hold";
    const std::string prefix = "step " + s.runbook[i].id + ":";
    if (o.cause.starts_with(prefix)) step.detail = o.cause.substr(prefix.size() + 1);
    out.steps.emplace(s.runbook[i].id, std::move(step));
  }
  if (o.rto_ms != sim::kInfinite) out.service_back = o.rto_ms;
  for (std::size_t k = 0; k < s.data_stores.size() && k < o.rpo_ms.size(); ++k) {
    out.rpo[s.data_stores[k].name] =
        o.rpo_ms[k] == sim::kInfinite ? std::nullopt : std::optional(o.rpo_ms[k]);
  }
  out.cause = o.cause;
  return out;
}

std::string_view item_verdict_name(ItemVerdict v) {
  switch (v) {
    case ItemVerdict::kPass:
      return "PASS";
    case ItemVerdict::kFail:
      return "FAIL";
    case ItemVerdict::kNotObserved:
      break;
  }
  return "NOT OBSERVED";
}

ItemResult evaluate(const Predicate& p, const Observed& o) {
  auto fail = [](std::string reason) {
    return ItemResult{ItemVerdict::kFail, std::move(reason), {}};
  };
  auto not_observed = [](std::string reason) {
    return ItemResult{ItemVerdict::kNotObserved, std::move(reason), {}};
  };
  auto stopped = [&](const std::string& what) {
    return o.cause.empty() ? what : fmt::format("{} ({})", what, o.cause);
  };
  // A step that finished well, or why not.
  auto finished = [&](const std::string& id,
                      const Observed::Step*& step) -> std::optional<ItemResult> {
    const auto it = o.steps.find(id);
    if (it == o.steps.end()) return not_observed(fmt::format("step `{}` is not in the record", id));
    step = &it->second;
    if (!step->start) return fail(stopped(fmt::format("step `{}` never ran", id)));
    if (!step->end && step->detail.empty())
      return fail(stopped(fmt::format("step `{}` never finished", id)));
    if (!step->ok) {
      return fail(step->detail.empty() ? fmt::format("step `{}` failed", id)
                                       : fmt::format("step `{}` failed: {}", id, step->detail));
    }
    return std::nullopt;
  };
  const Observed::Step* step = nullptr;
  switch (p.kind) {
    case Predicate::Kind::kStepOk:
      if (auto r = finished(p.step, step)) return *r;
      return {ItemVerdict::kPass, {}, {}};
    case Predicate::Kind::kStepWithin: {
      if (auto r = finished(p.step, step)) return *r;
      const std::int64_t took = *step->end - *step->start;
      if (took > *p.max)
        return {ItemVerdict::kFail, fmt::format("step `{}` took longer than {}", p.step, d(*p.max)),
                took};
      return {ItemVerdict::kPass, {}, took};
    }
    case Predicate::Kind::kSpan: {
      std::int64_t from = 0, to = 0;
      if (p.from != "onset") {
        const auto it = o.steps.find(p.from);
        if (it == o.steps.end())
          return not_observed(fmt::format("step `{}` is not in the record", p.from));
        if (!it->second.start) return fail(stopped(fmt::format("step `{}` never ran", p.from)));
        from = *it->second.start;
      }
      if (p.to == "service") {
        if (!o.service_back) return fail(stopped("the service never came back"));
        to = *o.service_back;
      } else {
        if (auto r = finished(p.to, step)) return *r;
        to = *step->end;
      }
      const std::int64_t took = to - from;
      if (took > *p.max)
        return {ItemVerdict::kFail,
                fmt::format("from `{}` to `{}` took longer than {}", p.from, p.to, d(*p.max)),
                took};
      return {ItemVerdict::kPass, {}, took};
    }
    case Predicate::Kind::kRto:
      if (!o.service_back) return fail(stopped("the service never came back"));
      if (*o.service_back > *p.max)
        return {ItemVerdict::kFail, fmt::format("RTO longer than {}", d(*p.max)), *o.service_back};
      return {ItemVerdict::kPass, {}, *o.service_back};
    case Predicate::Kind::kRpo: {
      if (o.rpo.empty()) return not_observed("no recovery point was recorded");
      const auto it = p.store.empty() ? o.rpo.begin() : o.rpo.find(p.store);
      if (it == o.rpo.end())
        return not_observed(fmt::format("no recovery point of `{}` was recorded", p.store));
      if (!it->second) return fail(stopped(fmt::format("`{}` was not recovered", it->first)));
      if (*it->second > *p.max)
        return {ItemVerdict::kFail, fmt::format("the recovered data is older than {}", d(*p.max)),
                *it->second};
      return {ItemVerdict::kPass, {}, *it->second};
    }
    case Predicate::Kind::kObservation: {
      const auto it = o.observations.find(p.observation);
      if (it == o.observations.end())
        return not_observed(fmt::format("`{}` was not recorded", p.observation));
      if (p.equals) {
        if (it->second == *p.equals) return {ItemVerdict::kPass, {}, {}};
        return fail(
            fmt::format("`{}` was \"{}\", not \"{}\"", p.observation, it->second, *p.equals));
      }
      std::int64_t v = 0;
      try {
        v = sim::parse_duration(it->second);
      } catch (const sim::InputError&) {
        return fail(fmt::format("`{}` is \"{}\", not a duration", p.observation, it->second));
      }
      if (v > *p.max)
        return {ItemVerdict::kFail, fmt::format("`{}` longer than {}", p.observation, d(*p.max)),
                v};
      return {ItemVerdict::kPass, {}, v};
    }
    case Predicate::Kind::kAll: {
      ItemResult out{ItemVerdict::kPass, {}, {}};
      for (const Predicate& q : p.all) {
        ItemResult r = evaluate(q, o);
        if (r.verdict == ItemVerdict::kFail) return r;
        if (r.verdict == ItemVerdict::kNotObserved && out.verdict == ItemVerdict::kPass) out = r;
        if (r.value && out.verdict == ItemVerdict::kPass) out.value = r.value;
      }
      return out;
    }
  }
  return not_observed("unknown predicate");
}

// ---- drill records ----

DrillRecord parse_drill_record(std::string_view text, const std::string& file) {
  const json j = scenarios::parse_json(text, file);
  try {
    JsonObject o(j, "", "a drill record",
                 {"kind", "schema_version", "scenario", "drill", "onset", "steps", "observations",
                  "stopped"});
    if (o.text("kind", true) != "drsim-drill-record")
      fail_at(o.at("kind"), "this is not a drill record (`kind` should be \"drsim-drill-record\")");
    if (o.number("schema_version", 0) != kRecordSchema)
      fail_at(o.at("schema_version"),
              fmt::format("this drsim reads drill records of schema_version {}", kRecordSchema));
    DrillRecord r;
    r.file = file;
    r.scenario = o.text("scenario");
    r.drill = o.text("drill");
    if (!o.has("onset")) fail_at("/onset", "the drill's onset (the declared disaster) is required");
    const auto onset = instant(o["onset"], o.at("onset"), 0);
    if (!onset) fail_at(o.at("onset"), "the drill's onset (the declared disaster) is required");
    r.onset_unix_ms = *onset;
    auto since_onset = [&](const json& v, const std::string& at) -> std::optional<std::int64_t> {
      const auto t = instant(v, at, 0);
      return t ? std::optional(*t - r.onset_unix_ms) : std::nullopt;
    };
    o.each("steps", [&](const json& e, const std::string& p) {
      JsonObject s(e, p, "a drill step",
                   {"id", "started", "ended", "outcome", "detail", "command"});
      const std::string id = s.text("id", true);
      Observed::Step step;
      if (s.has("started")) step.start = since_onset(s["started"], s.at("started"));
      if (s.has("ended")) step.end = since_onset(s["ended"], s.at("ended"));
      const std::string outcome = s.text("outcome", true);
      const std::string_view outcomes[] = {"ok", "failed", "skipped", "running"};
      if (std::find(std::begin(outcomes), std::end(outcomes), outcome) == std::end(outcomes))
        fail_at(s.at("outcome"), fmt::format("unknown outcome `{}`", outcome),
                sim::suggest(outcome, outcomes));
      step.ok = outcome == "ok";
      step.detail = s.text("detail");
      if (outcome == "skipped" && step.detail.empty()) step.detail = "skipped";
      if (step.ok && (!step.start || !step.end))
        fail_at(p, "a step that ended ok has `started` and `ended` times");
      if (step.start && step.end && *step.end < *step.start)
        fail_at(s.at("ended"), "the step ended before it started");
      if (r.observed.steps.contains(id))
        fail_at(s.at("id"), fmt::format("step `{}` is recorded twice", id));
      r.step_order.push_back(id);
      r.observed.steps.emplace(id, std::move(step));
    });
    o.each("observations", [&](const json& e, const std::string& p) {
      JsonObject x(e, p, "an observation", {"name", "at", "value", "store"});
      const std::string name = x.text("name", true);
      if (name == "service-recovered") {
        if (!x.has("at")) fail_at(p, "`service-recovered` needs the time it was observed (`at`)");
        r.observed.service_back = since_onset(x["at"], x.at("at"));
      } else if (name == "recovery-point") {
        const std::string store = x.text("store", true);
        if (!x.has("value"))
          fail_at(p, "`recovery-point` needs the time of the newest data recovered (`value`)");
        const auto point = since_onset(x["value"], x.at("value"));
        r.observed.rpo[store] = point ? std::optional(-*point) : std::nullopt;
      } else {
        if (!x.has("value") ||
            !(x["value"].is_string() || x["value"].is_number() || x["value"].is_boolean()))
          fail_at(p, "an observation needs a `value` (text, number or true/false)");
        const json& v = x["value"];
        r.observed.observations[name] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    });
    if (o.has("stopped")) {
      JsonObject s(o["stopped"], o.at("stopped"), "where the drill stopped",
                   {"at", "reason", "step"});
      r.stopped = s.text("reason", true);
      r.observed.cause = "the drill stopped: " + *r.stopped;
    }
    return r;
  } catch (const sim::InputError& e) {
    throw scenarios::JsonLocations(text, file).locate(e);
  }
}

DrillRecord load_drill_record(const std::string& path) {
  return parse_drill_record(read_text(path), path);
}

// ---- preflight ----

namespace {

void check_steps_exist(const scenarios::Scenario& s, const Checklist& c) {
  std::vector<std::string_view> ids;
  for (const auto& step : s.runbook) ids.push_back(step.id);
  for (const ChecklistItem& item : c.items) {
    std::vector<std::string> named;
    named_steps(item.check, named);
    for (const std::string& id : named) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        throw sim::InputError(
            sim::Location{c.file, 0, 0, item.pointer + "/check"},
            fmt::format("item `{}` names step `{}`, which scenario `{}` does not have", item.id, id,
                        s.name),
            sim::suggest(id, ids));
      }
    }
  }
}

bool simulated(const Predicate& p) {
  if (p.kind == Predicate::Kind::kObservation) return false;
  return std::all_of(p.all.begin(), p.all.end(), simulated);
}

}  // namespace

bool Preflight::passed() const {
  return std::all_of(items.begin(), items.end(), [&](const PreflightItem& i) {
    return !i.simulated ||
           (i.trials > 0 &&
            static_cast<double>(i.passed) / static_cast<double>(i.trials) >= threshold);
  });
}

Preflight preflight(const scenarios::Scenario& s, const Checklist& c, std::string_view when,
                    std::uint64_t trials, std::uint64_t seed, unsigned threads, double threshold) {
  check_steps_exist(s, c);
  Preflight out;
  out.when = when;
  out.trials = trials;
  out.seed = seed;
  out.threshold = threshold;
  const std::vector<const ChecklistItem*> items = c.items_for(when);
  // Per trial and item: the verdict, the reason (interned), the measured time.
  std::vector<std::uint8_t> verdict(trials * items.size(), 0);
  std::vector<std::uint32_t> reason(trials * items.size(), 0);
  Collector times(trials, items.size());
  std::mutex mutex;
  std::vector<std::string> reasons{""};
  auto intern = [&](const std::string& text) {
    const std::lock_guard lock(mutex);
    const auto it = std::find(reasons.begin(), reasons.end(), text);
    if (it != reasons.end()) return static_cast<std::uint32_t>(it - reasons.begin());
    reasons.push_back(text);
    return static_cast<std::uint32_t>(reasons.size() - 1);
  };
  const scenarios::TrialObserver observer = [&](std::uint64_t trial,
                                                const scenarios::TrialOutcome& o) {
    const Observed seen = observe(s, o);
    for (std::size_t k = 0; k < items.size(); ++k) {
      const ItemResult r = evaluate(items[k]->check, seen);
      verdict[trial * items.size() + k] = static_cast<std::uint8_t>(r.verdict);
      if (r.verdict == ItemVerdict::kFail) reason[trial * items.size() + k] = intern(r.reason);
      if (r.value) times.values[k][trial] = *r.value;
    }
  };
  sim::RunOptions o;
  o.trials = trials;
  o.seed = seed;
  o.threads = threads;
  const scenarios::ScenarioResults results = scenarios::run_scenario(s, o, false, &observer);
  for (std::size_t k = 0; k < items.size(); ++k) {
    PreflightItem p;
    p.item = items[k];
    p.simulated = simulated(items[k]->check);
    std::map<std::uint32_t, std::uint64_t> counts;
    for (std::uint64_t t = 0; t < trials; ++t) {
      if (results.run.status[t] != sim::TrialStatus::kOk) continue;
      const auto v = static_cast<ItemVerdict>(verdict[t * items.size() + k]);
      if (v == ItemVerdict::kNotObserved) continue;
      ++p.trials;
      if (v == ItemVerdict::kPass) {
        ++p.passed;
      } else {
        ++counts[reason[t * items.size() + k]];
      }
    }
    if (p.trials > 0) {
      const sim::ProbabilityInterval i = sim::Proportion{p.passed, p.trials}.wilson(0.95);
      p.low = i.low;
      p.high = i.high;
    }
    for (const auto& [id, n] : counts) p.reasons.emplace_back(reasons[id], n);
    std::stable_sort(p.reasons.begin(), p.reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (const auto sorted = times.sorted(k); !sorted.empty()) {
      p.p50 = quantile(sorted, 0.5);
      p.p95 = quantile(sorted, 0.95);
    }
    out.items.push_back(std::move(p));
  }
  for (const auto& [cause, count] : results.causes) out.causes.emplace_back(cause, count.count);
  std::stable_sort(out.causes.begin(), out.causes.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

// ---- after the drill ----

bool DrillCheck::passed() const {
  return std::none_of(items.begin(), items.end(),
                      [](const CheckedItem& i) { return i.result.verdict == ItemVerdict::kFail; });
}

DrillCheck check_drill(const DrillRecord& record, const Checklist& c,
                       const scenarios::Scenario* scenario, std::uint64_t trials,
                       std::uint64_t seed, unsigned threads) {
  DrillCheck out;
  out.record = &record;
  out.checklist = &c;
  for (const ChecklistItem& item : c.items) {
    CheckedItem ci;
    ci.item = &item;
    ci.result = evaluate(item.check, record.observed);
    out.items.push_back(std::move(ci));
  }
  for (const std::string& id : record.step_order)
    out.steps.push_back({id, record.observed.steps.at(id), {}, {}, {}, {}});
  if (!scenario) return out;
  check_steps_exist(*scenario, c);
  out.scenario_name = scenario->name;
  out.trials = trials;
  // Simulated values: one key per item, then one per recorded step (its duration).
  const std::size_t items = c.items.size();
  Collector sim_values(trials, items + out.steps.size());
  const scenarios::TrialObserver observer = [&](std::uint64_t trial,
                                                const scenarios::TrialOutcome& o) {
    const Observed seen = observe(*scenario, o);
    for (std::size_t k = 0; k < items; ++k) {
      if (const ItemResult r = evaluate(c.items[k].check, seen); r.value)
        sim_values.values[k][trial] = *r.value;
    }
    for (std::size_t k = 0; k < out.steps.size(); ++k) {
      const auto it = seen.steps.find(out.steps[k].id);
      if (it != seen.steps.end() && it->second.ok && it->second.start && it->second.end)
        sim_values.values[items + k][trial] = *it->second.end - *it->second.start;
    }
  };
  sim::RunOptions o;
  o.trials = trials;
  o.seed = seed;
  o.threads = threads;
  scenarios::run_scenario(*scenario, o, false, &observer);

  // Place each measured value; outside the central 98% is flagged.
  auto place = [&](std::size_t key, std::int64_t value, std::optional<double>& percentile,
                   std::optional<std::int64_t>& p50, std::optional<std::int64_t>& p95) {
    const std::vector<std::int64_t> sorted = sim_values.sorted(key);
    if (sorted.size() < 20) return 0;  // too few simulated values to place it
    percentile = percentile_of(sorted, value);
    p50 = quantile(sorted, 0.5);
    p95 = quantile(sorted, 0.95);
    // A flag needs the difference to matter too: seconds of typing around a 150 ms API call
    // are not news.
    if (std::abs(value - *p50) < kNegligible) return 0;
    return *percentile > 0.99 ? 1 : *percentile < 0.01 ? -1 : 0;
  };
  std::vector<std::pair<std::string*, int>> flagged;  // flag slot, direction
  for (std::size_t k = 0; k < items; ++k) {
    CheckedItem& ci = out.items[k];
    if (!ci.result.value) continue;
    if (const int dir = place(k, *ci.result.value, ci.percentile, ci.p50, ci.p95); dir != 0)
      flagged.emplace_back(&ci.flag, dir);
  }
  for (std::size_t k = 0; k < out.steps.size(); ++k) {
    CheckedStep& cs = out.steps[k];
    if (!cs.observed.ok || !cs.observed.start || !cs.observed.end) continue;
    if (const int dir =
            place(items + k, *cs.observed.end - *cs.observed.start, cs.percentile, cs.p50, cs.p95);
        dir != 0)
      flagged.emplace_back(&cs.flag, dir);
  }
  // Several steps off in the same direction suggest the model is off (calibrate it); a lone
  // one suggests the drill was (a slow restore that day, a step done differently).
  int up = 0, down = 0;  // flagged steps (items repeat them)
  for (const auto& [slot, dir] : flagged) {
    const bool is_step = std::any_of(out.steps.begin(), out.steps.end(),
                                     [&](const CheckedStep& cs) { return &cs.flag == slot; });
    if (is_step) (dir > 0 ? up : down) += 1;
  }
  for (const auto& [slot, dir] : flagged) {
    const int same = dir > 0 ? up : down;
    *slot = same >= 3 ? "model needs calibration" : "drill behaved unusually";
  }
  return out;
}

}  // namespace drsim::validators
