// The AWS CLI v2 as drsim speaks to it: the argv of a Request and the meaning of a failed
// call. Pure functions, shared by the dry-run plan and the live backend (live_backend.hpp),
// which runs them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "models/request.hpp"

namespace drsim::models {

/// Where live calls go.
struct LiveOptions {
  std::string aws = "/usr/bin/aws";  // the AWS CLI v2
  std::string profile;               // --profile, when given
  std::string endpoint_url;          // --endpoint-url (a sandbox that emulates AWS)
  std::chrono::milliseconds call_timeout{std::chrono::minutes(2)};
};

/// The CLI's argv for `request`: `aws SERVICE OPERATION --param value ... --region R
/// [--profile P] [--endpoint-url U] --output json --no-cli-pager`. Booleans are --flag /
/// --no-flag, arrays one word per element, objects (a change batch) their JSON text.
std::vector<std::string> cli_argv(const Request& request, const LiveOptions& options);

/// The error a failed CLI call stands for: AWS's code when the CLI names one (throttling
/// codes of every service map to Throttling; "...Fault"/"...Exception" spellings to the
/// mock's names), a connection failure, a usage or credentials error.
AwsError cli_error(int exit_code, std::string_view stderr_text);

/// The CLI's JSON output as a Value (timestamps stay ISO 8601 strings, as the CLI prints them).
Value value_from_json_text(std::string_view json);

}  // namespace drsim::models
