#include "scenarios/query.hpp"

#include <gtest/gtest.h>

#include "sim/input_error.hpp"
#include "sim/time.hpp"

namespace drsim::scenarios {
namespace {

using models::Array;
using models::Timestamp;
using models::Value;

Value snapshots() {
  auto snap = [](const char* id, sim::Time t, const char* status) {
    return Value::object({{"DBSnapshotIdentifier", id},
                          {"SnapshotCreateTime", Timestamp{t}},
                          {"Status", status},
                          {"PercentProgress", 100}});
  };
  return Value::object(
      {{"DBSnapshots", Value(Array{snap("mangu-b", 2 * sim::kHour, "available"),
                                   snap("rds:other-a", 5 * sim::kHour, "available"),
                                   snap("mangu-c", 3 * sim::kHour, "creating"),
                                   snap("mangu-a", 1 * sim::kHour, "available")})}});
}

Value run(const char* query, const Value& input) {
  return Query::compile(query).evaluate(input, 0);
}

TEST(Query, TheMangusLatestSnapshotQuery) {
  const Value out =
      run("DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)] | sort_by(@, "
          "&SnapshotCreateTime) | [-1].DBSnapshotIdentifier",
          snapshots());
  EXPECT_EQ(out, Value("mangu-c"));
  // With a filter on status too, as a careful runbook would write it.
  EXPECT_EQ(
      run("DBSnapshots[?starts_with(DBSnapshotIdentifier, 'mangu') && Status == 'available'] | "
          "sort_by(@, &SnapshotCreateTime)[-1].DBSnapshotIdentifier",
          snapshots()),
      Value("mangu-b"));
}

/// 1,000 snapshots, one per minute, ids alternating "mangu-N" and "other-N"; counts the
/// elements it builds. Asked for some fields, it builds only those, and remembers which.
class CountingListing : public models::LazyArray {
 public:
  explicit CountingListing(int& built) : built_(built) {}
  std::optional<Value> last_match(const std::function<bool(const Value&)>& match,
                                  std::span<const std::string_view> fields) const override {
    asked_.assign(fields.begin(), fields.end());
    for (int i = kSize - 1; i >= 0; --i) {
      Value v = element(i, fields);
      if (match(v)) return v;
    }
    return std::nullopt;
  }
  std::string_view ascending_by() const override { return "SnapshotCreateTime"; }
  const std::vector<std::string>& asked() const { return asked_; }
  static constexpr int kSize = 1000;

 protected:
  Array build() const override {
    Array out;
    for (int i = 0; i < kSize; ++i) out.push_back(element(i, {}));
    return out;
  }

 private:
  Value element(int i, std::span<const std::string_view> fields) const {
    ++built_;
    models::Members m;
    auto add = [&](const char* name, Value v) {
      if (fields.empty() || std::find(fields.begin(), fields.end(), name) != fields.end())
        m.emplace_back(name, std::move(v));
    };
    add("DBSnapshotIdentifier", (i % 2 == 0 ? "mangu-" : "other-") + std::to_string(i));
    add("SnapshotCreateTime", Timestamp{i * sim::kMinute});
    add("Status", i >= kSize - 3 ? "creating" : "available");
    return Value(std::move(m));
  }
  int& built_;
  mutable std::vector<std::string> asked_;
};

TEST(Query, TheNewestOfALazyListingIsFoundWithoutBuildingTheRest) {
  int lazy_built = 0, eager_built = 0;
  const Value lazy =
      Value::object({{"DBSnapshots", Value(std::make_shared<const CountingListing>(lazy_built))}});
  const Value eager =
      Value::object({{"DBSnapshots", Value(CountingListing(eager_built).elements())}});
  const char* newest =
      "DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`) && Status == 'available'] | "
      "sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier";
  EXPECT_EQ(run(newest, lazy), Value("mangu-996"));
  EXPECT_EQ(run(newest, eager), Value("mangu-996"));
  EXPECT_LE(lazy_built, 5) << "only the newest few are built";
  // The same answers as a built array for shapes the shortcut does not cover (sorting by
  // another key, the oldest, a projection before the sort) and when nothing matches.
  for (const char* q :
       {"DBSnapshots | sort_by(@, &DBSnapshotIdentifier) | [-1].DBSnapshotIdentifier",
        "DBSnapshots[?starts_with(DBSnapshotIdentifier, `other`)] | sort_by(@, "
        "&SnapshotCreateTime) | [0].DBSnapshotIdentifier",
        "DBSnapshots[*].{Id: DBSnapshotIdentifier, SnapshotCreateTime: SnapshotCreateTime} | "
        "sort_by(@, &SnapshotCreateTime) | [-1].Id",
        "sort_by(DBSnapshots, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier",
        "DBSnapshots[?starts_with(DBSnapshotIdentifier, `none`)] | sort_by(@, "
        "&SnapshotCreateTime) | [-1].DBSnapshotIdentifier",
        "DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)][?Status == 'available'] | "
        "sort_by(@, &SnapshotCreateTime) | [-1]",
        "length(DBSnapshots)"}) {
    EXPECT_EQ(run(q, lazy), run(q, eager)) << q;
  }
  EXPECT_EQ(run("length(DBSnapshots)", lazy), Value(CountingListing::kSize));
}

TEST(Query, TheNewestOfALazyListingAsksOnlyForTheMembersItsFiltersAndPickRead) {
  int built = 0;
  const auto listing = std::make_shared<const CountingListing>(built);
  const Value lazy = Value::object({{"DBSnapshots", Value(listing)}});
  const Value eager = Value::object({{"DBSnapshots", Value(CountingListing(built).elements())}});
  auto asked = [&](const char* q) {
    EXPECT_EQ(run(q, lazy), run(q, eager)) << q;
    return listing->asked();
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(asked("DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`) && Status == "
                  "'available'] | sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier"),
            (Names{"DBSnapshotIdentifier", "Status"}));
  EXPECT_EQ(asked("DBSnapshots[?Status != 'creating'] | sort_by(@, &SnapshotCreateTime) | "
                  "[-1].SnapshotCreateTime"),
            (Names{"Status", "SnapshotCreateTime"}));
  // The element itself, or a filter that reads it whole: every member.
  for (const char* q :
       {"DBSnapshots[?Status == 'available'] | sort_by(@, &SnapshotCreateTime) | [-1]",
        "DBSnapshots[?length(@) > `2`] | sort_by(@, &SnapshotCreateTime) | "
        "[-1].DBSnapshotIdentifier",
        "DBSnapshots[?Status == 'available'] | sort_by(@, &SnapshotCreateTime) | "
        "[-1].[DBSnapshotIdentifier, Status]"}) {
    EXPECT_EQ(asked(q), Names{}) << q;
  }
}

TEST(Query, OnlyAPathIntoOneListedResourceNamesTheMemberItReads) {
  auto member = [](std::string_view q) { return std::string(Query::compile(q).resource_member()); };
  EXPECT_EQ(member("DBInstances[0].Endpoint.Address"), "Endpoint");
  EXPECT_EQ(member("DBSnapshots[-1].SnapshotCreateTime"), "SnapshotCreateTime");
  EXPECT_EQ(member("services[0].deployments[0].rolloutState"), "deployments");
  // Whole resources, lists, projections, filters, functions: the caller may read anything.
  for (const char* q :
       {"DBInstances[0]", "DBInstances", "DBInstance.Endpoint.Address", "DBInstances[*].Endpoint",
        "DBInstances[].Endpoint", "DBInstances[?MultiAZ].Endpoint", "length(DBInstances)",
        "DBInstances[0] | Endpoint", "DBInstances[0].[Endpoint, Engine]",
        "sort_by(DBSnapshots, &SnapshotCreateTime)[-1].DBSnapshotIdentifier"}) {
    EXPECT_EQ(member(q), "") << q;
  }
}

TEST(Query, FieldsIndexesAndMultiSelect) {
  const Value instances = Value::object(
      {{"DBInstances",
        Value(Array{Value::object(
            {{"DBInstanceIdentifier", "db"},
             {"Endpoint", Value::object({{"Address", "db.x.us-east-1.rds.amazonaws.com"},
                                         {"Port", 5432}})}})})}});
  EXPECT_EQ(run("DBInstances[0].Endpoint.Address", instances),
            Value("db.x.us-east-1.rds.amazonaws.com"));
  EXPECT_EQ(run("DBInstances[1].Endpoint.Address", instances), Value());
  const Value picked =
      run("DBSnapshots[0].{Status:Status,Progress:PercentProgress,Time:SnapshotCreateTime}",
          snapshots());
  EXPECT_EQ(picked["Status"], Value("available"));
  EXPECT_EQ(picked["Progress"], Value(100));
  EXPECT_EQ(picked["Time"].as_time().at, 2 * sim::kHour);
  EXPECT_EQ(run("DBSnapshots[].DBSnapshotIdentifier | length(@)", snapshots()), Value(4));
  EXPECT_EQ(run("DBSnapshots[*].Status | [0]", snapshots()), Value("available"));
  EXPECT_EQ(run("[DBSnapshots[0].Status, DBSnapshots[2].Status]", snapshots()),
            Value(Array{Value("available"), Value("creating")}));
}

TEST(Query, FiltersComparisonsAndTimestamps) {
  EXPECT_EQ(run("length(DBSnapshots[?SnapshotCreateTime > '1970-01-01T02:00:00Z'])", snapshots()),
            Value(2))
      << "a timestamp compares with an ISO string as an instant (epoch 0 here)";
  // The seed's own form: an ISO time as a raw backtick literal (not JSON; the CLI reads it as
  // a string).
  EXPECT_EQ(run("length(DBSnapshots[?SnapshotCreateTime<=`1970-01-01T02:00:00Z`])", snapshots()),
            Value(2));
  EXPECT_EQ(run("length(DBSnapshots[?Status != 'available'])", snapshots()), Value(1));
  EXPECT_EQ(
      run("length(DBSnapshots[?!(Status == 'available') || PercentProgress < `50`])", snapshots()),
      Value(1));
  EXPECT_EQ(run("max_by(DBSnapshots, &SnapshotCreateTime).DBSnapshotIdentifier", snapshots()),
            Value("rds:other-a"));
  EXPECT_EQ(run("min_by(DBSnapshots, &SnapshotCreateTime).DBSnapshotIdentifier", snapshots()),
            Value("mangu-a"));
  EXPECT_EQ(run("contains(DBSnapshots[].Status, 'creating')", snapshots()), Value(true));
  EXPECT_EQ(run("DBSnapshots[?contains(DBSnapshotIdentifier, ':')].DBSnapshotIdentifier | [0]",
                snapshots()),
            Value("rds:other-a"));
}

TEST(Query, SlicesFlattenPipesAndFunctions) {
  const Value nested = Value::object(
      {{"Reservations",
        Value(
            Array{Value::object({{"Instances", Value(Array{Value::object({{"Id", "i-1"}}),
                                                           Value::object({{"Id", "i-2"}})})}}),
                  Value::object({{"Instances", Value(Array{Value::object({{"Id", "i-3"}})})}})})}});
  EXPECT_EQ(run("Reservations[].Instances[].Id", nested),
            Value(Array{Value("i-1"), Value("i-2"), Value("i-3")}));
  EXPECT_EQ(run("Reservations[].Instances[].Id | [::-1] | [0]", nested), Value("i-3"));
  EXPECT_EQ(run("Reservations[].Instances[].Id | [1:]", nested),
            Value(Array{Value("i-2"), Value("i-3")}));
  EXPECT_EQ(run("join(',', Reservations[].Instances[].Id)", nested), Value("i-1,i-2,i-3"));
  EXPECT_EQ(run("reverse(sort(Reservations[].Instances[].Id))[0]", nested), Value("i-3"));
  EXPECT_EQ(run("`{\"a\": [1, 2]}`.a[1]", Value()), Value(2));
  EXPECT_EQ(run("keys(@)", Value::object({{"x", 1}, {"y", 2}})),
            Value(Array{Value("x"), Value("y")}));
  EXPECT_EQ(run("*.Status | sort(@)", Value::object({{"a", Value::object({{"Status", "b"}})},
                                                     {"c", Value::object({{"Status", "a"}})}})),
            Value(Array{Value("a"), Value("b")}));
  EXPECT_EQ(run("not_null(Missing, DBSnapshots[0].Status)", snapshots()), Value("available"));
  EXPECT_EQ(run("\"DBSnapshots\"[0].Status", snapshots()), Value("available"));
}

TEST(Query, BadQueriesNameTheColumnAndWhatWasExpected) {
  auto error_of = [](const char* q) {
    try {
      Query::compile(q);
    } catch (const sim::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(
      error_of("DBSnapshots[?Status == 'x'").find("column 27: expected `]` to close the filter"),
      std::string::npos)
      << error_of("DBSnapshots[?Status == 'x'");
  EXPECT_NE(error_of("sort_bi(@, &x)").find("unknown function `sort_bi` (did you mean `sort_by`?)"),
            std::string::npos)
      << error_of("sort_bi(@, &x)");
  EXPECT_NE(error_of("length(a, b)").find("length() takes 1 argument, got 2"), std::string::npos);
  EXPECT_NE(error_of("DBSnapshots[0").find("column 14"), std::string::npos)
      << error_of("DBSnapshots[0");
  EXPECT_NE(error_of("a = b").find("expected `==`"), std::string::npos);
  EXPECT_NE(error_of("a.'b'").find("after `.`"), std::string::npos) << error_of("a.'b'");
  EXPECT_NE(error_of("DBSnapshots[?Status == 'x]").find("unterminated"), std::string::npos);
}

}  // namespace
}  // namespace drsim::scenarios
