#include "models/aws_cli.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <optional>

#include "models/value_json.hpp"

namespace drsim::models {
namespace {

/// Every service's way of saying "slow down".
constexpr std::array<std::string_view, 12> kThrottlingCodes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottled",
    "RequestThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 5> kUnavailableCodes = {
    "ServiceUnavailable", "ServiceUnavailableException", "InternalError", "InternalFailure",
    "InternalServerError"};

std::optional<AwsErrorCode> code_of(std::string_view name) {
  for (std::string_view t : kThrottlingCodes) {
    if (name == t) return AwsErrorCode::kThrottling;
  }
  for (std::string_view u : kUnavailableCodes) {
    if (name == u) return AwsErrorCode::kServiceUnavailable;
  }
  if (auto c = error_from_name(name)) return c;
  // RDS spells most codes with "Fault" (DBSubnetGroupNotFoundFault), other services with
  // "Exception"; the mock's names are AWS's documented ones, with or without.
  for (std::string_view suffix : {std::string_view("Fault"), std::string_view("Exception")}) {
    if (name.ends_with(suffix)) {
      if (auto c = error_from_name(name.substr(0, name.size() - suffix.size()))) return c;
    } else if (auto c = error_from_name(std::string(name) + std::string(suffix))) {
      return c;
    }
  }
  return std::nullopt;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::vector<std::string> cli_argv(const Request& request, const LiveOptions& options) {
  std::vector<std::string> argv = {options.aws, request.service, request.operation};
  for (const Param& p : request.params) {
    if (p.value.type() == Value::Type::kBool) {
      argv.push_back((p.value.as_bool() ? "--" : "--no-") + p.name);
      continue;
    }
    argv.push_back("--" + p.name);
    if (p.value.is_array()) {
      for (const Value& e : p.value.as_array()) argv.push_back(e.to_text());
    } else if (p.value.is_object()) {
      argv.push_back(p.value.to_json());
    } else {
      argv.push_back(p.value.to_text());
    }
  }
  if (!request.region.empty()) argv.insert(argv.end(), {"--region", request.region});
  if (!options.profile.empty()) argv.insert(argv.end(), {"--profile", options.profile});
  if (!options.endpoint_url.empty())
    argv.insert(argv.end(), {"--endpoint-url", options.endpoint_url});
  argv.insert(argv.end(), {"--output", "json", "--no-cli-pager"});
  return argv;
}

AwsError cli_error(int exit_code, std::string_view err) {
  // "An error occurred (DBSnapshotNotFound) when calling the RestoreDBInstanceFromDBSnapshot
  // operation (reached max retries: 4): DBSnapshot x not found."
  constexpr std::string_view kOccurred = "An error occurred (";
  if (const auto at = err.find(kOccurred); at != std::string_view::npos) {
    const auto open = at + kOccurred.size();
    const auto close = err.find(')', open);
    const std::string name(err.substr(open, close - open));
    std::string message;
    if (auto op = err.find(" operation", close); op != std::string_view::npos) {
      std::string_view rest = err.substr(op + 10);
      if (rest.starts_with(" (")) rest.remove_prefix(std::min(rest.size(), rest.find(')') + 1));
      if (rest.starts_with(": ")) message = trim(rest.substr(2));
      message = message.substr(0, message.find('\n'));  // an HTML error page says no more
    }
    if (const auto code = code_of(name)) return {*code, message};
    return {AwsErrorCode::kCommandFailed, fmt::format("{}: {}", name, message)};
  }
  const std::string text = trim(err);
  if (text.find("Could not connect to the endpoint URL") != std::string::npos ||
      text.find("timeout on endpoint URL") != std::string::npos) {
    return {AwsErrorCode::kEndpointConnectionError, text};
  }
  switch (exit_code) {
    case 252: {  // the command line did not parse: the last line says why, after the usage
      const std::string last =
          trim(text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n')));
      return {text.find("Invalid choice") != std::string::npos
                  ? AwsErrorCode::kUnknownOperation
                  : AwsErrorCode::kInvalidParameterValue,
              last};
    }
    case 253:  // no credentials, or a profile that does not exist
      return {AwsErrorCode::kAccessDenied, text};
    default:
      return {AwsErrorCode::kCommandFailed,
              text.empty() ? fmt::format("the AWS CLI exited with {}", exit_code) : text};
  }
}

Value value_from_json_text(std::string_view text) {
  if (trim(text).empty()) return Value();  // operations that answer nothing print nothing
  return value_from_json(nlohmann::json::parse(text));
}

}  // namespace drsim::models
