#include "models/value.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <optional>
#include <string>

#include "sim/rng.hpp"

namespace drsim::models {
namespace {

TEST(Iso8601, AgreesWithTheCLibraryAcrossCenturiesAndLeapDays) {
  sim::Stream s(1, 2, 3);
  for (int i = 0; i < 20000; ++i) {
    // Instants from 1900 to 2100, milliseconds included.
    const std::int64_t unix_ms =
        static_cast<std::int64_t>(s.below(6'311'390'400'000ULL)) - 2'208'988'800'000LL;
    const std::time_t seconds =
        static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char expected[96];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(((unix_ms % 1000) + 1000) % 1000));
    ASSERT_EQ(iso8601(unix_ms, 0), expected) << unix_ms;
    ASSERT_EQ(parse_iso8601(expected, 0), unix_ms) << expected;
  }
  EXPECT_EQ(iso8601(0, 1767571200000), "2026-01-05T00:00:00.000Z");
  std::string stamp = "a longer identifier written before";  // overwritten, not appended to
  snapshot_stamp(stamp, 3 * sim::kHour + 15 * sim::kMinute, 1767571200000);
  EXPECT_EQ(stamp, "2026-01-05-03-15");
  snapshot_stamp(stamp, 3 * sim::kHour + 15 * sim::kMinute, 1767571200000, "rds:mangu-db-");
  EXPECT_EQ(stamp, "rds:mangu-db-2026-01-05-03-15");
  // Stamps hopping between days (and before 1970) each name their own day.
  const std::int64_t kJan5 = 1767571200000, kLeapDay = 951782400000;
  for (const std::int64_t unix_ms : {kJan5, kJan5 - 1, kLeapDay - sim::kMinute, kLeapDay,
                                     kJan5 + 23 * sim::kHour + 59 * sim::kMinute, std::int64_t{-1},
                                     -sim::kDay, std::int64_t{0}}) {
    for (const std::int64_t t : {std::int64_t{0}, 90 * sim::kMinute, -90 * sim::kMinute}) {
      snapshot_stamp(stamp, t, unix_ms, "db-");
      const std::string iso = iso8601(t, unix_ms);
      EXPECT_EQ(stamp,
                "db-" + iso.substr(0, 10) + "-" + iso.substr(11, 2) + "-" + iso.substr(14, 2))
          << unix_ms << " + " << t;
    }
  }
  EXPECT_EQ(iso8601(0, 951782400000), "2000-02-29T00:00:00.000Z") << "a leap day";
  // Spellings off the canonical places are still read, and out-of-range fields normalize
  // as the C library does.
  EXPECT_EQ(parse_iso8601("2026-1-5T3:04:05Z", 0), parse_iso8601("2026-01-05T03:04:05Z", 0));
  EXPECT_EQ(parse_iso8601("2026-02-30T00:00:00+00:00", 0),
            parse_iso8601("2026-03-02T00:00:00Z", 0));
  EXPECT_EQ(parse_iso8601("2026-01-05T00:00:00", 1767571200000), 0);
  EXPECT_FALSE(parse_iso8601("2026-01-05T00:00:00+02:00", 0));
  EXPECT_FALSE(parse_iso8601("2026-01-05 00:00:00Z", 0));
}

TEST(Value, JsonAndTextRenderingAndLookups) {
  const Value v = Value::object(
      {{"A", Value(Array{Value(1), Value("x"), Value()})}, {"T", Timestamp{1000}}, {"B", true}});
  EXPECT_EQ(v.to_json(0), R"({"A":[1,"x",null],"T":"1970-01-01T00:00:01.000Z","B":true})");
  EXPECT_EQ(v["A"].at(-2), Value("x"));
  EXPECT_TRUE(v["missing"].is_null());
  EXPECT_EQ(Value().to_text(), "None");
  EXPECT_FALSE(Value(Array{}).truthy());
  EXPECT_EQ(time_of(Value("1970-01-01T00:00:02Z"), 0), 2000);
  EXPECT_EQ(time_of(Value("not a time"), 0), std::nullopt);
  // A string member, or the fallback when it is missing or of another type.
  EXPECT_EQ(v["A"].at(1).string_or("-"), "x");
  EXPECT_EQ(v["missing"].string_or("-"), "-");
  EXPECT_EQ(v["B"].string_or(), "");
  EXPECT_EQ(v["T"].string_or("-"), "-") << "a timestamp is not a string";
}

TEST(Key, RefersToLiteralsAndOwnsEveryOtherName) {
  static constexpr std::string_view kTable[] = {"DBInstanceStatus"};
  const char* const literal = "DBSnapshotIdentifier";
  const Key fixed = Key::fixed(kTable[0]);
  EXPECT_EQ(fixed.view().data(), kTable[0].data());  // referred to, not copied
  EXPECT_EQ(Key("DBSnapshotIdentifier").view(), std::string_view(literal));

  // A name from a string that goes away: the key keeps its own copy, and so do its copies.
  std::optional<Key> owned;
  {
    std::string name(40, 'k');
    owned.emplace(name);
    EXPECT_NE(owned->view().data(), name.data());
    name.assign(40, 'x');
  }
  const Key copy = *owned;
  EXPECT_NE(copy.view().data(), owned->view().data());
  Key moved = std::move(*owned);
  owned.reset();
  EXPECT_EQ(copy, std::string(40, 'k'));
  EXPECT_EQ(moved, copy);
  moved = Key::fixed(kTable[0]);
  EXPECT_EQ(moved.view().data(), kTable[0].data());
  moved = copy;
  EXPECT_EQ(moved, copy);
  EXPECT_NE(moved.view().data(), copy.view().data());

  // Objects built from either kind compare and render alike.
  const std::string dynamic = "Status";
  const Value a = Value::object({{"Status", "available"}});
  Members m;
  m.emplace_back(dynamic, Value("available"));
  EXPECT_EQ(a, Value(std::move(m)));
  EXPECT_EQ(a.to_json(), R"({"Status":"available"})");
}

}  // namespace
}  // namespace drsim::models
