// Paired comparisons with common random numbers: the bootstrap interval of a quantile's
// change and the exact paired interval of a share's.
#include "sim/paired.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/statistics.hpp"

namespace drsim::sim {
namespace {

/// The replicates of a paired bootstrap the direct way: draw the trials, select the
/// quantile of each run's resample with nth_element.
std::vector<std::pair<std::int64_t, std::int64_t>> direct_replicates(
    const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b, double p, int resamples,
    Stream& rng) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  std::vector<std::int64_t> ra(a.size()), rb(b.size());
  for (int r = 0; r < resamples; ++r) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto k = static_cast<std::size_t>(rng.below(a.size()));
      ra[i] = a[k];
      rb[i] = b[k];
    }
    out.emplace_back(quantile_in_place(ra, p), quantile_in_place(rb, p));
  }
  return out;
}

TEST(PairedStatistics, TheCountingBootstrapFindsTheSameQuantilesAsSelection) {
  // Ties, "never" and both tails: the interval must be what the direct replicates give.
  Stream draws(4, 0, 1);
  for (const std::size_t n : {1u, 2u, 7u, 100u, 2001u}) {
    std::vector<std::int64_t> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = draws.below(10) == 0 ? kInfinite : static_cast<std::int64_t>(draws.below(50));
      b[i] = draws.below(8) == 0 ? kInfinite : a[i] == kInfinite ? 7 : a[i] + 3;
    }
    for (const double p : {0.01, 0.2, 0.5, 0.9, 0.95, 0.99, 1.0}) {
      Stream r1(9, n, 1), r2(9, n, 1);
      const Change c = quantile_change(a, b, p, 0.95, 50, r1);
      // Replay the same draws directly: the replicates' extremes bound the interval exactly
      // as the counting version saw them.
      const auto reps = direct_replicates(a, b, p, 50, r2);
      std::vector<std::int64_t> sa = a, sb = b;
      const double estimate = [&] {
        const std::int64_t qa = quantile_in_place(sa, p), qb = quantile_in_place(sb, p);
        if (qa == kInfinite && qb == kInfinite) return 0.0;
        if (qb == kInfinite) return std::numeric_limits<double>::infinity();
        if (qa == kInfinite) return -std::numeric_limits<double>::infinity();
        return static_cast<double>(qb - qa);
      }();
      ASSERT_EQ(c.estimate, estimate) << n << " " << p;
      std::vector<double> finite;
      bool up = false, down = false;
      for (const auto& [qa, qb] : reps) {
        if (qa == kInfinite && qb == kInfinite) {
          finite.push_back(0);
        } else if (qb == kInfinite) {
          up = true;
        } else if (qa == kInfinite) {
          down = true;
        } else {
          finite.push_back(static_cast<double>(qb - qa));
        }
      }
      if (std::isinf(estimate)) continue;  // bounds are the extremes then; covered below
      double sd = 0;
      if (finite.size() > 1) {
        const double mean = std::accumulate(finite.begin(), finite.end(), 0.0) / finite.size();
        double squares = 0;
        for (double d : finite) squares += (d - mean) * (d - mean);
        sd = std::sqrt(squares / static_cast<double>(finite.size() - 1));
      }
      const double z = normal_quantile(0.975);
      EXPECT_EQ(c.low, down ? -std::numeric_limits<double>::infinity() : estimate - z * sd)
          << n << " " << p;
      EXPECT_EQ(c.high, up ? std::numeric_limits<double>::infinity() : estimate + z * sd)
          << n << " " << p;
    }
  }
}

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
