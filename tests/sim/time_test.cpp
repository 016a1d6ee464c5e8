#include "sim/time.hpp"

#include <gtest/gtest.h>

#include "sim/input_error.hpp"

namespace drsim::sim {
namespace {

TEST(ParseDuration, AcceptsEveryUnitAndCombination) {
  EXPECT_EQ(parse_duration("250ms"), 250);
  EXPECT_EQ(parse_duration("90s"), 90'000);
  EXPECT_EQ(parse_duration("15m"), 15 * kMinute);
  EXPECT_EQ(parse_duration("1h30m"), 90 * kMinute);
  EXPECT_EQ(parse_duration("2d"), 48 * kHour);
  EXPECT_EQ(parse_duration("1w"), 7 * kDay);
  EXPECT_EQ(parse_duration("1d2h3m4s5ms"), kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5);
  EXPECT_EQ(parse_duration("0"), 0);
  EXPECT_EQ(parse_duration(" 5m "), 5 * kMinute);
}

TEST(ParseDuration, DecimalsAreExact) {
  EXPECT_EQ(parse_duration("1.5h"), 90 * kMinute);
  EXPECT_EQ(parse_duration("0.1s"), 100);
  EXPECT_EQ(parse_duration("2.25m"), 135'000);
}

TEST(ParseDuration, RejectsMalformedInputWithAHint) {
  for (const char* bad : {"", "15", "m", "15x", "-5m", "5m1h", "1h1h", "1.s", "0.0001s", "1.5ms",
                          "abc", "99999999999999999w"}) {
    try {
      parse_duration(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("invalid duration"), std::string::npos) << e.what();
      EXPECT_NE(e.suggestion().find("1h30m"), std::string::npos);
    }
  }
}

TEST(FormatDuration, IsExactAndRoundTrips) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(90 * kMinute), "1h30m");
  EXPECT_EQ(format_duration(1500), "1.5s");
  EXPECT_EQ(format_duration(250), "250ms");
  EXPECT_EQ(format_duration(kDay + 61'001), "1d1m1.001s");
  for (Duration d :
       {Duration{1}, Duration{999}, Duration{61'500}, 3 * kDay + 7, Duration{12345678901}}) {
    EXPECT_EQ(parse_duration(format_duration(d)), d) << format_duration(d);
  }
}

TEST(FormatDuration, ShortFormIsReadable) {
  EXPECT_EQ(format_duration_short(90 * kMinute), "1.5h");
  EXPECT_EQ(format_duration_short(42 * kMinute), "42m");
  EXPECT_EQ(format_duration_short(3200), "3.2s");
  EXPECT_EQ(format_duration_short(250), "250ms");
  EXPECT_EQ(format_duration_short(2 * kDay), "2d");
}

}  // namespace
}  // namespace drsim::sim
