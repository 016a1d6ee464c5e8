// Reading one JSON object of an input file strictly: its type checked, every key known
// (an unknown one is an error naming the closest known key), values typed, and every
// error carrying the JSON pointer that JsonLocations turns into file:line:column.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/distribution_json.hpp"
#include "scenarios/json_location.hpp"
#include "sim/input_error.hpp"
#include "sim/time.hpp"

namespace drsim::scenarios {

/// Throws sim::InputError at JSON pointer `pointer`.
[[noreturn]] inline void fail_at(const std::string& pointer, std::string message,
                                 std::string suggestion = {}) {
  throw sim::InputError(sim::Location{{}, 0, 0, pointer}, std::move(message),
                        std::move(suggestion));
}

/// One JSON object of the scenario: checks its type and that every key is known.
class JsonObject {
 public:
  JsonObject(const nlohmann::json& j, std::string pointer, std::string_view what,
             std::vector<std::string_view> known)
      : j_(j), pointer_(std::move(pointer)) {
    if (!j.is_object())
      fail_at(pointer_, fmt::format("{} must be an object, got {}", what, json_type_name(j)));
    for (const auto& [key, _] : j.items()) {
      if (key == "$schema" || key == "//" || key.starts_with("_"))
        continue;  // comments and editors
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail_at(at(key), fmt::format("unknown field `{}` in {}", key, what),
                sim::suggest(key, known));
      }
    }
  }
  bool has(std::string_view key) const { return j_.contains(key); }
  const nlohmann::json& operator[](std::string_view key) const { return j_.at(std::string(key)); }
  std::string at(std::string_view key) const { return pointer_ + "/" + std::string(key); }
  const std::string& pointer() const { return pointer_; }

  std::string text(std::string_view key, bool required = false, std::string fallback = {}) const {
    if (!has(key)) {
      if (required) fail_at(pointer_, fmt::format("missing field `{}`", key));
      return fallback;
    }
    const nlohmann::json& v = (*this)[key];
    if (!v.is_string())
      fail_at(at(key), fmt::format("`{}` must be a string, got {}", key, json_type_name(v)));
    return v.get<std::string>();
  }
  sim::Duration duration(std::string_view key, sim::Duration fallback) const {
    return has(key) ? static_cast<sim::Duration>(
                          parse_value((*this)[key], at(key), ValueKind::kDuration))
                    : fallback;
  }
  double number(std::string_view key, double fallback) const {
    return has(key) ? parse_value((*this)[key], at(key), ValueKind::kNumber) : fallback;
  }
  bool flag(std::string_view key, bool fallback) const {
    if (!has(key)) return fallback;
    if (!(*this)[key].is_boolean())
      fail_at(at(key), fmt::format("`{}` must be true or false", key));
    return (*this)[key].get<bool>();
  }
  std::vector<std::string> strings(std::string_view key) const {
    std::vector<std::string> out;
    if (!has(key)) return out;
    const nlohmann::json& v = (*this)[key];
    if (!v.is_array()) fail_at(at(key), fmt::format("`{}` must be an array of strings", key));
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail_at(at(key) + "/" + std::to_string(i), "expected a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  /// Calls f(element, pointer) for each element of the array `key` (absent: none).
  template <class F>
  void each(std::string_view key, F f) const {
    if (!has(key)) return;
    const nlohmann::json& v = (*this)[key];
    if (!v.is_array())
      fail_at(at(key), fmt::format("`{}` must be an array, got {}", key, json_type_name(v)));
    for (std::size_t i = 0; i < v.size(); ++i) f(v[i], at(key) + "/" + std::to_string(i));
  }

 private:
  const nlohmann::json& j_;
  std::string pointer_;
};

}  // namespace drsim::scenarios
