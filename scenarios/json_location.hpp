// Reading JSON text with errors people can act on: a syntax error names the file and the
// line:column where the parser stopped, rather than a byte offset.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/input_error.hpp"

namespace drsim::scenarios {

/// The whole of the file at `path`; when it cannot be read, sim::InputError at `from`.
std::string read_input_file(const std::string& path, const sim::Location& from);

/// Parses `text` (read from `file`, for messages). Throws sim::InputError on a syntax error.
nlohmann::json parse_json(std::string_view text, const std::string& file);

/// Line and column (both 1-based) of byte `offset` in `text`.
sim::Location location_of_offset(std::string_view text, std::size_t offset,
                                 const std::string& file);

/// A human name for a JSON value's type: "a string", "an object", ...
std::string json_type_name(const nlohmann::json& value);

/// Where each value of a JSON text starts, by JSON pointer, so that an error found while
/// interpreting the parsed document ("/runbook/3/after/0") can name its line and column.
/// Built by one scan of text that already parsed; object keys map to their value's start.
class JsonLocations {
 public:
  JsonLocations(std::string_view text, std::string file);
  /// The file, line and column of the value at `pointer` (or of its nearest existing
  /// ancestor), with the pointer itself filled in.
  sim::Location locate(const std::string& pointer) const;
  /// `error` with its file, line and column filled from its JSON pointer.
  sim::InputError locate(const sim::InputError& error) const;

 private:
  std::string file_;
  std::string_view text_;
  std::vector<std::pair<std::string, std::size_t>> offsets_;  // pointer -> byte offset
};

}  // namespace drsim::scenarios
