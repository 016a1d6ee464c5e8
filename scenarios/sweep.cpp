#include "scenarios/sweep.hpp"

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

constexpr std::uint64_t kResamples = 200;  // bootstrap replicates for a point's change
constexpr double kConfidence = 0.95;

std::vector<std::int64_t> as_values(const std::vector<std::int64_t>& column) {
  std::vector<std::int64_t> v(column);
  for (auto& x : v) {
    if (x == kTrialFailed) x = sim::kInfinite;  // drsim itself failed: counts as never
  }
  return v;
}

PointMetric metric(const sim::Sample& sample, const std::vector<std::int64_t>& trials,
                   const std::vector<std::int64_t>* first, std::optional<std::int64_t> objective,
                   sim::Stream& rng) {
  PointMetric m;
  m.p50 = sample.quantile(0.5);
  m.p95 = sample.quantile(0.95);
  m.p99 = sample.quantile(0.99);
  m.p95_ci = sample.quantile_interval(0.95, kConfidence);
  m.objective = objective;
  const std::vector<std::int64_t> mine = as_values(trials);
  if (objective) {
    const sim::Proportion p{sample.count_at_most(*objective), sample.count()};
    m.p_meet = p.estimate();
    m.p_meet_ci = p.clopper_pearson(kConfidence);
  }
  if (first && !mine.empty()) {
    const std::vector<std::int64_t> base = as_values(*first);
    m.p95_change = sim::quantile_change(base, mine, 0.95, kConfidence, kResamples, rng);
    if (objective) m.meet_change = sim::share_change(base, mine, *objective, kConfidence);
  }
  return m;
}

}  // namespace

SweepAxis parse_axis(std::string_view assignment) {
  const auto fail = [&](std::string message) {
    throw sim::InputError(sim::Location{"--set", 0, 0, {}}, std::move(message),
                          "write --set PATH=V1,V2,... (e.g. topology.rds.0.size_gb=100,500,2000)");
  };
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    fail(fmt::format("`{}` is not PATH=V1,V2,...", assignment));
  SweepAxis axis;
  axis.path = std::string(assignment.substr(0, eq));
  const std::string_view values = assignment.substr(eq + 1);
  int depth = 0;
  char quote = 0;
  std::string current;
  for (const char c : values) {
    if (quote) {
      quote = c == quote ? 0 : quote;
    } else if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '[' || c == '{' || c == '(') {
      ++depth;
    } else if (c == ']' || c == '}' || c == ')') {
      --depth;
    } else if (c == ',' && depth == 0) {
      axis.values.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  axis.values.push_back(current);
  for (const std::string& v : axis.values) {
    if (v.empty()) fail(fmt::format("`{}` has an empty value", assignment));
  }
  return axis;
}

std::optional<std::size_t> Sweep::first_miss() const {
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i - 1].meets && !points[i].meets) return i;
  }
  return std::nullopt;
}

std::vector<std::vector<std::string>> sweep_values(const std::vector<SweepAxis>& axes) {
  std::size_t count = 1;
  for (const SweepAxis& a : axes) count *= a.values.size();
  if (count > 10'000) {
    throw sim::InputError(sim::Location{"--set", 0, 0, {}},
                          fmt::format("the grid has {} points; at most 10,000", count));
  }
  std::vector<std::vector<std::string>> out(count, std::vector<std::string>(axes.size()));
  for (std::size_t k = 0; k < count; ++k) {
    std::size_t rest = k;
    for (std::size_t a = axes.size(); a-- > 0;) {  // the last axis varies fastest
      out[k][a] = axes[a].values[rest % axes[a].values.size()];
      rest /= axes[a].values.size();
    }
  }
  return out;
}

Sweep run_sweep(const std::string& path, const std::vector<std::string>& overrides,
                const std::vector<SweepAxis>& axes, const sim::RunOptions& options, bool measure) {
  Sweep sweep;
  sweep.file = path;
  sweep.seed = options.seed;
  sweep.trials = options.trials;
  sweep.axes = axes;
  const auto grid = sweep_values(axes);
  for (std::size_t k = 0; k < grid.size(); ++k) {
    SweepPoint point;
    point.values = grid[k];
    std::vector<std::string> assignments = overrides;
    for (std::size_t a = 0; a < axes.size(); ++a)
      assignments.push_back(axes[a].path + "=" + grid[k][a]);
    const Scenario s = load_scenario(path, assignments);
    if (k == 0) {
      sweep.name = s.name;
      for (const auto& store : s.data_stores) sweep.stores.push_back(store.name);
    }
    point.rto_objective = s.objectives.rto;
    for (const auto& store : s.data_stores)
      point.rpo_objectives.push_back(s.objectives.rpo_of(store.name));
    point.results = run_scenario(s, options, /*keep_trials=*/true);
    sweep.points.push_back(std::move(point));
  }
  if (measure && options.first_trial == 0) measure_sweep(sweep);
  return sweep;
}

Sweep run_comparison(const std::vector<std::string>& paths,
                     const std::vector<std::string>& overrides, const sim::RunOptions& options) {
  Sweep sweep;
  sweep.command = "compare";
  sweep.file = paths.front();
  sweep.seed = options.seed;
  sweep.trials = options.trials;
  sweep.axes = {{"scenario", paths}};
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const Scenario s = load_scenario(paths[k], overrides);
    std::vector<std::string> stores;
    for (const auto& store : s.data_stores) stores.push_back(store.name);
    if (k == 0) {
      sweep.name = s.name;
      sweep.stores = stores;
    } else if (stores != sweep.stores) {
      throw sim::InputError(
          sim::Location{paths[k], 0, 0, "/topology/data_stores"},
          fmt::format("its data stores ({}) are not those of {} ({}): the variants' RPOs cannot be "
                      "compared",
                      fmt::join(stores, ", "), paths.front(), fmt::join(sweep.stores, ", ")));
    }
    SweepPoint point;
    point.values = {paths[k]};
    point.rto_objective = s.objectives.rto;
    for (const auto& store : s.data_stores)
      point.rpo_objectives.push_back(s.objectives.rpo_of(store.name));
    point.results = run_scenario(s, options, /*keep_trials=*/true);
    sweep.points.push_back(std::move(point));
  }
  measure_sweep(sweep);
  return sweep;
}

void measure_sweep(Sweep& sweep) {
  // Points are measured independently (each from its own random stream), so they can be
  // measured on every core; the result does not depend on which thread measured which.
  auto measure = [&](std::size_t k) {
    SweepPoint& point = sweep.points[k];
    const SweepPoint* first = k == 0 ? nullptr : &sweep.points.front();
    sim::Stream rng(sweep.seed, k, sim::stream_id("whatif/rto"));
    point.rto = metric(point.results.rto_ms, point.results.trial_rto_ms,
                       first ? &first->results.trial_rto_ms : nullptr, point.rto_objective, rng);
    point.meets = point.rto.objective && point.rto.p95 <= *point.rto.objective;
    point.rpo.clear();
    for (std::size_t i = 0; i < point.rpo_objectives.size() && i < sweep.stores.size(); ++i) {
      const auto objective = point.rpo_objectives[i];
      sim::Stream store_rng(sweep.seed, k, sim::stream_id("whatif/rpo/" + sweep.stores[i]));
      const bool comparable = first && i < first->results.trial_rpo_ms.size();
      point.rpo.push_back(metric(point.results.rpo_ms[i], point.results.trial_rpo_ms[i],
                                 comparable ? &first->results.trial_rpo_ms[i] : nullptr, objective,
                                 store_rng));
      if (objective) point.meets = point.meets && point.rpo.back().p95 <= *objective;
    }
  };
  // The first point's quantiles sort its samples, which the others read: measure it first.
  if (!sweep.points.empty()) measure(0);
  std::atomic<std::size_t> next{1};
  std::vector<std::jthread> threads;
  const unsigned n = sim::effective_threads(0, sweep.points.size());
  for (unsigned t = 0; t < n; ++t) {
    threads.emplace_back([&] {
      for (std::size_t k; (k = next.fetch_add(1)) < sweep.points.size();) measure(k);
    });
  }
}

}  // namespace drsim::scenarios
