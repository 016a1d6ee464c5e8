#include "sim/time.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "sim/input_error.hpp"

namespace drsim::sim {
namespace {

struct Unit {
  std::string_view name;
  Duration ms;
};
// Longest names first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 6> kUnits{{{"w", kWeek},
                                      {"d", kDay},
                                      {"h", kHour},
                                      {"ms", kMillisecond},
                                      {"m", kMinute},
                                      {"s", kSecond}}};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw InputError({}, fmt::format("invalid duration \"{}\": {}", text, why),
                   "write it like 250ms, 90s, 15m, 1h30m, 2d or 1w");
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Duration parse_duration(std::string_view text) {
  std::string_view rest = text;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) fail(text, "it is empty");
  if (rest.front() == '-') fail(text, "durations cannot be negative");
  if (rest == "0") return 0;

  Duration total = 0;
  std::size_t previous_unit = 0;  // index into kUnits + 1 of the last unit seen
  while (!rest.empty()) {
    if (!is_digit(rest.front())) fail(text, "expected a number");
    // Whole part and fraction as integers so that "0.1s" is exactly 100 ms.
    std::int64_t whole = 0;
    while (!rest.empty() && is_digit(rest.front())) {
      whole = whole * 10 + (rest.front() - '0');
      if (whole > (std::int64_t{1} << 50)) fail(text, "the number is too large");
      rest.remove_prefix(1);
    }
    std::int64_t fraction = 0;
    std::int64_t fraction_scale = 1;
    if (!rest.empty() && rest.front() == '.') {
      rest.remove_prefix(1);
      if (rest.empty() || !is_digit(rest.front())) fail(text, "expected digits after '.'");
      while (!rest.empty() && is_digit(rest.front())) {
        if (fraction_scale < 1'000'000'000) {
          fraction = fraction * 10 + (rest.front() - '0');
          fraction_scale *= 10;
        } else if (rest.front() != '0') {
          fail(text, "too many decimal places");
        }
        rest.remove_prefix(1);
      }
    }
    std::size_t unit_index = kUnits.size();
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
      if (rest.starts_with(kUnits[i].name)) {
        unit_index = i;
        break;
      }
    }
    if (unit_index == kUnits.size()) {
      fail(text, rest.empty() ? "a unit is missing after the number"
                              : fmt::format("unknown unit at \"{}\"", rest));
    }
    const Unit& unit = kUnits[unit_index];
    rest.remove_prefix(unit.name.size());
    // Order of magnitude: w > d > h > m > s > ms; "ms" sits before "m" in kUnits only for
    // matching, so compare by unit length in milliseconds instead of by index.
    if (previous_unit != 0 && unit.ms >= kUnits[previous_unit - 1].ms) {
      fail(text, "units must go from largest to smallest, each at most once (e.g. 1h30m)");
    }
    previous_unit = unit_index + 1;
    if (whole > std::numeric_limits<Duration>::max() / unit.ms) fail(text, "it is too long");
    const std::int64_t fractional_ms = fraction * unit.ms;
    if (fractional_ms % fraction_scale != 0) fail(text, "it is finer than a millisecond");
    total += whole * unit.ms + fractional_ms / fraction_scale;
    if (total < 0) fail(text, "it is too long");
  }
  return total;
}

std::string format_duration(Duration d) {
  if (d == 0) return "0s";
  std::string out;
  if (d < 0) {
    out = "-";
    d = -d;
  }
  for (auto [name, ms] : std::array<Unit, 3>{{{"d", kDay}, {"h", kHour}, {"m", kMinute}}}) {
    if (d >= ms) {
      out += fmt::format("{}{}", d / ms, name);
      d %= ms;
    }
  }
  if (d == 0) return out;
  if (d % kSecond == 0) return out + fmt::format("{}s", d / kSecond);
  if (d < kSecond && out.empty()) return fmt::format("{}ms", d);
  std::string fraction = fmt::format("{:03}", d % kSecond);
  while (fraction.back() == '0') fraction.pop_back();
  return out + fmt::format("{}.{}s", d / kSecond, fraction);
}

std::string format_duration_short(Duration d) {
  const double ms = static_cast<double>(d);
  const double magnitude = std::fabs(ms);
  auto three_figures = [](double v, std::string_view unit) {
    if (std::fabs(v) >= 100) return fmt::format("{:.0f}{}", v, unit);
    if (std::fabs(v) >= 10) return fmt::format("{:.1f}{}", v, unit);
    return fmt::format("{:.2f}{}", v, unit);
  };
  std::string text;
  if (magnitude < kSecond) {
    text = fmt::format("{}ms", d);
  } else if (magnitude < kMinute) {
    text = three_figures(ms / kSecond, "s");
  } else if (magnitude < kHour) {
    text = three_figures(ms / kMinute, "m");
  } else if (magnitude < kDay) {
    text = three_figures(ms / kHour, "h");
  } else {
    text = three_figures(ms / kDay, "d");
  }
  // "1.50h" reads worse than "1.5h": drop trailing zeros of a fraction.
  const std::size_t dot = text.find('.');
  if (dot != std::string::npos) {
    std::size_t unit_start = text.find_first_not_of("0123456789.-");
    std::size_t end = unit_start;
    while (end > dot + 1 && text[end - 1] == '0') --end;
    if (end == dot + 1) --end;
    text.erase(end, unit_start - end);
  }
  return text;
}

}  // namespace drsim::sim
