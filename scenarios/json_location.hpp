// Reading JSON text with errors people can act on: a syntax error names the file and the
// line:column where the parser stopped, rather than a byte offset.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sim/input_error.hpp"

namespace drsim::scenarios {

/// Parses `text` (read from `file`, for messages). Throws sim::InputError on a syntax error.
nlohmann::json parse_json(std::string_view text, const std::string& file);

/// Line and column (both 1-based) of byte `offset` in `text`.
sim::Location location_of_offset(std::string_view text, std::size_t offset,
                                 const std::string& file);

/// A human name for a JSON value's type: "a string", "an object", ...
std::string json_type_name(const nlohmann::json& value);

}  // namespace drsim::scenarios
