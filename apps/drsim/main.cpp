// The `drsim` command: parses flags, wires the layers together, prints, and maps outcomes to
// exit codes. No domain logic lives here.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "models/demo_restore.hpp"
#include "models/live_backend.hpp"
#include "reports/drill_report.hpp"
#include "reports/gate_report.hpp"
#include "reports/html_report.hpp"
#include "reports/lint_report.hpp"
#include "reports/metric_summary.hpp"
#include "reports/output_file.hpp"
#include "reports/pr_reports.hpp"
#include "reports/scenario_report.hpp"
#include "reports/whatif_report.hpp"
#include "scenarios/discover.hpp"
#include "scenarios/drill_plan.hpp"
#include "scenarios/drill_run.hpp"
#include "scenarios/engine.hpp"
#include "scenarios/run.hpp"
#include "scenarios/sensitivity.hpp"
#include "scenarios/shard.hpp"
#include "sim/sim.hpp"
#include "validators/checklist.hpp"
#include "validators/gate.hpp"
#include "validators/lint.hpp"

#ifdef DRSIM_WITH_MPI
#include <mpi.h>
#endif

namespace {

// Exit codes, documented in --help and the README.
constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;  // a gate or check failed (used by later commands)
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  a gate or check failed\n"
    "  2  bad input or usage (the message says where and what was expected)\n"
    "  3  internal error (please report it)\n";

// Set by SIGINT: the run stops after the trials in progress and reports what finished.
// A signal handler can only reach static storage; this is the one such flag in drsim.
std::atomic<bool> g_stop_requested{false};

extern "C" void on_interrupt(int) {
  g_stop_requested.store(true);
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C ends the process at once
}

struct RunFlags {
  std::uint64_t trials = 10000;
  std::uint64_t seed = 1;
  unsigned threads = 0;
  std::string json_path;
  bool quiet = false;
  // `run` only: shareable reports.
  std::string md_path, junit_path, html_path;
  double meet_share = 0.95;
  // `run` and `whatif`: a shard of the trials, written as a part file for `drsim merge`.
  std::string shard, out_path;
  // Under `mpirun -np K` (the MPI build): this process's rank and the number of ranks.
  int rank = 0, ranks = 1;
};

void add_run_flags(CLI::App& command, RunFlags& flags) {
  command.add_option("--trials,-n", flags.trials, "Number of trials")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  command.add_option("--seed,-s", flags.seed, "Run seed: same seed, same results")
      ->capture_default_str();
  command.add_option("--threads,-j", flags.threads, "Worker threads (0: all cores)")
      ->capture_default_str();
  command.add_option("--json", flags.json_path, "Write the machine-readable result to FILE");
  command.add_flag("--quiet,-q", flags.quiet, "No progress bar");
}

/// The Markdown and HTML outputs of the analysis commands (whatif, compare).
void add_table_flags(CLI::App& command, RunFlags& flags) {
  command.add_option("--md", flags.md_path, "Write the table as Markdown to FILE");
  command.add_option("--html", flags.html_path, "Write charts and the table as HTML to FILE");
}

drsim::sim::RunOptions run_options(const RunFlags& flags) {
  drsim::sim::RunOptions o;
  o.trials = flags.trials;
  o.seed = flags.seed;
  o.threads = flags.threads;
  o.progress = !flags.quiet && ::isatty(STDERR_FILENO);
  o.stop = &g_stop_requested;
  return o;
}

int run_demo_command(const RunFlags& flags) {
  using namespace drsim;
  const models::DemoRestoreOptions options;
  if (!flags.json_path.empty()) reports::check_writable(flags.json_path);
  std::signal(SIGINT, on_interrupt);
  const models::DemoResults r = models::run_demo(options, run_options(flags));
  std::signal(SIGINT, SIG_DFL);

  const bool color = ::isatty(STDOUT_FILENO);
  fmt::print("drsim demo — production database restored from its latest daily snapshot\n");
  fmt::print("{} trials, seed {}, {} threads{}\n\n", r.run.completed, flags.seed, r.run.threads,
             r.run.partial ? fmt::format("  (PARTIAL: stopped after {} of {})", r.run.completed,
                                         r.run.requested)
                           : "");
  const reports::MetricRow rows[] = {
      {"RTO", &r.rto_ms, options.rto_objective_ms},   {"RPO", &r.rpo_ms, options.rpo_objective_ms},
      {"  detection", &r.detection_ms, std::nullopt}, {"  decision", &r.decision_ms, std::nullopt},
      {"  execution", &r.execution_ms, std::nullopt},
  };
  fmt::print("{}", reports::render_metric_table(rows, color));
  const double escalated = r.rto_ms.count() ? 100.0 * r.escalations / r.rto_ms.count() : 0.0;
  fmt::print("\nescalated to the backup on-call in {:.1f}% of trials\n", escalated);
  for (std::size_t i = 0; i < r.run.failures.size() && i < 5; ++i) {
    fmt::print("failed: {}\n", r.run.failures[i].message);
  }

  if (!flags.json_path.empty()) {
    nlohmann::json j;
    j["schema_version"] = 1;
    j["scenario"] = "demo";
    j["seed"] = flags.seed;
    j["trials"] = r.run.requested;
    j["completed"] = r.run.completed;
    j["partial"] = r.run.partial;
    j["rto"] = reports::metric_json(r.rto_ms, options.rto_objective_ms);
    j["rto"]["breakdown"] = {{"detection", reports::metric_json(r.detection_ms, std::nullopt)},
                             {"decision", reports::metric_json(r.decision_ms, std::nullopt)},
                             {"execution", reports::metric_json(r.execution_ms, std::nullopt)}};
    j["rpo"] = {{"prod-db", reports::metric_json(r.rpo_ms, options.rpo_objective_ms)}};
    j["escalations"] = r.escalations;
    j["failures"] = nlohmann::json::object();
    for (const auto& f : r.run.failures) j["failures"][f.message] = 1;
    reports::write_file_atomically(flags.json_path, j.dump(2) + "\n");
  }
  return r.run.failures.empty() ? kExitOk : kExitInternal;
}

/// Every rank's part, gathered on rank 0 (empty elsewhere). Without MPI: just this one.
std::vector<nlohmann::json> gather_parts(const nlohmann::json& mine, const RunFlags& flags) {
#ifdef DRSIM_WITH_MPI
  const std::string text = mine.dump();
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(flags.ranks));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::vector<int> offsets(lengths.size(), 0);
  for (std::size_t r = 1; r < lengths.size(); ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(flags.rank == 0 ? static_cast<std::size_t>(offsets.back() + lengths.back()) : 0,
                  '\0');
  MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
              0, MPI_COMM_WORLD);
  std::vector<nlohmann::json> parts;
  if (flags.rank == 0) {
    for (std::size_t r = 0; r < lengths.size(); ++r)
      parts.push_back(nlohmann::json::parse(
          all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r]))));
  }
  return parts;
#else
  (void)flags;
  return {mine};
#endif
}

std::vector<std::string> rank_names(int ranks) {
  std::vector<std::string> names;
  for (int r = 0; r < ranks; ++r) names.push_back(fmt::format("MPI rank {}", r));
  return names;
}

/// Checks every output path up front, so a long run does not end in an error about its output.
void check_outputs(const RunFlags& flags) {
  for (const std::string* out :
       {&flags.json_path, &flags.md_path, &flags.junit_path, &flags.html_path}) {
    if (!out->empty()) drsim::reports::check_writable(*out);
  }
}

/// A shard writes its part file and nothing else: the merge writes the reports.
drsim::scenarios::Shard shard_of(const RunFlags& flags) {
  using drsim::sim::InputError;
  using drsim::sim::Location;
  if (flags.out_path.empty())
    throw InputError(Location{"--shard", 0, 0, {}}, "--shard needs --out PART.json",
                     "then `drsim merge PART...` writes the reports");
  for (const std::string* out :
       {&flags.json_path, &flags.md_path, &flags.junit_path, &flags.html_path}) {
    if (!out->empty())
      throw InputError(Location{"--shard", 0, 0, {}}, "a shard writes only its part (--out)",
                       "give --json, --md, --junit and --html to `drsim merge`");
  }
  drsim::reports::check_writable(flags.out_path);
  return drsim::scenarios::parse_shard(flags.shard);
}

/// The summary and the files asked for, of a whole run's results.
int emit_run(const drsim::scenarios::Scenario& scenario, const drsim::scenarios::ScenarioResults& r,
             const std::string& path, const RunFlags& flags, std::uint64_t seed) {
  using namespace drsim;
  fmt::print("{}", reports::render_scenario_text(scenario, r, seed, ::isatty(STDOUT_FILENO)));
  if (!flags.json_path.empty()) {
    reports::write_file_atomically(flags.json_path,
                                   reports::scenario_json(scenario, r, seed).dump(2) + "\n");
  }
  if (!flags.html_path.empty()) {
    // The report's timelines: the representative trials, replayed exactly as they ran.
    std::vector<reports::ReplayedTrial> trials;
    scenarios::Engine engine(scenario);
    for (const auto& [label, trial] : r.representative)
      trials.push_back({label, trial, engine.run_trial(seed, trial)});
    reports::write_file_atomically(
        flags.html_path,
        reports::render_scenario_html(scenario, r, {path, seed, DRSIM_VERSION}, trials));
  }
  if (!flags.md_path.empty()) {
    reports::write_file_atomically(flags.md_path,
                                   reports::render_scenario_markdown(scenario, r, seed));
  }
  if (!flags.junit_path.empty()) {
    reports::write_file_atomically(
        flags.junit_path, reports::render_scenario_junit(scenario, r, seed, flags.meet_share));
  }
  return r.run.failures.empty() ? kExitOk : kExitInternal;
}

int run_scenario_command(const std::string& path, const std::vector<std::string>& overrides,
                         const RunFlags& flags) {
  using namespace drsim;
  const scenarios::Scenario scenario = scenarios::load_scenario(path, overrides);
  if (!flags.shard.empty()) {
    const scenarios::Shard shard = shard_of(flags);
    const auto [first, count] = scenarios::shard_trials(shard, flags.trials);
    sim::RunOptions options = run_options(flags);
    options.first_trial = first;
    options.trials = count;
    const scenarios::ScenarioResults r = scenarios::run_scenario(scenario, options, true);
    const nlohmann::json part =
        scenarios::run_part(path, scenarios::resolve_scenario(path, overrides), flags.seed,
                            flags.trials, shard, r, first);
    reports::write_file_atomically(flags.out_path, part.dump() + "\n");
    fmt::print("shard {} of {}: trials {} to {} of {} written to {}\n", shard.index, shard.count,
               first, first + count - 1, flags.trials, flags.out_path);
    return r.run.failures.empty() ? kExitOk : kExitInternal;
  }
  check_outputs(flags);
  if (flags.ranks > 1) {
    // Each rank runs its shard; rank 0 merges them exactly and writes what one process would.
    const scenarios::Shard shard{static_cast<std::uint64_t>(flags.rank),
                                 static_cast<std::uint64_t>(flags.ranks)};
    const auto [first, count] = scenarios::shard_trials(shard, flags.trials);
    sim::RunOptions options = run_options(flags);
    options.progress = false;
    options.first_trial = first;
    options.trials = count;
    const scenarios::ScenarioResults slice = scenarios::run_scenario(scenario, options, true);
    const auto parts =
        gather_parts(scenarios::run_part(path, scenarios::resolve_scenario(path, overrides),
                                         flags.seed, flags.trials, shard, slice, first),
                     flags);
    if (flags.rank != 0) return kExitOk;
    const scenarios::Merged m = scenarios::merge_part_json(parts, rank_names(flags.ranks));
    return emit_run(*m.scenario, m.results, path, flags, flags.seed);
  }
  std::signal(SIGINT, on_interrupt);
  const scenarios::ScenarioResults r = scenarios::run_scenario(scenario, run_options(flags));
  std::signal(SIGINT, SIG_DFL);
  return emit_run(scenario, r, path, flags, flags.seed);
}

int trace_command(const std::string& path, std::uint64_t trial, std::uint64_t seed) {
  using namespace drsim;
  const scenarios::Scenario scenario = scenarios::load_scenario(path);
  scenarios::Engine engine(scenario);
  const scenarios::TrialOutcome o = engine.run_trial(seed, trial, /*trace=*/true);
  fmt::print("{} — trial {} of seed {}; times relative to the onset (+0s = {})\n\n", scenario.name,
             trial, seed, drsim::models::iso8601(o.onset, scenario.epoch_unix_ms));
  for (const std::string& line : o.trace) fmt::print("{}\n", line);
  fmt::print("\nRTO {}", o.rto_ms == sim::kInfinite ? "never" : sim::format_duration(o.rto_ms));
  for (std::size_t k = 0; k < o.rpo_ms.size(); ++k) {
    fmt::print(", RPO {} {}", scenario.data_stores[k].name,
               o.rpo_ms[k] == sim::kInfinite ? "never" : sim::format_duration(o.rpo_ms[k]));
  }
  fmt::print("\n");
  if (!o.cause.empty()) fmt::print("the runbook could not complete: {} — {}\n", o.cause, o.detail);
  return kExitOk;
}

struct GateFlags {
  std::vector<std::string> scenarios, overrides;
  std::string policy_path, baseline_path, out_path, json_path, md_path, junit_path;
  std::uint64_t seed = 1, trials = 2000;
  unsigned threads = 0;
};

std::vector<drsim::validators::ScenarioInput> read_inputs(const GateFlags& flags) {
  std::vector<drsim::validators::ScenarioInput> inputs;
  for (const std::string& path : flags.scenarios)
    inputs.push_back(drsim::validators::read_scenario_input(path, flags.overrides));
  return inputs;
}

int baseline_command(const GateFlags& flags) {
  using namespace drsim;
  reports::check_writable(flags.out_path);
  const validators::Baseline b =
      validators::make_baseline(read_inputs(flags), flags.seed, flags.trials, flags.threads);
  reports::write_file_atomically(flags.out_path, validators::baseline_json(b).dump(1) + "\n");
  fmt::print("baseline of {} scenarios (drsim {}, seed {}) written to {}\n", b.entries.size(),
             b.version, b.seed, flags.out_path);
  return kExitOk;
}

int gate_command(const GateFlags& flags) {
  using namespace drsim;
  const validators::GatePolicy policy = validators::load_policy(flags.policy_path);
  std::optional<validators::Baseline> baseline;
  if (!flags.baseline_path.empty()) baseline = validators::load_baseline(flags.baseline_path);
  for (const std::string* out : {&flags.json_path, &flags.md_path, &flags.junit_path}) {
    if (!out->empty()) reports::check_writable(*out);
  }
  const validators::GateResult g = validators::run_gate(
      read_inputs(flags), policy, baseline ? &*baseline : nullptr, flags.seed, flags.threads);
  fmt::print("{}", reports::render_gate_text(g, ::isatty(STDOUT_FILENO)));
  if (!flags.json_path.empty())
    reports::write_file_atomically(flags.json_path, reports::gate_json(g).dump(2) + "\n");
  if (!flags.md_path.empty())
    reports::write_file_atomically(flags.md_path, reports::render_gate_markdown(g));
  if (!flags.junit_path.empty())
    reports::write_file_atomically(flags.junit_path, reports::render_gate_junit(g));
  return g.passed() ? kExitOk : kExitCheckFailed;
}

struct LintFlags {
  std::vector<std::string> scenarios;
  std::string json_path, sarif_path;
  drsim::validators::LintOptions options;
};

int lint_command(const LintFlags& flags) {
  using namespace drsim;
  for (const std::string* out : {&flags.json_path, &flags.sarif_path}) {
    if (!out->empty()) reports::check_writable(*out);
  }
  const validators::LintResult r = validators::lint(flags.scenarios, flags.options);
  fmt::print("{}", reports::render_lint_text(r, ::isatty(STDOUT_FILENO)));
  if (!flags.json_path.empty())
    reports::write_file_atomically(flags.json_path, reports::lint_json(r).dump(2) + "\n");
  if (!flags.sarif_path.empty()) {
    reports::write_file_atomically(flags.sarif_path,
                                   reports::lint_sarif(r, DRSIM_VERSION).dump(2) + "\n");
  }
  return r.failed() ? kExitCheckFailed : kExitOk;
}

struct DrillFlags {
  std::string scenario, checklist, when, record, md_path, html_path, json_path;
  std::string backend = "live";
  drsim::scenarios::LiveTarget target;
  // drill run --execute
  bool execute = false, allow_unmarked = false;
  std::string config, confirm, name, poll_delay, call_timeout = "2m";
  int max_polls = 0;
  std::vector<std::string> overrides;
  std::uint64_t trials = 2000, seed = 1;
  unsigned threads = 0;
  double threshold = 0.9;
};

int drill_preflight_command(const DrillFlags& flags) {
  using namespace drsim;
  const scenarios::Scenario scenario = scenarios::load_scenario(flags.scenario);
  const validators::Checklist checklist = validators::load_checklist(flags.checklist);
  if (!flags.when.empty() && !checklist.schedule.empty() &&
      !checklist.schedule.contains(flags.when)) {
    std::vector<std::string_view> known;
    for (const auto& [w, _] : checklist.schedule) known.push_back(w);
    throw sim::InputError(sim::Location{"--quarter", 0, 0, {}},
                          fmt::format("`{}` is not in the checklist's schedule", flags.when),
                          sim::suggest(flags.when, known));
  }
  const validators::Preflight p = validators::preflight(
      scenario, checklist, flags.when, flags.trials, flags.seed, flags.threads, flags.threshold);
  fmt::print("{}",
             reports::render_preflight_text(checklist, p, flags.scenario, ::isatty(STDOUT_FILENO)));
  // The runbook's defects, from the static lint.
  validators::LintOptions lint_options;
  lint_options.trials = 0;
  const validators::LintResult defects = validators::lint({flags.scenario}, lint_options);
  std::size_t shown = 0;
  for (const auto& f : defects.findings) {
    if (f.severity != validators::Severity::kError) continue;
    if (shown++ == 0) fmt::print("\nrunbook defects (drsim lint):\n");
    fmt::print("  {}:{}: {} [{}]{}\n", f.file, f.line, f.message, f.rule,
               f.acknowledged.empty() ? "" : " (a known defect of the procedure)");
  }
  return p.passed() ? kExitOk : kExitCheckFailed;
}

/// The live commands know one backend; anything else is a usage error naming it.
void require_live_backend(const std::string& backend, std::string_view what) {
  if (backend == "live") return;
  throw drsim::sim::InputError(drsim::sim::Location{"--backend", 0, 0, {}},
                               fmt::format("unknown backend `{}`", backend),
                               fmt::format("{}: --backend live", what));
}

/// The AWS CLI's version line; exit 2 naming --aws when it is not the CLI v2.
std::string cli_version(const std::string& aws) {
  try {
    return drsim::models::check_cli_version(aws);
  } catch (const std::runtime_error& e) {
    throw drsim::sim::InputError(drsim::sim::Location{"--aws", 0, 0, {}}, e.what());
  }
}

/// A duration flag ("5s") in milliseconds; exit 2 naming the flag when it does not parse.
std::chrono::milliseconds duration_flag(const std::string& flag, const std::string& text) {
  try {
    return std::chrono::milliseconds(drsim::sim::parse_duration(text));
  } catch (const drsim::sim::InputError& e) {
    throw drsim::sim::InputError(drsim::sim::Location{flag, 0, 0, {}}, e.message(),
                                 "a duration like 5s, 2m or 1h");
  }
}

int drill_run_command(DrillFlags flags) {
  using namespace drsim;
  require_live_backend(flags.backend, "`drsim drill run` runs a drill against the live backend");
  const scenarios::Scenario scenario = scenarios::load_scenario(flags.scenario, flags.overrides);
  scenarios::GuardRails rails = scenario.live;
  if (!flags.config.empty()) {
    const scenarios::GuardRails more = scenarios::load_drill_config(flags.config);
    for (auto [to, from] :
         {std::pair{&rails.accounts, &more.accounts}, std::pair{&rails.regions, &more.regions},
          std::pair{&rails.marked, &more.marked}})
      to->insert(to->end(), from->begin(), from->end());
  }
  flags.target.call_timeout = duration_flag("--call-timeout", flags.call_timeout);
  if (!flags.execute) {
    fmt::print("{}",
               reports::render_drill_plan_text(
                   scenario.name, scenarios::plan_drill(scenario, flags.target), flags.target));
    const std::vector<std::string> problems =
        scenarios::check_plan(scenario, rails, flags.allow_unmarked);
    if (problems.empty()) {
      fmt::print(
          "\nDry run: nothing was called. The guard rails hold as far as they can be "
          "checked without a call;\n--execute runs the plan (after checking the account "
          "with sts get-caller-identity).\n");
    } else {
      fmt::print("\nDry run: nothing was called. --execute would refuse to start:\n");
      for (const std::string& p : problems) fmt::print("  - {}\n", p);
    }
    return kExitOk;
  }
  scenarios::DrillRunOptions o;
  o.live = flags.target;
  o.drill = flags.name;
  o.rails = rails;
  o.allow_unmarked = flags.allow_unmarked;
  if (!flags.poll_delay.empty()) o.poll_delay = duration_flag("--poll-delay", flags.poll_delay);
  if (flags.max_polls > 0) o.max_polls = flags.max_polls;
  if (!flags.confirm.empty())
    o.confirmations = scenarios::load_confirmations(flags.confirm, scenario);
  const std::string record_path =
      !flags.record.empty()
          ? flags.record
          : fmt::format("{}-drill-{}.json", scenario.name,
                        scenarios::iso8601_utc(std::chrono::system_clock::now()).substr(0, 19));
  reports::check_writable(record_path);
  fmt::print(stderr, "drsim: {}\n", cli_version(flags.target.aws));
  o.write_record = [&](const nlohmann::json& record) {
    reports::write_file_atomically(record_path, record.dump(1) + "\n");
  };
  o.log = [](const std::string& line) {
    fmt::print(stderr, "[{}] {}\n",
               scenarios::iso8601_utc(std::chrono::system_clock::now()).substr(11, 8), line);
  };
  if (::isatty(STDIN_FILENO)) {
    o.ask = [](const std::string& step,
               const std::string& what) -> std::optional<scenarios::Confirmation> {
      fmt::print(stderr, "\n>> step {}: {}\n   Enter when done; `fail REASON` or `skip`: ", step,
                 what);
      std::string line;
      if (!std::getline(std::cin, line)) return std::nullopt;
      if (line.starts_with("fail")) return scenarios::Confirmation{"failed", line.substr(4)};
      if (line.starts_with("skip")) return scenarios::Confirmation{"skipped", {}};
      return scenarios::Confirmation{};
    };
  }
  o.stop = &g_stop_requested;
  models::LiveBackend backend(flags.target);
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  scenarios::DrillRunResult r;
  try {
    r = scenarios::execute_drill(scenario, backend, o);
  } catch (const scenarios::DrillRefused& e) {
    std::signal(SIGINT, SIG_DFL);
    fmt::print(stderr, "drsim: the drill was refused before any change:\n{}\n", e.what());
    return kExitBadInput;
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  fmt::print("{}: {} in account {}; the drill record is {}\n", scenario.name,
             !r.completed          ? "stopped: " + r.stopped
             : r.failed_steps == 0 ? std::string("every step succeeded")
                                   : fmt::format("completed; {} step(s) that the runbook goes on "
                                                 "after failed",
                                                 r.failed_steps),
             r.account, record_path);
  fmt::print("check it: drsim drill check {} --checklist CHECKLIST --scenario {}\n", record_path,
             flags.scenario);
  return r.completed ? kExitOk : kExitCheckFailed;
}

struct DiscoverFlags {
  std::string backend = "live", regions, out;
  drsim::models::LiveOptions target;
};

int discover_command(const DiscoverFlags& flags) {
  using namespace drsim;
  require_live_backend(flags.backend, "`drsim discover` reads a real account");
  std::vector<std::string> regions;
  for (std::string_view rest = flags.regions; !rest.empty();) {
    const auto comma = rest.find(',');
    if (const std::string r(rest.substr(0, comma)); !r.empty()) regions.push_back(r);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (regions.empty()) {
    throw sim::InputError(sim::Location{"--regions", 0, 0, {}}, "no region given",
                          "--regions us-west-2,us-east-1");
  }
  reports::check_writable(flags.out);
  cli_version(flags.target.aws);
  models::LiveBackend backend(flags.target);
  const scenarios::Discovery d =
      scenarios::discover(backend, regions, std::chrono::system_clock::now());
  reports::write_file_atomically(flags.out, d.file.dump(1) + "\n");
  const nlohmann::json& t = d.file["topology"];
  fmt::print(
      "{}: {} RDS instances, {} snapshots, {} buckets, {} hosted zones, {} ECS services, "
      "{} secrets in {}\n",
      flags.out, t["rds"].size(), d.file["_snapshots"].size(),
      t.value("s3", nlohmann::json::array()).size(), t["dns"]["zones"].size(),
      t.value("ecs", nlohmann::json::array()).size(),
      t.value("secrets", nlohmann::json::array()).size(), fmt::join(regions, ", "));
  fmt::print("\nbackup checks:\n");
  for (const scenarios::BackupCheck& c : d.checks)
    fmt::print("  {}  {}: {}\n", c.ok ? "PASS" : "FAIL", c.name, c.detail);
  for (const std::string& w : d.warnings) fmt::print(stderr, "drsim: warning: {}\n", w);
  return kExitOk;
}

int drill_check_command(const DrillFlags& flags) {
  using namespace drsim;
  const validators::DrillRecord record = validators::load_drill_record(flags.record);
  const validators::Checklist checklist = validators::load_checklist(flags.checklist);
  std::optional<scenarios::Scenario> scenario;
  if (!flags.scenario.empty()) scenario = scenarios::load_scenario(flags.scenario);
  for (const std::string* out : {&flags.md_path, &flags.html_path}) {
    if (!out->empty()) reports::check_writable(*out);
  }
  const validators::DrillCheck d = validators::check_drill(
      record, checklist, scenario ? &*scenario : nullptr, flags.trials, flags.seed, flags.threads);
  fmt::print("{}", reports::render_drill_check_text(d, ::isatty(STDOUT_FILENO)));
  if (!flags.md_path.empty())
    reports::write_file_atomically(flags.md_path, reports::render_drill_markdown(d));
  if (!flags.html_path.empty())
    reports::write_file_atomically(flags.html_path, reports::render_drill_html(d, DRSIM_VERSION));
  return d.passed() ? kExitOk : kExitCheckFailed;
}

int emit_whatif(const drsim::scenarios::Sweep& w, const std::string& path, const RunFlags& flags);

int whatif_command(const std::string& path, const std::vector<std::string>& sets,
                   const RunFlags& flags) {
  using namespace drsim;
  // PATH=V1,V2,... makes an axis of the grid; PATH=V (one value) applies to every point.
  std::vector<std::string> fixed;
  std::vector<scenarios::SweepAxis> axes;
  for (const std::string& set : sets) {
    scenarios::SweepAxis axis = scenarios::parse_axis(set);
    if (axis.values.size() == 1) {
      fixed.push_back(set);
    } else {
      axes.push_back(std::move(axis));
    }
  }
  if (axes.empty()) {
    throw sim::InputError(
        sim::Location{"--set", 0, 0, {}}, "no --set gives more than one value",
        "sweep a value with --set PATH=V1,V2,... (e.g. topology.rds.0.size_gb=100,500,2000)");
  }
  sim::RunOptions options = run_options(flags);
  options.progress = false;
  if (!flags.shard.empty()) {
    const scenarios::Shard shard = shard_of(flags);
    const auto [first, count] = scenarios::shard_trials(shard, flags.trials);
    options.first_trial = first;
    options.trials = count;
    const scenarios::Sweep slice = scenarios::run_sweep(path, fixed, axes, options, false);
    reports::write_file_atomically(
        flags.out_path,
        scenarios::sweep_part(slice, fixed, flags.trials, shard, first).dump() + "\n");
    fmt::print("shard {} of {}: trials {} to {} of {} at {} points written to {}\n", shard.index,
               shard.count, first, first + count - 1, flags.trials, slice.points.size(),
               flags.out_path);
    return kExitOk;
  }
  check_outputs(flags);
  if (flags.ranks > 1) {
    const scenarios::Shard shard{static_cast<std::uint64_t>(flags.rank),
                                 static_cast<std::uint64_t>(flags.ranks)};
    const auto [first, count] = scenarios::shard_trials(shard, flags.trials);
    options.first_trial = first;
    options.trials = count;
    const scenarios::Sweep slice = scenarios::run_sweep(path, fixed, axes, options, false);
    const auto parts =
        gather_parts(scenarios::sweep_part(slice, fixed, flags.trials, shard, first), flags);
    if (flags.rank != 0) return kExitOk;
    return emit_whatif(scenarios::merge_part_json(parts, rank_names(flags.ranks)).sweep, path,
                       flags);
  }
  const scenarios::Sweep w = scenarios::run_sweep(path, fixed, axes, options);
  return emit_whatif(w, path, flags);
}

int emit_whatif(const drsim::scenarios::Sweep& w, const std::string& path, const RunFlags& flags) {
  using namespace drsim;

  fmt::print("{}", reports::render_whatif_text(w, ::isatty(STDOUT_FILENO)));
  if (!flags.json_path.empty())
    reports::write_file_atomically(flags.json_path, reports::whatif_json(w).dump(2) + "\n");
  if (!flags.md_path.empty())
    reports::write_file_atomically(flags.md_path, reports::render_whatif_markdown(w));
  if (!flags.html_path.empty()) {
    reports::write_file_atomically(flags.html_path,
                                   reports::render_whatif_html(w, {path, w.seed, DRSIM_VERSION}));
  }
  return kExitOk;
}

int compare_command(const std::vector<std::string>& paths,
                    const std::vector<std::string>& overrides, const RunFlags& flags) {
  using namespace drsim;
  if (paths.size() < 2) {
    throw sim::InputError(sim::Location{"compare", 0, 0, {}},
                          "compare needs two or more scenario files");
  }
  check_outputs(flags);
  sim::RunOptions options = run_options(flags);
  options.progress = false;
  return emit_whatif(scenarios::run_comparison(paths, overrides, options), paths.front(), flags);
}

int sensitivity_command(const std::string& path, const std::vector<std::string>& overrides,
                        const RunFlags& flags) {
  using namespace drsim;
  check_outputs(flags);
  sim::RunOptions options = run_options(flags);
  options.progress = false;
  const scenarios::Sensitivity s = scenarios::run_sensitivity(path, overrides, options);
  fmt::print("{}", reports::render_sensitivity_text(s));
  if (!flags.json_path.empty())
    reports::write_file_atomically(flags.json_path, reports::sensitivity_json(s).dump(2) + "\n");
  if (!flags.html_path.empty()) {
    reports::write_file_atomically(
        flags.html_path, reports::render_sensitivity_html(s, {path, flags.seed, DRSIM_VERSION}));
  }
  return kExitOk;
}

int merge_command(const std::vector<std::string>& parts, const RunFlags& flags) {
  using namespace drsim;
  check_outputs(flags);
  const scenarios::Merged m = scenarios::merge_parts(parts);
  if (m.command == "run") return emit_run(*m.scenario, m.results, m.file, flags, m.seed);
  return emit_whatif(m.sweep, m.file, flags);
}

}  // namespace

int main(int argc, char** argv) {
  int rank = 0, ranks = 1;
#ifdef DRSIM_WITH_MPI
  // Under mpirun every rank runs the same command line; see run_scenario_command.
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  struct Finalize {
    ~Finalize() { MPI_Finalize(); }
  } finalize;
#endif
  CLI::App app{
      "drsim — disaster-recovery simulation and drill validation.\n"
      "Replays DR runbooks against a simulated cloud in virtual time and reports RTO\n"
      "and RPO as distributions.",
      "drsim"};
  app.footer(kExitCodesHelp);
  app.set_version_flag("--version,-V", std::string("drsim ") + DRSIM_VERSION);
  app.require_subcommand(1);

  RunFlags demo_flags;
  CLI::App* demo = app.add_subcommand(
      "demo", "Run the built-in demo: a database lost and restored from its daily snapshot");
  add_run_flags(*demo, demo_flags);

  RunFlags run_flags;
  std::string scenario_path;
  CLI::App* run =
      app.add_subcommand("run", "Replay a scenario's runbook many times and report RTO and RPO");
  run->add_option("scenario", scenario_path, "Scenario file (JSON)")->required();
  add_run_flags(*run, run_flags);
  std::vector<std::string> overrides;
  run->add_option("--set", overrides,
                  "Override a scenario value: PATH=VALUE (e.g. topology.rds.0.size_gb=400)");

  run->add_option("--html", run_flags.html_path,
                  "Write a self-contained HTML report (charts, timelines, tables) to FILE");
  run->add_option(
      "--md", run_flags.md_path,
      "Write a Markdown summary (for a pull-request comment or CI job summary) to FILE");
  run->add_option("--junit", run_flags.junit_path,
                  "Write JUnit XML to FILE: each objective is a test case");
  run->add_option("--shard", run_flags.shard,
                  "Run shard I/N of the trials (or N: I from SLURM_ARRAY_TASK_ID, "
                  "JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX) into --out");
  run->add_option("--out", run_flags.out_path, "The shard's part file, for `drsim merge`");
  run->add_option("--junit-meet", run_flags.meet_share,
                  "Share of trials that must meet an objective for its JUnit case to pass")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));

  std::string trace_path;
  std::uint64_t trace_trial = 0, trace_seed = 1;
  CLI::App* trace =
      app.add_subcommand("trace", "Replay one trial of a scenario and print its timeline");
  trace->add_option("scenario", trace_path, "Scenario file (JSON)")->required();
  trace->add_option("--trial,-k", trace_trial, "The trial to replay (as numbered by `drsim run`)")
      ->required();
  trace->add_option("--seed,-s", trace_seed, "Run seed")->capture_default_str();

  GateFlags baseline_flags;
  CLI::App* baseline = app.add_subcommand(
      "baseline", "Record scenarios as a baseline for `drsim gate` (on the base branch)");
  baseline->add_option("scenarios", baseline_flags.scenarios, "Scenario files (JSON)")->required();
  baseline->add_option("--out,-o", baseline_flags.out_path, "The baseline file to write")
      ->required();
  baseline->add_option("--seed,-s", baseline_flags.seed, "Run seed (the gate reuses it)")
      ->capture_default_str();
  baseline->add_option("--trials,-n", baseline_flags.trials, "Trials for the recorded summaries")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}));
  baseline->add_option("--threads,-j", baseline_flags.threads, "Worker threads (0: all cores)");
  baseline->add_option("--set", baseline_flags.overrides, "Override a value in every scenario");

  GateFlags gate_flags;
  CLI::App* gate = app.add_subcommand(
      "gate", "Check scenarios against a policy and a baseline: PASS, FAIL or INCONCLUSIVE");
  gate->add_option("scenarios", gate_flags.scenarios, "Scenario files (JSON)")->required();
  gate->add_option("--policy,-p", gate_flags.policy_path, "Gate policy (JSON)")->required();
  gate->add_option("--baseline,-b", gate_flags.baseline_path,
                   "Baseline written by `drsim baseline` (regression checks need it)");
  gate->add_option("--seed,-s", gate_flags.seed, "Run seed when there is no baseline")
      ->capture_default_str();
  gate->add_option("--threads,-j", gate_flags.threads, "Worker threads (0: all cores)");
  gate->add_option("--set", gate_flags.overrides, "Override a value in every scenario");
  gate->add_option("--json", gate_flags.json_path, "Write the verdicts as JSON to FILE");
  gate->add_option("--md", gate_flags.md_path, "Write a Markdown summary to FILE");
  gate->add_option("--junit", gate_flags.junit_path, "Write JUnit XML to FILE: each check a case");

  RunFlags whatif_flags;
  whatif_flags.trials = 2000;
  std::string whatif_path;
  std::vector<std::string> whatif_sets;
  CLI::App* whatif = app.add_subcommand(
      "whatif", "Run a scenario over a grid of values, every point with common random numbers");
  whatif->add_option("scenario", whatif_path, "Scenario file (JSON)")->required();
  whatif
      ->add_option("--set", whatif_sets,
                   "PATH=V1,V2,... sweeps a value (several --set: their grid); PATH=V fixes one")
      ->required();
  add_run_flags(*whatif, whatif_flags);
  add_table_flags(*whatif, whatif_flags);
  whatif->add_option("--shard", whatif_flags.shard,
                     "Run shard I/N of every point's trials into --out");
  whatif->add_option("--out", whatif_flags.out_path, "The shard's part file, for `drsim merge`");

  RunFlags compare_flags;
  compare_flags.trials = 2000;
  std::vector<std::string> compare_paths, compare_sets;
  CLI::App* compare = app.add_subcommand(
      "compare", "Two or more variants of a scenario side by side, with paired changes");
  compare->add_option("scenarios", compare_paths, "Scenario files: the first is the reference")
      ->required();
  compare->add_option("--set", compare_sets, "Override a value in every variant");
  add_run_flags(*compare, compare_flags);
  add_table_flags(*compare, compare_flags);

  RunFlags sensitivity_flags;
  sensitivity_flags.trials = 1000;
  std::string sensitivity_path;
  std::vector<std::string> sensitivity_sets;
  CLI::App* sensitivity = app.add_subcommand(
      "sensitivity", "Which uncertain inputs drive the RTO, and which step to automate first");
  sensitivity->add_option("scenario", sensitivity_path, "Scenario file (JSON)")->required();
  sensitivity->add_option("--set", sensitivity_sets, "Override a scenario value: PATH=VALUE");
  add_run_flags(*sensitivity, sensitivity_flags);
  sensitivity->add_option("--html", sensitivity_flags.html_path,
                          "Write the tornado and the step table as HTML to FILE");

  RunFlags merge_flags;
  std::vector<std::string> merge_parts;
  DiscoverFlags discover_flags;
  CLI::App* discover = app.add_subcommand(
      "discover", "Read an AWS account's state into a topology, and check its backups");
  discover->add_option("--backend", discover_flags.backend, "The backend: live")
      ->capture_default_str();
  discover->add_option("--regions", discover_flags.regions, "Regions to read: R1,R2")->required();
  discover->add_option("--out,-o", discover_flags.out, "Topology file to write")->required();
  discover->add_option("--profile", discover_flags.target.profile, "AWS CLI profile");
  discover->add_option("--endpoint-url", discover_flags.target.endpoint_url,
                       "Send every call to this endpoint (a sandbox that emulates AWS)");
  discover->add_option("--aws", discover_flags.target.aws, "The AWS CLI v2")->capture_default_str();
  CLI::App* merge = app.add_subcommand(
      "merge", "Merge the part files of a sharded run or what-if: the output of one process");
  merge->add_option("parts", merge_parts, "Part files (from --shard ... --out)")->required();
  merge->add_option("--json", merge_flags.json_path, "Write the machine-readable result to FILE");
  merge->add_option("--md", merge_flags.md_path, "Write the Markdown summary to FILE");
  merge->add_option("--junit", merge_flags.junit_path, "Write JUnit XML to FILE (runs)");
  merge->add_option("--html", merge_flags.html_path, "Write the HTML report to FILE");
  merge->add_option("--junit-meet", merge_flags.meet_share, "As for `run`")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));

  LintFlags lint_flags;
  CLI::App* lint = app.add_subcommand(
      "lint", "Check runbooks against their topology, statically and in simulation");
  lint->add_option("scenarios", lint_flags.scenarios, "Scenario files (JSON)")->required();
  lint->add_option("--json", lint_flags.json_path, "Write the findings as JSON to FILE");
  lint->add_option("--sarif", lint_flags.sarif_path,
                   "Write the findings as SARIF 2.1.0 to FILE (GitHub code scanning)");
  lint->add_option("--trials,-n", lint_flags.options.trials,
                   "Trials for the simulated checks (0: static checks only)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1'000'000}));
  lint->add_option("--seed,-s", lint_flags.options.seed, "Run seed")->capture_default_str();
  lint->add_option("--threads,-j", lint_flags.options.threads, "Worker threads (0: all cores)");
  lint->add_option("--aws-models", lint_flags.options.aws_models,
                   "The AWS CLI's service models, for parameter checks")
      ->capture_default_str();

  DrillFlags drill_flags;
  CLI::App* drill = app.add_subcommand("drill", "A DR drill: preflight, run (live) and check");
  drill->require_subcommand(1);
  CLI::App* preflight = drill->add_subcommand(
      "preflight", "Simulate a drill and give each checklist item's probability of passing");
  preflight->add_option("scenario", drill_flags.scenario, "Scenario file (JSON)")->required();
  preflight->add_option("--checklist,-c", drill_flags.checklist, "Checklist (JSON)")->required();
  preflight->add_option("--quarter,--when", drill_flags.when,
                        "Only the items of this drill of the schedule (Q2, monthly, ...)");
  preflight
      ->add_option("--threshold", drill_flags.threshold,
                   "Exit 1 when an item's probability of passing is below this")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  CLI::App* check = drill->add_subcommand(
      "check", "Check a drill record against the checklist (and the model's prediction)");
  check->add_option("record", drill_flags.record, "Drill record (JSON)")->required();
  check->add_option("--checklist,-c", drill_flags.checklist, "Checklist (JSON)")->required();
  check->add_option("--scenario", drill_flags.scenario,
                    "Place each measured time in this scenario's simulated distribution");
  check->add_option("--md", drill_flags.md_path, "Write the drill report as Markdown to FILE");
  check->add_option("--html", drill_flags.html_path, "Write the drill report as HTML to FILE");
  CLI::App* drill_run = drill->add_subcommand(
      "run", "Run a drill against AWS: a dry run of the exact commands, or --execute");
  drill_run->add_option("scenario", drill_flags.scenario, "Scenario file (JSON)")->required();
  drill_run
      ->add_option("--backend", drill_flags.backend,
                   "The backend: live (AWS through the AWS CLI v2)")
      ->capture_default_str();
  drill_run->add_option("--profile", drill_flags.target.profile, "AWS CLI profile");
  drill_run->add_option("--endpoint-url", drill_flags.target.endpoint_url,
                        "Send every call to this endpoint (a sandbox that emulates AWS)");
  drill_run->add_option("--aws", drill_flags.target.aws, "The AWS CLI v2")->capture_default_str();
  drill_run->add_flag("--execute", drill_flags.execute,
                      "Run the plan for real (default: a dry run that calls nothing)");
  drill_run->add_option("--config", drill_flags.config,
                        "Drill config: account and region allow-lists, marked resource names");
  drill_run->add_option("--confirm", drill_flags.confirm,
                        "Confirm file for manual steps (unattended runs): {\"step\": \"ok\"}");
  drill_run->add_option("--record", drill_flags.record,
                        "Drill record to write as the drill goes (default: NAME-drill-TIME.json)");
  drill_run->add_option("--drill", drill_flags.name,
                        "Which drill, for the record (\"2026-Q2 staging\")");
  drill_run->add_option("--poll-delay", drill_flags.poll_delay,
                        "Every waiter's delay between polls (default: AWS's, e.g. 30s)");
  drill_run->add_option("--max-polls", drill_flags.max_polls,
                        "Every waiter's limit of polls (default: AWS's)");
  drill_run->add_option("--call-timeout", drill_flags.call_timeout, "Stop a call after this long")
      ->capture_default_str();
  drill_run->add_flag("--allow-unmarked", drill_flags.allow_unmarked,
                      "Allow changes to resources whose names are not marked for drills");
  drill_run->add_option("--set", drill_flags.overrides,
                        "Override a scenario value: path=value (JSON pointer or dots)");
  for (CLI::App* c : {preflight, check}) {
    c->add_option("--trials,-n", drill_flags.trials, "Simulated trials")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{20}, std::uint64_t{10'000'000}));
    c->add_option("--seed,-s", drill_flags.seed, "Run seed")->capture_default_str();
    c->add_option("--threads,-j", drill_flags.threads, "Worker threads (0: all cores)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  for (RunFlags* f : {&run_flags, &whatif_flags}) {
    f->rank = rank;
    f->ranks = ranks;
  }
  try {
    if (demo->parsed()) return run_demo_command(demo_flags);
    if (run->parsed()) return run_scenario_command(scenario_path, overrides, run_flags);
    if (trace->parsed()) return trace_command(trace_path, trace_trial, trace_seed);
    if (baseline->parsed()) return baseline_command(baseline_flags);
    if (gate->parsed()) return gate_command(gate_flags);
    if (lint->parsed()) return lint_command(lint_flags);
    if (whatif->parsed()) return whatif_command(whatif_path, whatif_sets, whatif_flags);
    if (merge->parsed()) return merge_command(merge_parts, merge_flags);
    if (compare->parsed()) return compare_command(compare_paths, compare_sets, compare_flags);
    if (sensitivity->parsed())
      return sensitivity_command(sensitivity_path, sensitivity_sets, sensitivity_flags);
    if (preflight->parsed()) return drill_preflight_command(drill_flags);
    if (check->parsed()) return drill_check_command(drill_flags);
    if (drill_run->parsed()) return drill_run_command(drill_flags);
    if (discover->parsed()) return discover_command(discover_flags);
  } catch (const drsim::sim::InputError& e) {
    fmt::print(stderr, "drsim: error: {}\n", e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    // A run keeps ~200 bytes a trial in memory: a hundred million trials need ~20 GB.
    fmt::print(stderr,
               "drsim: error: out of memory; run fewer --trials at once (a run keeps about 200 "
               "bytes a trial), or split it with --shard I/N --out PART.json and `drsim merge`\n");
    return kExitInternal;
  } catch (const std::exception& e) {
    fmt::print(stderr, "drsim: internal error: {}\n", e.what());
    return kExitInternal;
  }
  return kExitOk;
}
