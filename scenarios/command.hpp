// AWS CLI commands as runbook authors write them, parsed into request templates:
//
//   rds restore-db-instance-from-db-snapshot --db-instance-identifier mangu-db-dr
//       --db-snapshot-identifier "$LATEST_SNAPSHOT" --multi-az --region us-east-1
//   rds wait db-instance-available --db-instance-identifier mangu-db-dr --region us-east-1
//   s3 sync s3://assets-dr s3://assets
//   kubectl rollout undo deployment/web     (kubectl's own syntax: rollout-undo --deployment web)
//
// The leading "aws" is optional. Values may refer to variables bound by earlier steps
// ($NAME or ${NAME}); a value that is exactly one variable keeps the variable's type (a
// timestamp stays a timestamp). Boolean flags are --flag / --no-flag. --query and --output
// are kept apart. Shell constructs ($(...), pipes, redirections) are refused with a hint:
// bind the value with an earlier step's outputs instead.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/request.hpp"

namespace drsim::scenarios {

/// A parameter value: literal text with variable references, or a boolean flag.
struct ValueTemplate {
  struct Part {
    std::string text;  // literal text, or the variable's name when `variable`
    bool variable = false;
  };
  std::vector<Part> parts;
  bool is_flag = false;
  bool flag = false;

  /// The value with variables substituted; a lone variable keeps its own type (a timestamp
  /// inside text reads as ISO 8601 from `epoch_unix_ms`).
  models::Value resolve(const std::map<std::string, models::Value, std::less<>>& variables,
                        std::int64_t epoch_unix_ms = 0) const;
  /// The same, written over `out` (whose string keeps its storage: see Value::string_buffer).
  void resolve_into(models::Value& out,
                    const std::map<std::string, models::Value, std::less<>>& variables,
                    std::int64_t epoch_unix_ms = 0) const;
  /// Variables it reads.
  std::vector<std::string> variables() const;
};

struct CommandTemplate {
  std::string service;    // "rds"
  std::string operation;  // "restore-db-instance-from-db-snapshot"; "wait" for waiters
  std::string waiter;     // "db-instance-available" when operation == "wait"
  ValueTemplate region;   // --region (empty: the scenario's default region)
  std::vector<std::pair<std::string, ValueTemplate>> params;
  std::string query;                            // --query
  std::string output;                           // --output
  const models::OperationInfo* info = nullptr;  // the operation's entry (none for waiters)

  /// The request with variables substituted and `default_region` when no --region.
  models::Request resolve(const std::map<std::string, models::Value, std::less<>>& variables,
                          const std::string& default_region, std::int64_t epoch_unix_ms = 0) const;
  /// The same, written over `out`: a request kept from one call to the next reuses the
  /// storage of its strings and parameters (the engine keeps one per step). Every member of
  /// `out` is set (`fields` empty, no `call_key`).
  void resolve_into(models::Request& out,
                    const std::map<std::string, models::Value, std::less<>>& variables,
                    const std::string& default_region, std::int64_t epoch_unix_ms = 0) const;
  /// Every variable the command reads.
  std::vector<std::string> variables() const;
  /// The first variable it reads that `variables` does not bind, or none.
  std::optional<std::string_view> unbound(
      const std::map<std::string, models::Value, std::less<>>& variables) const;
  bool mutating() const;
};

/// Parses `text`; throws sim::InputError naming the column, what was expected, and the
/// closest known service, operation or waiter.
CommandTemplate parse_command(std::string_view text);

}  // namespace drsim::scenarios
