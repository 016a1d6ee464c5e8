// Shards: which trials a shard runs, where its index comes from, and merges that refuse a
// missing or doubled slice.
#include "scenarios/shard.hpp"

#include <gtest/gtest.h>

#include <map>

#include "sim/input_error.hpp"

namespace drsim::scenarios {
namespace {

TEST(Shard, IndexAndCountComeFromTheFlagOrTheJobArraysEnvironment) {
  const Shard explicit_one = parse_shard("2/8");
  EXPECT_EQ(explicit_one.index, 2u);
  EXPECT_EQ(explicit_one.count, 8u);
  std::map<std::string, std::string> env;
  auto getenv = [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  EXPECT_THROW(parse_shard("8", getenv), sim::InputError);  // no index anywhere
  env["AWS_BATCH_JOB_ARRAY_INDEX"] = "5";
  EXPECT_EQ(parse_shard("8", getenv).index, 5u);
  env["JOB_COMPLETION_INDEX"] = "3";  // Kubernetes Indexed Job: before AWS Batch
  EXPECT_EQ(parse_shard("8", getenv).index, 3u);
  env["SLURM_ARRAY_TASK_ID"] = "1";  // Slurm first
  EXPECT_EQ(parse_shard("8", getenv).index, 1u);
  env["SLURM_ARRAY_TASK_ID"] = "8";
  EXPECT_THROW(parse_shard("8", getenv), sim::InputError);  // shards count from 0
  EXPECT_THROW(parse_shard("3/3"), sim::InputError);
  EXPECT_THROW(parse_shard("a/3"), sim::InputError);
  EXPECT_THROW(parse_shard("0/0"), sim::InputError);
}

TEST(Shard, ShardsCoverEveryTrialOnceAndBalanced) {
  for (const std::uint64_t trials : {1ULL, 7ULL, 1000ULL, 1000003ULL}) {
    for (const std::uint64_t count : {1ULL, 3ULL, 8ULL}) {
      std::uint64_t next = 0, smallest = trials, largest = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const auto [first, n] = shard_trials({i, count}, trials);
        EXPECT_EQ(first, next);
        next = first + n;
        smallest = std::min(smallest, n);
        largest = std::max(largest, n);
      }
      EXPECT_EQ(next, trials);
      EXPECT_LE(largest - smallest, 1u);
    }
  }
}

TEST(Shard, AMergeRefusesAMissingOrDoubledSlice) {
  ScenarioResults slice;
  slice.run.requested = 10;
  slice.trial_rto_ms.assign(10, 1000);
  const nlohmann::json a = results_part(slice, 0), b = results_part(slice, 10),
                       c = results_part(slice, 20);
  EXPECT_EQ(merge_results({&a, &b, &c}, 30, "x").rto_ms.count(), 30u);
  EXPECT_EQ(merge_results({&c, &a, &b}, 30, "x").rto_ms.count(), 30u);  // in any order
  EXPECT_THROW(merge_results({&a, &c}, 30, "x"), sim::InputError);
  EXPECT_THROW(merge_results({&a, &b, &b, &c}, 30, "x"), sim::InputError);
  EXPECT_THROW(merge_results({&a, &b}, 30, "x"), sim::InputError);
}

}  // namespace
}  // namespace drsim::scenarios
