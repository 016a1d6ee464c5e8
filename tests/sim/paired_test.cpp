// Paired comparisons with common random numbers: the bootstrap interval of a quantile's
// change and the exact paired interval of a share's.
#include "sim/paired.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "sim/statistics.hpp"

namespace drsim::sim {
namespace {

TEST(PairedStatistics, IdenticalRunsChangeByExactlyNothing) {
  std::vector<std::int64_t> v(500);
  Stream draws(1, 0, 1);
  for (auto& x : v) x = static_cast<std::int64_t>(draws.below(100000));
  Stream rng(1, 0, 2);
  const Change c = quantile_change(v, v, 0.95, 0.999, 200, rng);
  EXPECT_EQ(c.estimate, 0);
  EXPECT_EQ(c.low, 0);
  EXPECT_EQ(c.high, 0);
}

TEST(PairedStatistics, AConstantShiftIsMeasuredExactlyWhileUnpairedNoiseIsNot) {
  std::vector<std::int64_t> a(1000), b(1000), shuffled(1000);
  Stream draws(1, 0, 1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<std::int64_t>(draws.below(36'000'000));  // up to 10 hours
    b[i] = a[i] + 60'000;                                       // one minute later
  }
  Stream rng(1, 0, 2);
  const Change paired = quantile_change(a, b, 0.95, 0.999, 300, rng);
  EXPECT_EQ(paired.estimate, 60'000);
  EXPECT_EQ(paired.low, 60'000);
  EXPECT_EQ(paired.high, 60'000);
  // The same values with the pairing broken: the interval is far wider.
  std::iota(shuffled.begin(), shuffled.end(), 0);
  for (std::size_t i = 0; i < shuffled.size(); ++i) shuffled[i] = b[(i * 7919) % b.size()];
  const Change unpaired = quantile_change(a, shuffled, 0.95, 0.999, 300, rng);
  EXPECT_GT(unpaired.high - unpaired.low, 20 * 60'000.0);
}

TEST(PairedStatistics, NeverCountsAsInfinitelyWorse) {
  std::vector<std::int64_t> a(100, 1000), b(100, 1000);
  for (std::size_t i = 0; i < 10; ++i) b[i] = kInfinite;  // 10% never recover
  Stream rng(1, 0, 2);
  const Change c = quantile_change(a, b, 0.95, 0.95, 200, rng);
  EXPECT_TRUE(std::isinf(c.estimate) && c.estimate > 0);
  EXPECT_TRUE(std::isinf(c.high));
}

TEST(PairedStatistics, TheSharePairedTestIsExactOnDiscordantTrials) {
  // 1000 trials: 20 met the target before and not after; none the other way.
  std::vector<std::int64_t> before(1000, 10), after(1000, 10);
  for (std::size_t i = 0; i < 20; ++i) after[i] = 100;
  const ShareChange s = share_change(before, after, 50, 0.95);
  EXPECT_EQ(s.lost, 20u);
  EXPECT_EQ(s.gained, 0u);
  EXPECT_DOUBLE_EQ(s.change.estimate, -0.02);
  EXPECT_NEAR(s.p_value, std::pow(0.5, 20), 1e-12);  // McNemar's exact p: all 20 one way
  EXPECT_DOUBLE_EQ(s.change.low, -0.02);
  EXPECT_LT(s.change.high, 0);  // a fall, for sure
  // Ten each way: no evidence of a change either way.
  for (std::size_t i = 20; i < 30; ++i) before[i] = 100;
  const ShareChange even = share_change(before, after, 50, 0.95);
  EXPECT_LT(even.change.low, 0);
  EXPECT_GT(even.change.high, 0);
}

}  // namespace
}  // namespace drsim::sim
