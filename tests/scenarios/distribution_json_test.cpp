#include "scenarios/distribution_json.hpp"

#include <gtest/gtest.h>

#include "scenarios/json_location.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

using nlohmann::json;
using sim::Distribution;
using sim::kMinute;

Distribution parse(const char* text, ValueKind kind = ValueKind::kDuration) {
  return parse_distribution(json::parse(text), "/d", kind);
}

sim::InputError error_of(const char* text, ValueKind kind = ValueKind::kDuration) {
  try {
    parse(text, kind);
  } catch (const sim::InputError& e) {
    return e;
  }
  ADD_FAILURE() << "accepted " << text;
  return sim::InputError({}, "");
}

TEST(DistributionJson, ParsesEveryFormOperatorsWrite) {
  EXPECT_EQ(parse(R"("15m")").quantile(0.5), 15.0 * kMinute);
  const Distribution ln = parse(R"({"lognormal": {"p50": "20m", "p95": "45m"}})");
  EXPECT_NEAR(ln.quantile(0.5), 20.0 * kMinute, 1e-6);
  EXPECT_NEAR(ln.quantile(0.95), 45.0 * kMinute, 1e-6);
  EXPECT_EQ(parse(R"({"uniform": ["5m", "15m"]})").quantile(0.5), 10.0 * kMinute);
  EXPECT_EQ(parse(R"({"uniform": {"low": "5m", "high": "15m"}})").quantile(0.5), 10.0 * kMinute);
  EXPECT_EQ(parse(R"({"empirical": ["12m", "14m", "31m"]})").quantile(0.5), 14.0 * kMinute);
  EXPECT_EQ(parse(R"({"triangular": ["5m", "10m", "30m"]})").kind(),
            Distribution::Kind::kTriangular);
  EXPECT_EQ(parse(R"({"pert": {"low": "5m", "mode": "10m", "high": "30m", "lambda": 3}})").kind(),
            Distribution::Kind::kPert);
  EXPECT_EQ(parse(R"({"exponential": "10m"})").mean(), 10.0 * kMinute);
  EXPECT_EQ(parse(R"({"exponential": {"mean": "10m"}})").mean(), 10.0 * kMinute);
  EXPECT_NEAR(parse(R"({"weibull": {"shape": 1, "scale": "30m"}})").mean(), 30.0 * kMinute, 1e-6);
  const Distribution truncated = parse(R"({"normal": {"mean": "10m", "sd": "5m", "min": "0s"}})");
  EXPECT_EQ(truncated.support_min(), 0);
  const Distribution mix = parse(
      R"({"mixture": [{"weight": 99, "lognormal": {"p50": "15s", "p95": "5m"}},
                      {"weight": 1, "lognormal": {"p50": "1h", "p95": "12h"}}]})");
  EXPECT_EQ(mix.kind(), Distribution::Kind::kMixture);
  EXPECT_EQ(parse(R"({"uniform": [100, 200]})", ValueKind::kNumber).quantile(0.5), 150);
}

TEST(DistributionJson, ErrorsNameThePointerAndWhatWasExpected) {
  auto e = error_of(R"({"lognormal": {"p50": "45m", "p95": "20m"}})");
  EXPECT_EQ(e.where().pointer, "/d/lognormal");
  EXPECT_NE(e.message().find("p95 >= p50"), std::string::npos) << e.what();

  e = error_of(R"({"lognormnal": {"p50": "45m", "p95": "20m"}})");
  EXPECT_EQ(e.where().pointer, "/d/lognormnal");
  EXPECT_EQ(e.suggestion(), "did you mean `lognormal`?");

  e = error_of(R"({"lognormal": {"p50": "20m", "p59": "45m"}})");
  EXPECT_EQ(e.where().pointer, "/d/lognormal/p59");
  EXPECT_EQ(e.suggestion(), "did you mean `p50`?");

  e = error_of(R"({"uniform": ["5m", 15]})");
  EXPECT_EQ(e.where().pointer, "/d/uniform/1");
  EXPECT_NE(e.suggestion().find("\"15s\""), std::string::npos) << e.what();

  e = error_of(R"({"uniform": ["5m", "15q"]})");
  EXPECT_EQ(e.where().pointer, "/d/uniform/1");
  EXPECT_NE(e.message().find("invalid duration"), std::string::npos);

  e = error_of(R"({"mixture": [{"weight": 0, "constant": "1m"}]})");
  EXPECT_NE(e.message().find("sum to a positive number"), std::string::npos) << e.what();

  e = error_of(R"({"uniform": ["5m"], "normal": {}})");
  EXPECT_NE(e.message().find("exactly one key"), std::string::npos);

  e = error_of(R"({"empirical": []})");
  EXPECT_EQ(e.where().pointer, "/d/empirical");

  e = error_of(R"(["5m"])");
  EXPECT_NE(e.message().find("expected a distribution, got an array"), std::string::npos);

  e = error_of(R"({"uniform": ["1", "2"]})", ValueKind::kNumber);
  EXPECT_NE(e.message().find("expected a number, got a string"), std::string::npos);
}

TEST(ParseJson, SyntaxErrorsGiveLineAndColumn) {
  try {
    parse_json("{\n  \"a\": 1,\n  \"b\": }\n", "scenario.json");
    FAIL() << "accepted bad JSON";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.where().file, "scenario.json");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_EQ(e.where().column, 8);
    EXPECT_NE(std::string(e.what()).find("scenario.json:3:8: invalid JSON"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace drsim::scenarios

namespace drsim::scenarios {
namespace {

TEST(JsonLocations, PointersMapToTheLineAndColumnOfTheirValue) {
  const std::string text =
      "{\n"
      "  \"name\": \"mangu\",\n"
      "  \"runbook\": [\n"
      "    {\"id\": \"assess\"},\n"
      "    {\"id\": \"restore\", \"after\": [\"asses\"]}\n"
      "  ],\n"
      "  \"a/b\": {\"x~y\": 1}\n"
      "}\n";
  const JsonLocations where(text, "scenario.json");
  sim::Location l = where.locate("/runbook/1/after/0");
  EXPECT_EQ(l.line, 5);
  EXPECT_EQ(l.column, 33);
  EXPECT_EQ(l.pointer, "/runbook/1/after/0");
  EXPECT_EQ(where.locate("/name").line, 2);
  EXPECT_EQ(where.locate("/name").column, 11);
  EXPECT_EQ(where.locate("/a~1b/x~0y").line, 7) << "RFC 6901 escapes";
  // A missing member points at its parent, keeping the pointer the error is about.
  l = where.locate("/runbook/0/owner");
  EXPECT_EQ(l.line, 4);
  EXPECT_EQ(l.column, 5);
  EXPECT_EQ(l.pointer, "/runbook/0/owner");
  const sim::InputError located = where.locate(sim::InputError(
      {{}, 0, 0, "/runbook/1/after/0"}, "unknown step `asses`", "did you mean `assess`?"));
  EXPECT_STREQ(
      located.what(),
      "scenario.json:5:33: at /runbook/1/after/0: unknown step `asses` (did you mean `assess`?)");
}

}  // namespace
}  // namespace drsim::scenarios
