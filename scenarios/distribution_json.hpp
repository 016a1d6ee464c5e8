// Distributions written in scenario files the way operators think about them:
//
//   "15m"                                          a constant
//   {"lognormal": {"p50": "20m", "p95": "45m"}}    median and 95th percentile
//   {"uniform": ["5m", "15m"]}                     low, high
//   {"normal": {"mean": "10m", "sd": "2m", "min": "0s"}}   optionally truncated
//   {"exponential": {"mean": "10m"}}               also {"exponential": "10m"}
//   {"weibull": {"shape": 1.5, "scale": "30m"}}
//   {"triangular": ["5m", "10m", "30m"]}           low, mode, high
//   {"pert": ["5m", "10m", "30m"]}                 low, mode, high (lambda 4)
//   {"empirical": ["12m", "14m", "31m"]}           observed values, resampled
//   {"mixture": [{"weight": 99, "lognormal": {...}}, {"weight": 1, "lognormal": {...}}]}
//
// For durations, values are strings like "90s" or "1h30m" and come back in milliseconds;
// for plain quantities (sizes, rates) they are numbers. Mistakes raise sim::InputError
// with the JSON pointer of the offending value and what was expected.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/distribution.hpp"

namespace drsim::scenarios {

enum class ValueKind { kDuration, kNumber };

/// Parses a distribution at JSON pointer `pointer` (used in error messages).
sim::Distribution parse_distribution(const nlohmann::json& value, const std::string& pointer,
                                     ValueKind kind = ValueKind::kDuration);

/// Parses one scalar: a duration string in milliseconds, or a number.
double parse_value(const nlohmann::json& value, const std::string& pointer, ValueKind kind);

}  // namespace drsim::scenarios
