// The `--query` language of the AWS CLI: the JMESPath subset that runbooks use to bind a
// step's output to a variable, e.g.
//
//   DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)] | sort_by(@, &SnapshotCreateTime) |
//   [-1].DBSnapshotIdentifier DBInstances[0].Endpoint.Address
//   DBSnapshots[0].{Status:Status,Progress:PercentProgress,Time:SnapshotCreateTime}
//
// Supported: identifiers and "quoted" identifiers, sub-expressions (a.b), indexes ([0],
// [-1]), slices ([1:3], [::-1]), list projections ([] and [*]), object projections (*),
// flattening, filters ([?expr]) with == != < <= > >= && || ! and parentheses, pipes (|),
// multi-select lists and hashes, the current node (@), literals (`json`, 'raw string',
// numbers in backticks), and the functions length, starts_with, ends_with, contains,
// sort_by, max_by, min_by, sort, reverse, to_string, to_number, keys, values, max, min,
// join, type, not_null. Comparing a timestamp with an ISO 8601 string compares instants.
//
// Queries are compiled once (when a scenario is compiled) and evaluated per trial.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "models/value.hpp"

namespace drsim::scenarios {

/// `text` with each `${NAME}` replaced by `value(NAME)`. Stops at the first name `value`
/// does not know (nullopt), which it puts in `missing`.
std::string expand_variables(
    std::string_view text, const std::function<std::optional<std::string>(std::string_view)>& value,
    std::string& missing);

class Query {
 public:
  /// Compiles `text`; throws sim::InputError naming the column and what was expected.
  static Query compile(std::string_view text);

  /// Evaluates against `input`. Timestamps compare with ISO strings using `epoch_unix_ms`.
  models::Value evaluate(const models::Value& input, std::int64_t epoch_unix_ms = 0) const;

  const std::string& text() const { return text_; }

  /// The one member of a described resource this query reads, when it has the shape
  /// `List[i].Member...` (a field of the answer, one element of it, then fields and indexes):
  /// an answer whose resources hold only that member (Request::fields) gives the same result.
  /// Empty for any other shape.
  std::string_view resource_member() const;

  struct Node;  // the compiled expression tree (query.cpp)

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace drsim::scenarios
