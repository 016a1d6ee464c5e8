// Virtual time for every simulation in drsim.
//
// Time is a signed 64-bit count of milliseconds since the scenario's epoch (UTC), so that
// "daily at 03:00 UTC", business hours versus nights, and "snapshot younger than 24 h" are
// exact integer comparisons. Durations are written the way people write them ("90s",
// "1h30m", "2d") and parsed here; formatting goes the other way for reports and traces.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace drsim::sim {

/// An instant: milliseconds since the scenario epoch (UTC).
using Time = std::int64_t;
/// A span of virtual time in milliseconds.
using Duration = std::int64_t;

inline constexpr Duration kMillisecond = 1;
inline constexpr Duration kSecond = 1000;
inline constexpr Duration kMinute = 60 * kSecond;
inline constexpr Duration kHour = 60 * kMinute;
inline constexpr Duration kDay = 24 * kHour;
inline constexpr Duration kWeek = 7 * kDay;
/// "Never": larger than any instant a simulation reaches.
inline constexpr Time kNever = std::numeric_limits<Time>::max();

/// Parses "250ms", "90s", "15m", "1h30m", "2d", "1w", "1.5h" (and "0"). Components must
/// appear from the largest unit to the smallest, each at most once. Throws InputError with
/// what was expected when the text is not a duration; negative durations are rejected.
Duration parse_duration(std::string_view text);

/// Formats a duration compactly and exactly: 5400000 -> "1h30m", 1500 -> "1.5s", 0 -> "0s".
std::string format_duration(Duration d);

/// Formats a duration for people, rounded to about three significant figures: "1.5h", "42m",
/// "3.2s". Used by reports where exactness matters less than reading at a glance.
std::string format_duration_short(Duration d);

}  // namespace drsim::sim
