#include "reports/lint_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace drsim::reports {
namespace {

using validators::Finding;
using validators::Severity;

std::string where(const Finding& f) {
  if (f.line > 0) return fmt::format("{}:{}:{}", f.file, f.line, f.column);
  return f.file;
}

/// A file path as a SARIF artifact URI (relative paths stay relative to the checkout).
std::string uri(const std::string& path) {
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || std::string_view("/-._~").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

}  // namespace

std::string render_lint_text(const validators::LintResult& r, bool color) {
  auto paint = [&](Severity s) {
    const std::string name(validators::severity_name(s));
    if (!color) return name;
    return fmt::format("\x1b[{}m{}\x1b[0m", s == Severity::kError ? "31;1" : "33", name);
  };
  std::string out;
  std::size_t errors = 0, acknowledged = 0, warnings = 0;
  for (const Finding& f : r.findings) {
    out += fmt::format("{}: {}: {} [{}]\n", where(f), paint(f.severity), f.message, f.rule);
    if (!f.fix.empty()) out += fmt::format("    fix: {}\n", f.fix);
    if (!f.acknowledged.empty()) out += fmt::format("    acknowledged: {}\n", f.acknowledged);
    if (f.severity == Severity::kError) {
      (f.acknowledged.empty() ? errors : acknowledged) += 1;
    } else if (f.severity == Severity::kWarning) {
      ++warnings;
    }
  }
  for (const std::string& note : r.notes) out += fmt::format("note: {}\n", note);
  out += fmt::format("{} error{}{}, {} warning{}\n", errors, errors == 1 ? "" : "s",
                     acknowledged ? fmt::format(" (and {} acknowledged)", acknowledged) : "",
                     warnings, warnings == 1 ? "" : "s");
  return out;
}

nlohmann::json lint_json(const validators::LintResult& r) {
  nlohmann::json j;
  j["schema_version"] = 1;
  j["failed"] = r.failed();
  j["findings"] = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    nlohmann::json x{{"rule", f.rule},      {"severity", validators::severity_name(f.severity)},
                     {"file", f.file},      {"line", f.line},
                     {"column", f.column},  {"pointer", f.pointer},
                     {"message", f.message}};
    if (!f.step.empty()) x["step"] = f.step;
    if (!f.fix.empty()) x["fix"] = f.fix;
    if (!f.acknowledged.empty()) x["acknowledged"] = f.acknowledged;
    j["findings"].push_back(std::move(x));
  }
  j["notes"] = r.notes;
  return j;
}

nlohmann::json lint_sarif(const validators::LintResult& r, const std::string& version) {
  const auto rules = validators::lint_rules();
  auto level = [](Severity s) { return std::string(validators::severity_name(s)); };
  nlohmann::json driver{
      {"name", "drsim"}, {"version", version}, {"rules", nlohmann::json::array()}};
  for (const validators::LintRule& rule : rules) {
    driver["rules"].push_back({{"id", rule.id},
                               {"shortDescription", {{"text", rule.summary}}},
                               {"help", {{"text", rule.help}}},
                               {"defaultConfiguration", {{"level", level(rule.severity)}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    const auto index = std::find_if(rules.begin(), rules.end(),
                                    [&](const auto& rule) { return rule.id == f.rule; }) -
                       rules.begin();
    nlohmann::json physical{{"artifactLocation", {{"uri", uri(f.file)}}}};
    if (f.line > 0) physical["region"] = {{"startLine", f.line}, {"startColumn", f.column}};
    nlohmann::json location{{"physicalLocation", physical}};
    if (!f.step.empty())
      location["logicalLocations"] = {{{"name", f.step}, {"fullyQualifiedName", f.pointer}}};
    nlohmann::json result{
        {"ruleId", f.rule},
        {"ruleIndex", index},
        {"level", level(f.severity)},
        {"message", {{"text", f.fix.empty() ? f.message : f.message + ". Fix: " + f.fix}}},
        {"locations", {location}},
        {"partialFingerprints", {{"drsimFinding/v1", f.rule + ":" + f.pointer}}}};
    if (!f.acknowledged.empty()) {
      result["suppressions"] = {{{"kind", "inSource"}, {"justification", f.acknowledged}}};
    }
    results.push_back(std::move(result));
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", {{{"tool", {{"driver", driver}}}, {"results", results}}}}};
}

}  // namespace drsim::reports
