#include "reports/scenario_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reports/metric_summary.hpp"
#include "reports/text_helpers.hpp"

namespace drsim::reports {
namespace {

constexpr std::size_t kColumns = 100;  // the summary fits a 100-column terminal

std::size_t columns(std::string_view text) {
  return display_width(text);
}

/// `text` broken at spaces into lines of at most `width` columns (a word longer than a line
/// is cut), the first line starting with `first`, the others with `rest`. Runs of spaces
/// inside a line are kept.
std::string wrap(const std::string& text, const std::string& rest, std::size_t width,
                 const std::string& first = "") {
  std::string out, line = first;
  std::size_t used = columns(first);
  bool fresh = true;  // nothing of `text` on this line yet
  for (std::size_t pos = 0;;) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(pos, end - pos);
    if (!fresh && !word.empty() && used + 1 + columns(word) > width) {
      out += line + "\n";
      line = rest;
      used = columns(rest);
      fresh = true;
    }
    if (!fresh) {
      line += ' ';
      ++used;
    }
    while (used + columns(word) > width && used < width && columns(word) > 1) {
      std::size_t cut = 0;  // bytes of the first (width - used) code points
      for (std::size_t n = 0; cut < word.size() && n < width - used; ++n) {
        do ++cut;
        while (cut < word.size() && (word[cut] & 0xC0) == 0x80);
      }
      out += line + word.substr(0, cut) + "\n";
      word = word.substr(cut);
      line = rest;
      used = columns(rest);
    }
    line += word;
    used += columns(word);
    fresh = false;
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out + line + "\n";
}

}  // namespace

std::string render_scenario_text(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                                 std::uint64_t seed, bool color) {
  std::string out = wrap(s.name + " — " + s.source, "", kColumns);
  out += fmt::format("{} trials, seed {}, {} threads{}\n\n", r.run.completed, seed, r.run.threads,
                     r.run.partial ? fmt::format("  (PARTIAL: stopped after {} of {})",
                                                 r.run.completed, r.run.requested)
                                   : "");
  std::vector<MetricRow> rows{{"RTO", &r.rto_ms, s.objectives.rto}};
  std::vector<std::string> names;
  names.reserve(s.data_stores.size());
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    names.push_back("RPO " + s.data_stores[k].name);
    rows.push_back({names.back(), &r.rpo_ms[k], s.objectives.rpo_of(s.data_stores[k].name)});
  }
  rows.push_back({"  detection", &r.detection_ms, std::nullopt});
  rows.push_back({"  decision", &r.decision_ms, std::nullopt});
  rows.push_back({"  execution", &r.execution_ms, std::nullopt});
  out += render_metric_table(rows, color);
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    const models::DataStore& store = s.data_stores[k];
    if (store.writes_per_second <= 0 || r.rpo_ms[k].count() == 0) continue;
    auto lost = [&](double p) {
      const std::int64_t ms = r.rpo_ms[k].quantile(p);
      return ms == sim::kInfinite
                 ? std::string("never recovered")
                 : fmt::format("{:.0f} {}", models::data_lost(store, ms), store.unit);
    };
    out += fmt::format("data lost, {} (at {:g} {}/s): p50 {}, p95 {}\n", store.name,
                       store.writes_per_second, store.unit, lost(0.5), lost(0.95));
  }
  if (r.rto_ms.infinite_count() > 0) {
    out += fmt::format(
        "RTO is \"never\" in {} of {} trials: the runbook could not complete (causes below)\n",
        r.rto_ms.infinite_count(), r.rto_ms.count());
  }

  out += fmt::format("\n{:<22} {:>8} {:>8} {:>9} {:>7}  {}\n", "step", "p50", "p95", "critical",
                     "failed", "phase");
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    const sim::Sample& d = r.step_ms[i];
    const double share = 100.0 * r.critical_share(i);
    out += fmt::format("{:<22} {:>8} {:>8} {:>8.0f}% {:>7}  {}\n", s.runbook[i].id.substr(0, 22),
                       d.count() ? human(d.quantile(0.5)) : "-",
                       d.count() ? human(d.quantile(0.95)) : "-", share, r.step_failed[i],
                       s.runbook[i].phase);
  }
  if (!r.causes.empty()) {
    std::vector<std::pair<std::string, scenarios::CauseCount>> causes(r.causes.begin(),
                                                                      r.causes.end());
    std::stable_sort(causes.begin(), causes.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    out += "\nwhy the runbook could not complete:\n";
    for (const auto& [cause, c] : causes) {
      out += wrap(fmt::format("  {:>6} trials  {}", c.count, cause), "                 ", kColumns);
      out += wrap(fmt::format("e.g. trial {} (drsim trace --trial {}): {}", c.example_trial,
                              c.example_trial, c.detail),
                  "          ", kColumns, "          ");
    }
  }
  return out;
}

nlohmann::json scenario_json(const scenarios::Scenario& s, const scenarios::ScenarioResults& r,
                             std::uint64_t seed) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["scenario"] = s.name;
  j["source"] = s.source;
  j["seed"] = seed;
  j["trials"] = r.run.requested;
  j["completed"] = r.run.completed;
  j["partial"] = r.run.partial;
  j["rto"] = metric_json(r.rto_ms, s.objectives.rto);
  j["rto"]["breakdown"] = {{"detection", metric_json(r.detection_ms, std::nullopt)},
                           {"decision", metric_json(r.decision_ms, std::nullopt)},
                           {"execution", metric_json(r.execution_ms, std::nullopt)}};
  j["rpo"] = nlohmann::json::object();
  for (std::size_t k = 0; k < s.data_stores.size(); ++k) {
    nlohmann::json rpo = metric_json(r.rpo_ms[k], s.objectives.rpo_of(s.data_stores[k].name));
    // The same as data lost, in the store's own unit, from its write rate.
    const models::DataStore& store = s.data_stores[k];
    if (store.writes_per_second > 0) {
      auto lost = [&](double p) -> nlohmann::json {
        const std::int64_t ms = r.rpo_ms[k].quantile(p);
        if (ms == sim::kInfinite) return nullptr;
        return models::data_lost(store, ms);
      };
      rpo["data_lost"] = {
          {"unit", store.unit}, {"p50", lost(0.5)}, {"p95", lost(0.95)}, {"p99", lost(0.99)}};
    }
    j["rpo"][store.name] = rpo;
  }
  j["steps"] = nlohmann::json::object();
  for (std::size_t i = 0; i < s.runbook.size(); ++i) {
    nlohmann::json step = metric_json(r.step_ms[i], std::nullopt);
    step["phase"] = s.runbook[i].phase;
    step["critical_share"] = r.critical_share(i);
    step["failed"] = r.step_failed[i];
    j["steps"][s.runbook[i].id] = step;
  }
  j["failures"] = nlohmann::json::object();
  for (const auto& [cause, c] : r.causes) {
    j["failures"][cause] = {
        {"count", c.count}, {"example_trial", c.example_trial}, {"detail", c.detail}};
  }
  return j;
}

}  // namespace drsim::reports
