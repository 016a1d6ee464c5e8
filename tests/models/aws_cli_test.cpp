// The AWS CLI v2 as the live backend speaks to it: the argv of a request, and what a failed
// call's exit code and stderr mean (the texts are the CLI's own).
#include "models/aws_cli.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace drsim::models {
namespace {

TEST(AwsCli, ArgvHasFlagsListsJsonAndTheTargetOptions) {
  Request r{.service = "ecs", .operation = "wait-or-update", .region = "us-east-1"};
  r.params = {{"cluster", Value("c")},
              {"services", Value(Array{Value("a"), Value("b")})},
              {"multi-az", Value(true)},
              {"publicly-accessible", Value(false)},
              {"change-batch", Value::object({{"Comment", Value("x y")}})}};
  const LiveOptions o{"/usr/bin/aws", "staging", "http://127.0.0.1:5000"};
  const std::vector<std::string> expected = {"/usr/bin/aws",
                                             "ecs",
                                             "wait-or-update",
                                             "--cluster",
                                             "c",
                                             "--services",
                                             "a",
                                             "b",
                                             "--multi-az",
                                             "--no-publicly-accessible",
                                             "--change-batch",
                                             R"({"Comment":"x y"})",
                                             "--region",
                                             "us-east-1",
                                             "--profile",
                                             "staging",
                                             "--endpoint-url",
                                             "http://127.0.0.1:5000",
                                             "--output",
                                             "json",
                                             "--no-cli-pager"};
  EXPECT_EQ(cli_argv(r, o), expected);
  // No profile, no endpoint, no region: none of those options.
  const std::vector<std::string> bare = {"/usr/bin/aws", "sts",  "get-caller-identity",
                                         "--output",     "json", "--no-cli-pager"};
  EXPECT_EQ(cli_argv({.service = "sts", .operation = "get-caller-identity"}, LiveOptions{}), bare);
}

TEST(AwsCli, ServiceErrorsMapToTheMocksCodesWithTheirMessage) {
  const AwsError e = cli_error(
      254,
      "\nAn error occurred (DBSnapshotNotFound) when calling the RestoreDBInstanceFromDBSnapshot "
      "operation: DBSnapshot mangu-2026 not found.\n");
  EXPECT_EQ(e.code, AwsErrorCode::kDBSnapshotNotFound);
  EXPECT_EQ(e.message, "DBSnapshot mangu-2026 not found.");
  // RDS's "Fault" spelling, other services' "Exception" spelling.
  EXPECT_EQ(cli_error(254,
                      "An error occurred (DBInstanceNotFoundFault) when calling the X "
                      "operation: gone")
                .code,
            AwsErrorCode::kDBInstanceNotFound);
  EXPECT_EQ(cli_error(254,
                      "An error occurred (ResourceNotFoundException) when calling the "
                      "UpdateSecret operation: Secrets Manager can't find it.")
                .code,
            AwsErrorCode::kResourceNotFound);
  EXPECT_EQ(
      cli_error(254, "An error occurred (ClusterNotFound) when calling the X operation: c").code,
      AwsErrorCode::kClusterNotFound);
}

TEST(AwsCli, ThrottlingOfEveryServiceIsThrottlingAfterTheCliGaveUpRetrying) {
  for (const char* code : {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                           "TooManyRequestsException", "SlowDown", "PriorRequestNotComplete"}) {
    const AwsError e = cli_error(
        254, fmt::format("An error occurred ({}) when calling the DescribeDBInstances operation "
                         "(reached max retries: 4): Rate exceeded",
                         code));
    EXPECT_EQ(e.code, AwsErrorCode::kThrottling) << code;
    EXPECT_EQ(e.message, "Rate exceeded") << code;
    EXPECT_TRUE(is_retryable(e.code));
  }
  EXPECT_EQ(
      cli_error(254, "An error occurred (InternalFailure) when calling the X operation: x").code,
      AwsErrorCode::kServiceUnavailable);
}

TEST(AwsCli, UnknownCodesConnectionUsageAndCredentialErrorsAreNamed) {
  const AwsError unknown = cli_error(
      254,
      "An error occurred (DBSubnetGroupNotFoundFault) when calling the X operation: Subnet "
      "Group g not found.");
  EXPECT_EQ(unknown.code, AwsErrorCode::kCommandFailed);
  EXPECT_EQ(unknown.message, "DBSubnetGroupNotFoundFault: Subnet Group g not found.");
  EXPECT_EQ(cli_error(255,
                      "\nCould not connect to the endpoint URL: "
                      "\"https://rds.us-east-1.amazonaws.com/\"\n")
                .code,
            AwsErrorCode::kEndpointConnectionError);
  const AwsError usage =
      cli_error(252,
                "usage: aws [options] <command> <subcommand>\nTo see help text, you can "
                "run:\n\n  aws help\n\nUnknown options: true, false\n");
  EXPECT_EQ(usage.code, AwsErrorCode::kInvalidParameterValue);
  EXPECT_EQ(usage.message, "Unknown options: true, false");
  EXPECT_EQ(
      cli_error(252, "aws: error: argument operation: Invalid choice, valid choices are:").code,
      AwsErrorCode::kUnknownOperation);
  EXPECT_EQ(cli_error(253,
                      "Unable to locate credentials. You can configure credentials by "
                      "running \"aws configure\".")
                .code,
            AwsErrorCode::kAccessDenied);
  EXPECT_EQ(cli_error(1, "").message, "the AWS CLI exited with 1");
}

TEST(AwsCli, OutputJsonBecomesAValueAndNothingIsNull) {
  const Value v = value_from_json_text(
      R"({"DBInstances": [{"DBInstanceIdentifier": "db", "AllocatedStorage": 200, "MultiAZ": true}]})");
  EXPECT_EQ(v["DBInstances"].at(0)["DBInstanceIdentifier"].as_string(), "db");
  EXPECT_EQ(v["DBInstances"].at(0)["AllocatedStorage"].as_int(), 200);
  EXPECT_TRUE(v["DBInstances"].at(0)["MultiAZ"].as_bool());
  EXPECT_TRUE(value_from_json_text("\n").is_null());  // operations that answer nothing
}

}  // namespace
}  // namespace drsim::models
