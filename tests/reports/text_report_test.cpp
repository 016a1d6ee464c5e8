// The terminal summary: every library scenario's fits a 100-column terminal, and colour
// appears only when asked for (the command asks when stdout is a terminal).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "reports/scenario_report.hpp"

namespace drsim::reports {
namespace {

std::size_t columns(const std::string& line) {
  return static_cast<std::size_t>(
      std::count_if(line.begin(), line.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

TEST(TerminalSummary, EveryLibraryScenarioFitsAHundredColumnsAndIsPlainUnlessColoured) {
  int scenarios_seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(DRSIM_SOURCE_DIR) / "scenarios" / "library")) {
    const scenarios::Scenario s = scenarios::load_scenario(entry.path().string());
    sim::RunOptions options;
    options.trials = 200;
    const scenarios::ScenarioResults r = scenarios::run_scenario(s, options);
    const std::string plain = render_scenario_text(s, r, 1, false);
    std::istringstream lines(plain);
    for (std::string line; std::getline(lines, line);)
      EXPECT_LE(columns(line), 100u) << s.name << ": " << line;
    EXPECT_EQ(plain.find('\033'), std::string::npos) << s.name;
    const std::string coloured = render_scenario_text(s, r, 1, true);
    if (s.objectives.rto) {
      EXPECT_NE(coloured.find("\033["), std::string::npos) << s.name;
    }
    ++scenarios_seen;
  }
  EXPECT_GE(scenarios_seen, 20);
}

}  // namespace
}  // namespace drsim::reports
