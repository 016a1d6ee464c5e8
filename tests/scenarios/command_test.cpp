#include "scenarios/command.hpp"

#include <gtest/gtest.h>

#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

using models::Value;
using Variables = std::map<std::string, Value, std::less<>>;

TEST(Command, ParsesASeedRunbooksRestoreWithVariablesAndFlags) {
  const CommandTemplate c = parse_command(
      "aws rds restore-db-instance-from-db-snapshot \\\n"
      "  --db-instance-identifier mangu-publishing-db-dr-production \\\n"
      "  --db-snapshot-identifier \"$LATEST_SNAPSHOT\" \\\n"
      "  --vpc-security-group-ids sg-DR_SECURITY_GROUP \\\n"
      "  --publicly-accessible false --multi-az --no-copy-tags-to-snapshot \\\n"
      "  --db-instance-class db.r6g.xlarge --region us-east-1");
  EXPECT_EQ(c.service, "rds");
  EXPECT_EQ(c.operation, "restore-db-instance-from-db-snapshot");
  EXPECT_TRUE(c.mutating());
  EXPECT_EQ(c.variables(), std::vector<std::string>{"LATEST_SNAPSHOT"});
  const models::Request r =
      c.resolve({{"LATEST_SNAPSHOT", Value("mangu-2026-01-05-03-00")}}, "us-west-2");
  EXPECT_EQ(r.region, "us-east-1");
  EXPECT_EQ(r.text("db-snapshot-identifier"), "mangu-2026-01-05-03-00");
  EXPECT_EQ(r.text("publicly-accessible"), "false");
  EXPECT_TRUE(r.flag("multi-az"));
  EXPECT_FALSE(r.flag("copy-tags-to-snapshot", true)) << "--no-x is x = false";
  EXPECT_EQ(r.text("db-instance-class"), "db.r6g.xlarge");
}

TEST(Command, KubectlAsWrittenAndTimestampsInsideText) {
  CommandTemplate c = parse_command("kubectl rollout undo deployment/$APP -n prod");
  EXPECT_EQ(c.service, "kubectl");
  EXPECT_EQ(c.operation, "rollout-undo");
  EXPECT_EQ(c.resolve({{"APP", Value("muejam-backend")}}, "us-east-1").text("deployment"),
            "muejam-backend");
  c = parse_command("kubectl apply -f k8s/deployments/ --context prod-eks");
  EXPECT_EQ(c.operation, "apply");
  const models::Request r = c.resolve({}, "us-east-1");
  EXPECT_EQ(r.text("filename"), "k8s/deployments/");
  EXPECT_EQ(r.text("context"), "prod-eks");
  EXPECT_EQ(r.text("deployment"), "");
  try {
    parse_command("kubectl rollout undo muejam-backend");
    FAIL() << "parsed";
  } catch (const sim::InputError& e) {
    EXPECT_NE(e.message().find("deployment/NAME"), std::string::npos) << e.what();
  }
  // A timestamp spliced into text reads as ISO 8601 from the scenario's epoch.
  const models::Request named =
      parse_command("rds create-db-snapshot --db-snapshot-identifier forensic-$AT")
          .resolve({{"AT", Value(models::Timestamp{sim::kHour})}}, "us-west-2", 1767571200000);
  EXPECT_EQ(named.text("db-snapshot-identifier"), "forensic-2026-01-05T01:00:00.000Z");
}

TEST(Command, ResolvingIntoAKeptRequestSetsEveryMemberAndReusesItsStorage) {
  const CommandTemplate restore = parse_command(
      "rds restore-db-instance-from-db-snapshot --db-instance-identifier "
      "$DB-dr-production --db-snapshot-identifier \"$SNAP\" --multi-az --region $DR_REGION");
  const CommandTemplate wait =
      parse_command("rds wait db-instance-available --db-instance-identifier $DB-dr-production");
  const Variables vars{{"SNAP", Value("rds:mangu-publishing-db-2026-01-05-03-00")},
                       {"DR_REGION", Value("us-east-1")},
                       {"DB", Value("mangu-publishing-db")}};
  models::Request kept;
  restore.resolve_into(kept, vars, "us-west-2");
  kept.fields = models::kReadsNothing;
  kept.call_key = 42;
  // Over a request of another command: the same as a fresh one, no member left behind.
  wait.resolve_into(kept, vars, "us-west-2");
  const models::Request fresh = wait.resolve(vars, "us-west-2");
  EXPECT_EQ(kept.service, fresh.service);
  EXPECT_EQ(kept.operation, "wait");
  EXPECT_EQ(kept.region, "us-west-2");
  EXPECT_TRUE(kept.fields.empty());
  EXPECT_EQ(kept.call_key, 0u);
  ASSERT_EQ(kept.params.size(), 1u);
  EXPECT_EQ(kept.params[0].name, "db-instance-identifier");
  EXPECT_EQ(kept.text("db-instance-identifier"), "mangu-publishing-db-dr-production");
  EXPECT_EQ(kept.describe(), fresh.describe());
  // Over the same command's last request, made with longer values: the shorter ones are
  // written into the longer ones' storage (a new string would have just what it needs).
  Variables longer = vars;
  longer["DB"] = Value(std::string(80, 'd'));
  longer["SNAP"] = Value(std::string(90, 's'));
  restore.resolve_into(kept, longer, "us-west-2");
  const std::size_t id = kept.params[0].value.as_string().capacity();  // spliced: $DB-dr-...
  const std::size_t snapshot = kept.find("db-snapshot-identifier")->as_string().capacity();
  restore.resolve_into(kept, vars, "us-west-2");
  EXPECT_EQ(kept.params[0].value.as_string().capacity(), id);
  EXPECT_EQ(kept.find("db-snapshot-identifier")->as_string().capacity(), snapshot);
  EXPECT_EQ(kept.describe(), restore.resolve(vars, "us-west-2").describe());
  EXPECT_EQ(kept.region, "us-east-1");
  EXPECT_TRUE(kept.flag("multi-az"));
}

TEST(Command, QueryOutputAndDefaultRegion) {
  const CommandTemplate c = parse_command(
      "rds describe-db-snapshots --query 'DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)] "
      "| [-1]' --output text");
  EXPECT_FALSE(c.mutating());
  EXPECT_EQ(c.query, "DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)] | [-1]");
  EXPECT_EQ(c.output, "text");
  EXPECT_EQ(c.resolve({}, "us-west-2").region, "us-west-2");
}

TEST(Command, GlobalOptionsMayComeBeforeTheService) {
  const CommandTemplate c =
      parse_command("aws --region $DR_REGION rds describe-db-clusters --db-cluster-identifier x");
  EXPECT_EQ(c.service, "rds");
  EXPECT_EQ(c.operation, "describe-db-clusters");
  EXPECT_EQ(c.resolve({{"DR_REGION", Value("us-east-1")}}, "eu-central-1").region, "us-east-1");
}

TEST(Command, WaitersAndPositionalS3Arguments) {
  const CommandTemplate w =
      parse_command("rds wait db-instance-available --db-instance-identifier x --region us-east-1");
  EXPECT_EQ(w.operation, "wait");
  EXPECT_EQ(w.waiter, "db-instance-available");
  const CommandTemplate s = parse_command("s3 sync s3://mangu-assets-dr s3://${BUCKET}/restored");
  const models::Request r = s.resolve({{"BUCKET", Value("mangu-assets")}}, "us-west-2");
  EXPECT_EQ(r.text("source"), "s3://mangu-assets-dr");
  EXPECT_EQ(r.text("destination"), "s3://mangu-assets/restored");
}

TEST(Command, ALoneVariableKeepsItsType) {
  const CommandTemplate c = parse_command(
      "rds restore-db-instance-to-point-in-time --source-db-instance-identifier a "
      "--target-db-instance-identifier b --restore-time $CLEAN_POINT");
  const models::Request r =
      c.resolve({{"CLEAN_POINT", Value(models::Timestamp{1234})}}, "us-east-1");
  ASSERT_NE(r.find("restore-time"), nullptr);
  EXPECT_EQ(r.find("restore-time")->type(), Value::Type::kTime);
  // A query that found nothing binds null, which reaches the next command as the CLI's "None".
  EXPECT_EQ(c.resolve({{"CLEAN_POINT", Value()}}, "us-east-1").text("restore-time"), "None");
  // Single quotes keep $ literal.
  const CommandTemplate q =
      parse_command("secretsmanager update-secret --secret-id s --secret-string 'pa$$word'");
  EXPECT_EQ(q.resolve({}, "r").text("secret-string"), "pa$$word");
}

std::string error_of(const char* text) {
  try {
    parse_command(text);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Command, MistakesAreExplainedWithSuggestions) {
  EXPECT_NE(error_of("rds restore-db-instance-from-db-snapshots --x y")
                .find("unknown operation `rds restore-db-instance-from-db-snapshots` (did you mean "
                      "`restore-db-instance-from-db-snapshot`?)"),
            std::string::npos)
      << error_of("rds restore-db-instance-from-db-snapshots --x y");
  EXPECT_NE(
      error_of("rsd describe-db-instances").find("unknown service `rsd` (did you mean `rds`?)"),
      std::string::npos);
  EXPECT_NE(
      error_of("rds wait db-instance-availabel").find("did you mean `db-instance-available`?"),
      std::string::npos);
  EXPECT_NE(error_of("rds describe-db-instances | jq .")
                .find("column 27: shell syntax `|` is not supported"),
            std::string::npos)
      << error_of("rds describe-db-instances | jq .");
  EXPECT_NE(error_of("rds describe-db-snapshots --db-snapshot-identifier $(date +%F)")
                .find("command substitution"),
            std::string::npos);
  EXPECT_NE(error_of("rds describe-db-instances --db-instance-identifier 'x")
                .find("unterminated ' quote"),
            std::string::npos);
  EXPECT_NE(error_of("rds describe-db-instances stray").find("unexpected argument `stray`"),
            std::string::npos);
  EXPECT_EQ(parse_command("ecs wait services-stable --cluster c --services a b --region r")
                .resolve({}, "x")
                .text("services"),
            "a b")
      << "a list parameter takes every word up to the next --name";
  EXPECT_NE(error_of("s3 sync s3://only-one").find("needs 2 arguments"), std::string::npos);
  EXPECT_NE(error_of("rds").find("expected `<service> <operation>"), std::string::npos);
  EXPECT_NE(error_of("rds describe-db-instances --region").find("--region needs a value"),
            std::string::npos);
}

}  // namespace
}  // namespace drsim::scenarios
