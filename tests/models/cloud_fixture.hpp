// A small two-region world for model tests: us-west-2 (primary) and us-east-1 (DR), with a
// clock the test moves by hand (the models keep state as timelines, so moving the clock is
// all a test needs to do).
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "models/mock_cloud.hpp"

namespace drsim::models::testing {

inline Request req(std::string service, std::string operation, std::string region,
                   std::initializer_list<Param> params = {}) {
  return Request{std::move(service), std::move(operation), std::move(region), params};
}

class CloudTest : public ::testing::Test {
 protected:
  CloudTest() : env_(0), cloud_(env_, calibration_, 7, 0) {
    cloud_.context().add_region("us-west-2");
    cloud_.context().add_region("us-east-1");
  }

  /// Moves the clock to `t` (virtual ms).
  void at(sim::Time t) { env_.run_until(t); }
  sim::Time now() const { return env_.now(); }
  Outcome call(const Request& r) { return cloud_.invoke(r); }
  Outcome ok(const Request& r) {
    Outcome o = cloud_.invoke(r);
    EXPECT_TRUE(o.ok()) << r.describe() << " -> " << (o.error ? o.error->describe() : "");
    return o;
  }
  static void expect_error(const Outcome& o, AwsErrorCode code) {
    ASSERT_FALSE(o.ok()) << "expected " << error_name(code)
                         << ", got success: " << o.result.to_json();
    EXPECT_EQ(o.error->code, code) << o.error->describe();
  }

  /// The primary database, encrypted with a key that exists only in us-west-2.
  void add_primary(double size_gb = 200, bool multi_az = false) {
    add_primary_to(cloud_, size_gb, multi_az);
  }
  static void add_primary_to(MockCloud& cloud, double size_gb = 200, bool multi_az = false) {
    cloud.kms().add_key("us-west-2", "key-west", "alias/prod-rds");
    DbInstanceConfig db;
    db.id = "prod-db";
    db.region = "us-west-2";
    db.size_gb = size_gb;
    db.multi_az = multi_az;
    db.kms_key = "alias/prod-rds";
    cloud.rds().add_instance(db, -30 * sim::kDay);
  }

  /// Adds an available snapshot "s" of the primary (call add_primary first) and, a minute
  /// later, restores it in us-west-2 as `restored_id`.
  void restore_from_a_snapshot(const std::string& restored_id) {
    cloud_.rds().add_snapshot({.id = "s",
                               .region = "us-west-2",
                               .instance_id = "prod-db",
                               .available_at = 0,
                               .kms_key = "alias/prod-rds",
                               .size_gb = 10});
    at(now() + sim::kMinute);
    ok(req("rds", "restore-db-instance-from-db-snapshot", "us-west-2",
           {{"db-instance-identifier", restored_id}, {"db-snapshot-identifier", "s"}}));
  }

  Calibration calibration_;
  sim::Environment env_;
  MockCloud cloud_;
};

}  // namespace drsim::models::testing
