#include "scenarios/distribution_json.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>

#include "scenarios/json_location.hpp"
#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

using nlohmann::json;
using sim::Distribution;
using sim::InputError;

constexpr std::array<std::string_view, 10> kKinds{
    "constant", "uniform",    "normal", "lognormal", "exponential",
    "weibull",  "triangular", "pert",   "empirical", "mixture"};
constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void fail(const std::string& pointer, std::string message,
                       std::string suggestion = {}) {
  throw InputError(sim::Location{{}, 0, 0, pointer}, std::move(message), std::move(suggestion));
}

std::string child(const std::string& pointer, std::string_view key) {
  return fmt::format("{}/{}", pointer, key);
}
std::string child(const std::string& pointer, std::size_t index) {
  return fmt::format("{}/{}", pointer, index);
}

/// Runs a sim:: factory and gives its complaint the JSON pointer of the value.
template <class F>
Distribution located(const std::string& pointer, F make) {
  try {
    return make();
  } catch (const InputError& e) {
    throw e.located(sim::Location{{}, 0, 0, pointer});
  }
}

/// The fields of an object-form parameter block, with unknown keys rejected.
class Fields {
 public:
  Fields(const json& object, const std::string& pointer, std::string_view kind,
         std::initializer_list<std::string_view> known)
      : object_(object), pointer_(pointer) {
    if (!object.is_object()) {
      fail(pointer, fmt::format("{} expects an object with {}, got {}", kind,
                                fmt::join(known, ", "), json_type_name(object)));
    }
    const std::vector<std::string_view> names(known);
    for (const auto& [key, _] : object.items()) {
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        fail(child(pointer, key), fmt::format("unknown field `{}` in {}", key, kind),
             sim::suggest(key, names));
      }
    }
  }
  bool has(std::string_view key) const { return object_.contains(key); }
  double get(std::string_view key, ValueKind kind) const {
    if (!has(key)) fail(pointer_, fmt::format("missing field `{}`", key));
    return parse_value(object_.at(std::string(key)), child(pointer_, key), kind);
  }
  double get_or(std::string_view key, ValueKind kind, double fallback) const {
    return has(key) ? get(key, kind) : fallback;
  }

 private:
  const json& object_;
  const std::string& pointer_;
};

/// [a, b, c] or {"low": a, "mode": b, "high": c}.
std::array<double, 3> three_points(const json& v, const std::string& pointer, std::string_view kind,
                                   ValueKind value_kind) {
  if (v.is_array()) {
    if (v.size() != 3) {
      fail(pointer, fmt::format("{} expects [low, mode, high], got {} values", kind, v.size()));
    }
    return {parse_value(v[0], child(pointer, 0), value_kind),
            parse_value(v[1], child(pointer, 1), value_kind),
            parse_value(v[2], child(pointer, 2), value_kind)};
  }
  Fields f(v, pointer, kind, {"low", "mode", "high", "lambda"});
  return {f.get("low", value_kind), f.get("mode", value_kind), f.get("high", value_kind)};
}

Distribution parse_kind(std::string_view kind, const json& v, const std::string& p, ValueKind vk) {
  if (kind == "constant") {
    return located(p, [&] { return Distribution::constant(parse_value(v, p, vk)); });
  }
  if (kind == "uniform") {
    double low, high;
    if (v.is_array()) {
      if (v.size() != 2)
        fail(p, fmt::format("uniform expects [low, high], got {} values", v.size()));
      low = parse_value(v[0], child(p, 0), vk);
      high = parse_value(v[1], child(p, 1), vk);
    } else {
      Fields f(v, p, "uniform", {"low", "high"});
      low = f.get("low", vk);
      high = f.get("high", vk);
    }
    return located(p, [&] { return Distribution::uniform(low, high); });
  }
  if (kind == "normal") {
    Fields f(v, p, "normal", {"mean", "sd", "min", "max"});
    return located(p, [&] {
      return Distribution::normal(f.get("mean", vk), f.get("sd", vk), f.get_or("min", vk, -kInf),
                                  f.get_or("max", vk, kInf));
    });
  }
  if (kind == "lognormal") {
    Fields f(v, p, "lognormal", {"p50", "p95", "mu", "sigma"});
    if (f.has("mu") || f.has("sigma")) {
      return located(p, [&] {
        return Distribution::lognormal_mu_sigma(f.get("mu", ValueKind::kNumber),
                                                f.get("sigma", ValueKind::kNumber));
      });
    }
    return located(
        p, [&] { return Distribution::lognormal_p50_p95(f.get("p50", vk), f.get("p95", vk)); });
  }
  if (kind == "exponential") {
    if (!v.is_object()) {
      return located(p, [&] { return Distribution::exponential(parse_value(v, p, vk)); });
    }
    Fields f(v, p, "exponential", {"mean"});
    return located(p, [&] { return Distribution::exponential(f.get("mean", vk)); });
  }
  if (kind == "weibull") {
    Fields f(v, p, "weibull", {"shape", "scale"});
    return located(p, [&] {
      return Distribution::weibull(f.get("shape", ValueKind::kNumber), f.get("scale", vk));
    });
  }
  if (kind == "triangular") {
    const auto [low, mode, high] = three_points(v, p, "triangular", vk);
    return located(p, [&] { return Distribution::triangular(low, mode, high); });
  }
  if (kind == "pert") {
    const auto [low, mode, high] = three_points(v, p, "pert", vk);
    const double lambda = v.is_object() && v.contains("lambda")
                              ? parse_value(v["lambda"], child(p, "lambda"), ValueKind::kNumber)
                              : 4.0;
    return located(p, [&] { return Distribution::pert(low, mode, high, lambda); });
  }
  if (kind == "empirical") {
    if (!v.is_array() || v.empty()) {
      fail(p, fmt::format("empirical expects a non-empty array of observed values, got {}",
                          v.is_array() ? "an empty array" : json_type_name(v)));
    }
    std::vector<double> values;
    for (std::size_t i = 0; i < v.size(); ++i) values.push_back(parse_value(v[i], child(p, i), vk));
    return located(p, [&] { return Distribution::empirical(std::move(values)); });
  }
  // mixture
  if (!v.is_array() || v.empty()) {
    fail(p, "mixture expects a non-empty array of {\"weight\": w, <distribution>} objects");
  }
  std::vector<Distribution> components;
  std::vector<double> weights;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string item_pointer = child(p, i);
    const json& item = v[i];
    if (!item.is_object() || !item.contains("weight")) {
      fail(item_pointer, "a mixture component needs a `weight` and one distribution");
    }
    weights.push_back(
        parse_value(item["weight"], child(item_pointer, "weight"), ValueKind::kNumber));
    json rest = item;
    rest.erase("weight");
    components.push_back(parse_distribution(rest, item_pointer, vk));
  }
  return located(p,
                 [&] { return Distribution::mixture(std::move(components), std::move(weights)); });
}

}  // namespace

double parse_value(const json& value, const std::string& pointer, ValueKind kind) {
  if (kind == ValueKind::kNumber) {
    if (!value.is_number())
      fail(pointer, fmt::format("expected a number, got {}", json_type_name(value)));
    return value.get<double>();
  }
  if (value.is_number() && value.get<double>() == 0) return 0;
  if (!value.is_string()) {
    fail(pointer, fmt::format("expected a duration string, got {}", json_type_name(value)),
         value.is_number() ? fmt::format("write it with a unit, e.g. \"{}s\"", value.dump())
                           : "e.g. \"90s\", \"15m\", \"1h30m\"");
  }
  try {
    return static_cast<double>(sim::parse_duration(value.get<std::string>()));
  } catch (const InputError& e) {
    throw e.located(sim::Location{{}, 0, 0, pointer});
  }
}

Distribution parse_distribution(const json& value, const std::string& pointer, ValueKind kind) {
  if (value.is_string() || value.is_number()) {
    return located(pointer,
                   [&] { return Distribution::constant(parse_value(value, pointer, kind)); });
  }
  if (!value.is_object() || value.size() != 1) {
    fail(pointer,
         value.is_object()
             ? fmt::format("a distribution object has exactly one key (its kind), got {}",
                           value.size())
             : fmt::format("expected a distribution, got {}", json_type_name(value)),
         "e.g. \"15m\" or {\"lognormal\": {\"p50\": \"20m\", \"p95\": \"45m\"}}");
  }
  const std::string& kind_name = value.begin().key();
  if (std::find(kKinds.begin(), kKinds.end(), kind_name) == kKinds.end()) {
    fail(child(pointer, kind_name), fmt::format("unknown distribution `{}`", kind_name),
         sim::suggest(kind_name, kKinds));
  }
  return parse_kind(kind_name, value.begin().value(), child(pointer, kind_name), kind);
}

}  // namespace drsim::scenarios
