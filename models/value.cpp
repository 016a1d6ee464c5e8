#include "models/value.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace drsim::models {
namespace {

const Value& null_value() {
  static const Value kNull;
  return kNull;
}

void escape_into(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void json_into(std::string& out, const Value& v, std::int64_t epoch) {
  switch (v.type()) {
    case Value::Type::kNull:
      out += "null";
      break;
    case Value::Type::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case Value::Type::kInt:
      out += std::to_string(v.as_int());
      break;
    case Value::Type::kDouble:
      out += fmt::format("{}", v.as_double());
      break;
    case Value::Type::kString:
      escape_into(out, v.as_string());
      break;
    case Value::Type::kTime:
      escape_into(out, iso8601(v.as_time().at, epoch));
      break;
    case Value::Type::kArray: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        json_into(out, e, epoch);
      }
      out += ']';
      break;
    }
    case Value::Type::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.members()) {
        if (!first) out += ',';
        first = false;
        escape_into(out, k);
        out += ':';
        json_into(out, e, epoch);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

const Array& Value::as_array() const {
  if (data_.index() == kLazyIndex) return std::get<kLazyIndex>(data_)->elements();
  return *std::get<std::shared_ptr<const Array>>(data_);
}

const LazyArray* Value::lazy() const {
  return data_.index() == kLazyIndex ? std::get<kLazyIndex>(data_).get() : nullptr;
}

const Array& LazyArray::elements() const {
  if (!built_) built_ = build();
  return *built_;
}

std::optional<Value> LazyArray::last_match(const std::function<bool(const Value&)>& match,
                                           std::span<const std::string_view>) const {
  const Array& all = elements();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (match(*it)) return *it;
  }
  return std::nullopt;
}

double Value::as_double() const {
  if (type() == Type::kInt) return static_cast<double>(as_int());
  return std::get<double>(data_);
}

Value Value::object(std::initializer_list<Member> members) {
  Members m;
  m.reserve(members.size());
  for (const Member& x : members) m.emplace_back(std::move(x.key), std::move(x.value));
  return Value(std::move(m));
}

const Value& Value::operator[](std::string_view key) const {
  if (!is_object()) return null_value();
  for (const auto& [k, v] : members()) {
    if (k == key) return v;
  }
  return null_value();
}

const Value& Value::at(std::int64_t index) const {
  if (!is_array()) return null_value();
  const auto n = static_cast<std::int64_t>(as_array().size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return null_value();
  return as_array()[static_cast<std::size_t>(index)];
}

std::size_t Value::size() const {
  if (is_array()) return as_array().size();
  if (is_object()) return members().size();
  return 0;
}

bool Value::truthy() const {
  switch (type()) {
    case Type::kNull:
      return false;
    case Type::kBool:
      return as_bool();
    case Type::kString:
      return !as_string().empty();
    case Type::kArray:
    case Type::kObject:
      return size() > 0;
    default:
      return true;
  }
}

std::string Value::to_json(std::int64_t epoch_unix_ms) const {
  std::string out;
  json_into(out, *this, epoch_unix_ms);
  return out;
}

std::string Value::to_text(std::int64_t epoch_unix_ms) const {
  if (is_string()) return as_string();
  std::string out;
  append_text(out, epoch_unix_ms);
  return out;
}

void Value::append_text(std::string& out, std::int64_t epoch_unix_ms) const {
  switch (type()) {
    case Type::kNull:
      out += "None";
      break;
    case Type::kBool:
      out += as_bool() ? "True" : "False";
      break;
    case Type::kString:
      out += as_string();
      break;
    case Type::kTime:
      out += iso8601(as_time().at, epoch_unix_ms);
      break;
    default:
      json_into(out, *this, epoch_unix_ms);
  }
}

std::string& Value::string_buffer() {
  if (auto* s = std::get_if<std::string>(&data_)) {
    s->clear();
    return *s;
  }
  return data_.emplace<std::string>();
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_double() == b.as_double();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kArray:
      return a.as_array() == b.as_array();
    case Value::Type::kObject:
      return a.members() == b.members();
    default:
      return a.data_ == b.data_;
  }
}

CivilTime civil_time(std::int64_t unix_ms) {
  // Howard Hinnant's civil_from_days: exact proleptic Gregorian arithmetic on integers,
  // no time-zone database and no libc call (this runs for every snapshot a trial lists).
  std::int64_t days = unix_ms / sim::kDay;
  std::int64_t in_day = unix_ms % sim::kDay;
  if (in_day < 0) {
    in_day += sim::kDay;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2 ? 1 : 0));
  c.hour = static_cast<int>(in_day / sim::kHour);
  c.minute = static_cast<int>(in_day % sim::kHour / sim::kMinute);
  c.second = static_cast<int>(in_day % sim::kMinute / sim::kSecond);
  c.millisecond = static_cast<int>(in_day % sim::kSecond);
  return c;
}

namespace {

/// `value`'s last `width` decimal digits, zero-padded, at `at`; returns the end.
char* digits(char* at, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return at + width;
}

/// "YYYY-MM-DD", the start of both ISO 8601 times and snapshot stamps (10 characters).
char* date(char* at, const CivilTime& c) {
  at = digits(at, c.year, 4);
  *at++ = '-';
  at = digits(at, c.month, 2);
  *at++ = '-';
  return digits(at, c.day, 2);
}

}  // namespace

// Both are written into a buffer of their fixed length, then copied once.

std::string iso8601(sim::Time t, std::int64_t epoch_unix_ms) {
  const CivilTime c = civil_time(epoch_unix_ms + t);
  std::array<char, 24> b;  // YYYY-MM-DDTHH:MM:SS.mmmZ
  char* at = date(b.data(), c);
  *at++ = 'T';
  at = digits(at, c.hour, 2);
  *at++ = ':';
  at = digits(at, c.minute, 2);
  *at++ = ':';
  at = digits(at, c.second, 2);
  *at++ = '.';
  at = digits(at, c.millisecond, 3);
  *at++ = 'Z';
  return std::string(b.data(), at);
}

void snapshot_stamp(std::string& out, sim::Time t, std::int64_t epoch_unix_ms,
                    std::string_view prefix) {
  // A trial stamps its snapshots on a few days: each thread converts a day to its date once
  // and writes the same ten characters until the day changes.
  thread_local std::int64_t cached_day = INT64_MIN;
  thread_local std::array<char, 10> cached_date;  // YYYY-MM-DD
  const std::int64_t unix_ms = epoch_unix_ms + t;
  std::int64_t day = unix_ms / sim::kDay;
  if (unix_ms % sim::kDay < 0) --day;
  if (day != cached_day) {
    date(cached_date.data(), civil_time(day * sim::kDay));
    cached_day = day;
  }
  const auto in_day = static_cast<int>(unix_ms - day * sim::kDay);
  out.resize(prefix.size() + 16);  // prefix, YYYY-MM-DD-HH-MM
  char* at = std::copy(prefix.begin(), prefix.end(), out.data());
  at = std::copy(cached_date.begin(), cached_date.end(), at);
  *at++ = '-';
  at = digits(at, in_day / static_cast<int>(sim::kHour), 2);
  *at++ = '-';
  digits(at, in_day / static_cast<int>(sim::kMinute) % 60, 2);
}

}  // namespace drsim::models

namespace drsim::models {

namespace {

/// Howard Hinnant's days_from_civil, the inverse of civil_time's arithmetic.
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// "YYYY-MM-DDTHH:MM:SS" at fixed places with every field in range (what the models and AWS
/// write): read without sscanf and timegm, as a restore reads its snapshot's stamp.
std::optional<std::int64_t> canonical_unix_seconds(std::string_view s) {
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59)
    return std::nullopt;  // days 29-31 and leap seconds: timegm normalizes them
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace

std::optional<sim::Time> parse_iso8601(std::string_view text, std::int64_t epoch_unix_ms) {
  int year, month, day, hour = 0, minute = 0, second = 0, consumed = 0;
  const std::optional<std::int64_t> unix_seconds = canonical_unix_seconds(text);
  if (unix_seconds) {
    consumed = 19;
  } else if (const std::string z(text);
             std::sscanf(z.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour,
                         &minute, &second, &consumed) < 6) {
    return std::nullopt;
  }
  const std::string_view s = text;
  std::int64_t millis = 0;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < s.size() && s[i] == '.') {
    int digits = 0;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      if (digits++ < 3) millis = millis * 10 + (s[i] - '0');
    }
    while (digits++ < 3) millis *= 10;
  }
  const std::string_view zone = s.substr(i);
  if (!(zone == "Z" || zone == "+00:00" || zone.empty())) return std::nullopt;
  if (unix_seconds) return *unix_seconds * 1000 + millis - epoch_unix_ms;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + millis - epoch_unix_ms;
}

std::optional<sim::Time> time_of(const Value& v, std::int64_t epoch_unix_ms) {
  if (v.type() == Value::Type::kTime) return v.as_time().at;
  if (v.is_string()) return parse_iso8601(v.as_string(), epoch_unix_ms);
  return std::nullopt;
}

}  // namespace drsim::models
