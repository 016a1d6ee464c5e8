// JSON as an AWS-shaped Value: scenario literals and files, and the live CLI's output.
#pragma once

#include <nlohmann/json.hpp>

#include "models/value.hpp"

namespace drsim::models {

/// Strings stay strings (the CLI prints timestamps as ISO 8601 text, which queries compare
/// as instants); objects keep nlohmann's member order.
Value value_from_json(const nlohmann::json& j);

}  // namespace drsim::models
