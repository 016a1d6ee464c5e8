#include "models/value.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace drsim::models {
namespace {

const Value& null_value() {
  static const Value kNull;
  return kNull;
}

void escape_into(std::string& out, const std::string& s) {
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

double Value::as_double() const {
  if (type() == Type::kInt) return static_cast<double>(as_int());
  return std::get<double>(data_);
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
  switch (type()) {
    case Type::kNull:
      return "None";
    case Type::kBool:
      return as_bool() ? "True" : "False";
    case Type::kString:
      return as_string();
    case Type::kTime:
      return iso8601(as_time().at, epoch_unix_ms);
    default:
      return to_json(epoch_unix_ms);
  }
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

std::string iso8601(sim::Time t, std::int64_t epoch_unix_ms) {
  const std::int64_t unix_ms = epoch_unix_ms + t;
  std::int64_t seconds = unix_ms / 1000;
  std::int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

}  // namespace drsim::models

namespace drsim::models {

std::optional<sim::Time> parse_iso8601(std::string_view text, std::int64_t epoch_unix_ms) {
  int year, month, day, hour = 0, minute = 0, second = 0, consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) < 6) {
    return std::nullopt;
  }
  std::int64_t millis = 0;
  std::size_t i = static_cast<std::size_t>(consumed);
  if (i < s.size() && s[i] == '.') {
    int digits = 0;
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      if (digits++ < 3) millis = millis * 10 + (s[i] - '0');
    }
    while (digits++ < 3) millis *= 10;
  }
  const std::string_view zone = std::string_view(s).substr(i);
  if (!(zone == "Z" || zone == "+00:00" || zone.empty())) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t unix_seconds = timegm(&tm);
  return unix_seconds * 1000 + millis - epoch_unix_ms;
}

std::optional<sim::Time> time_of(const Value& v, std::int64_t epoch_unix_ms) {
  if (v.type() == Value::Type::kTime) return v.as_time().at;
  if (v.is_string()) return parse_iso8601(v.as_string(), epoch_unix_ms);
  return std::nullopt;
}

}  // namespace drsim::models
