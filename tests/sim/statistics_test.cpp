#include "sim/statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <limits>

#include "sim/distribution.hpp"

namespace drsim::sim {
namespace {

Sample of(std::initializer_list<std::int64_t> values) {
  Sample s;
  for (auto v : values) s.add(v);
  return s;
}

TEST(SortIntegers, OrdersAsStdSortDoesForEveryShapeOfColumn) {
  Stream rng(7, 0, stream_id("sort"));
  const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  // Sizes either side of the radix threshold; values spread over every digit, over a few
  // low digits only (durations), negative and extreme, heavily repeated, and constant.
  for (const std::size_t n : {0UL, 1UL, 4095UL, 4096UL, 50000UL}) {
    for (int shape = 0; shape < 5; ++shape) {
      std::vector<std::int64_t> v(n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto bits = static_cast<std::int64_t>(rng.next());
        switch (shape) {
          case 0:
            v[i] = bits;
            break;
          case 1:
            v[i] = static_cast<std::int64_t>(rng.below(7'200'000));
            break;
          case 2:
            v[i] = i % 3 == 0 ? lowest : i % 3 == 1 ? highest : bits % 1000;
            break;
          case 3:
            v[i] = static_cast<std::int64_t>(rng.below(5)) - 2;
            break;
          default:
            v[i] = -42;
            break;
        }
      }
      std::vector<std::int64_t> expected = v;
      std::sort(expected.begin(), expected.end());
      sort_integers(v);
      EXPECT_EQ(v, expected) << "n = " << n << ", shape " << shape;
    }
  }
}

TEST(Sample, NearestRankQuantiles) {
  const Sample s = of({50, 10, 40, 20, 30});
  EXPECT_EQ(s.quantile(0.2), 10);
  EXPECT_EQ(s.quantile(0.21), 20);
  EXPECT_EQ(s.quantile(0.5), 30);
  EXPECT_EQ(s.quantile(0.95), 50);
  EXPECT_EQ(s.quantile(1.0), 50);
  EXPECT_EQ(s.min(), 10);
  EXPECT_EQ(s.max(), 50);
  EXPECT_DOUBLE_EQ(s.mean(), 30);
  EXPECT_NEAR(s.stddev(), std::sqrt(250.0), 1e-12);
  EXPECT_EQ(s.count_at_most(30), 3u);
}

TEST(Sample, P95OfAHundredIsTheNinetyFifthValue) {
  Sample s;
  for (int i = 100; i >= 1; --i) s.add(i);
  EXPECT_EQ(s.quantile(0.95), 95);
  EXPECT_EQ(s.quantile(0.99), 99);
  EXPECT_EQ(s.quantile(0.5), 50);
}

TEST(Sample, InfiniteValuesRankAboveEverything) {
  Sample s = of({1, 2, 3});
  s.add_infinite();
  s.add(kInfinite);
  EXPECT_EQ(s.count(), 5u);
  EXPECT_EQ(s.finite_count(), 3u);
  EXPECT_EQ(s.quantile(0.6), 3);
  EXPECT_EQ(s.quantile(0.61), kInfinite);
  EXPECT_EQ(s.max(), kInfinite);
  EXPECT_DOUBLE_EQ(s.mean(), 2) << "the mean is over finite values";
  EXPECT_EQ(s.count_at_most(kInfinite - 1), 3u);
}

TEST(Sample, MergingShardsIsExact) {
  Stream rng(1, 2, 3);
  Sample whole, a, b, c;
  for (int i = 0; i < 30000; ++i) {
    const auto v = static_cast<std::int64_t>(rng.below(1'000'000'000));
    whole.add(v);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(v);
  }
  c.add_infinite();
  whole.add_infinite();
  Sample merged;
  merged.merge(c);
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged.runs(), whole.runs());
  EXPECT_EQ(merged.infinite_count(), 1u);
  EXPECT_EQ(merged.mean(), whole.mean());
  EXPECT_EQ(merged.stddev(), whole.stddev());
  for (double p : {0.5, 0.9, 0.95, 0.99}) EXPECT_EQ(merged.quantile(p), whole.quantile(p));
  const Sample rebuilt = Sample::from_runs(whole.runs(), whole.infinite_count());
  EXPECT_EQ(rebuilt.runs(), whole.runs());
  EXPECT_EQ(rebuilt.quantile(0.99), whole.quantile(0.99));
}

TEST(OrderStatisticRanks, HaveAtLeastNominalCoverageAndAreTight) {
  for (std::uint64_t n : {20u, 100u, 1000u, 100000u}) {
    for (double p : {0.5, 0.9, 0.95, 0.99}) {
      const auto [l, u] = order_statistic_ranks(n, p, 0.95);
      const boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
      auto cdf = [&](std::int64_t k) {
        return k < 0                               ? 0.0
               : k >= static_cast<std::int64_t>(n) ? 1.0
                                                   : boost::math::cdf(b, static_cast<double>(k));
      };
      const double coverage =
          cdf(static_cast<std::int64_t>(u) - 1) - cdf(static_cast<std::int64_t>(l) - 1);
      EXPECT_GE(coverage, 0.95 - 1e-12) << "n=" << n << " p=" << p;
      // Tight: shrinking either side by one rank would break the nominal level on that side.
      if (l >= 1) {
        EXPECT_GT(cdf(static_cast<std::int64_t>(l)), 0.025) << "n=" << n << " p=" << p;
      }
      if (u <= n) {
        EXPECT_LT(cdf(static_cast<std::int64_t>(u) - 2), 0.975) << "n=" << n << " p=" << p;
      }
    }
  }
  // Too few observations to bound a tail quantile from above: unbounded.
  EXPECT_EQ(order_statistic_ranks(20, 0.99, 0.95).second, 21u);
}

TEST(QuantileInterval, CoversTheTrueQuantileAtTheNominalRate) {
  // 4000 independent samples of 200 exponential values; the interval for the p90 must
  // contain the true p90 in about 95% of them (at least; discreteness makes it a bit more).
  const Distribution d = Distribution::exponential(1e6);
  const double truth = d.quantile(0.9);
  constexpr int kReplications = 4000;
  int covered = 0;
  for (int r = 0; r < kReplications; ++r) {
    Stream s(77, static_cast<std::uint64_t>(r), 0);
    Sample sample;
    for (int i = 0; i < 200; ++i) sample.add(static_cast<std::int64_t>(d.sample(s)));
    const Bounds b = sample.quantile_interval(0.9);
    ASSERT_TRUE(b.low && b.high);
    covered += (*b.low <= truth && truth <= *b.high) ? 1 : 0;
  }
  const double rate = static_cast<double>(covered) / kReplications;
  const auto [l, u] = order_statistic_ranks(200, 0.9, 0.95);
  const boost::math::binomial_distribution<double> b(200, 0.9);
  const double exact = boost::math::cdf(b, static_cast<double>(u - 1)) -
                       boost::math::cdf(b, static_cast<double>(l - 1));
  const double se = std::sqrt(exact * (1 - exact) / kReplications);
  EXPECT_NEAR(rate, exact, 4 * se);
  EXPECT_GE(rate, 0.95 - 4 * se);
}

TEST(Proportion, WilsonAndClopperPearsonMatchPublishedValues) {
  const Proportion none{0, 10};
  EXPECT_NEAR(none.clopper_pearson().high, 1 - std::pow(0.025, 0.1), 1e-9);
  EXPECT_EQ(none.clopper_pearson().low, 0);
  EXPECT_NEAR(none.wilson().high, 0.2775, 1e-4);
  const Proportion half{5, 10};
  EXPECT_NEAR(half.clopper_pearson().low, 0.1871, 1e-4);
  EXPECT_NEAR(half.clopper_pearson().high, 0.8129, 1e-4);
  EXPECT_NEAR(half.wilson().low, 0.2366, 1e-4);
  EXPECT_NEAR(half.wilson().high, 0.7634, 1e-4);
  const Proportion all{10, 10};
  EXPECT_EQ(all.clopper_pearson().high, 1);
  EXPECT_NEAR(all.clopper_pearson().low, std::pow(0.025, 0.1), 1e-9);
}

}  // namespace
}  // namespace drsim::sim
