#include "sim/distribution.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <span>
#include <stdexcept>
#include <vector>

#include "sim/input_error.hpp"
#include "sim/statistics.hpp"

namespace drsim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> sorted_draws(const Distribution& d, int n, std::uint64_t stream = 1) {
  Stream s(2024, 0, stream);
  std::vector<double> v(n);
  for (double& x : v) x = d.sample(s);
  std::sort(v.begin(), v.end());
  return v;
}

/// Every checked quantile of the analytic distribution lies inside the distribution-free
/// 99.9% confidence interval built from the sample's order statistics: agreement within
/// sampling error, with no tolerance picked by hand.
void expect_quantiles_match(const Distribution& d, int n, const char* label) {
  const std::vector<double> v = sorted_draws(d, n);
  for (double p : {0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99}) {
    const auto [lo, hi] = order_statistic_ranks(v.size(), p, 0.999);
    ASSERT_GE(lo, 1u);
    ASSERT_LE(hi, v.size());
    const double truth = d.quantile(p);
    EXPECT_LE(v[lo - 1], truth) << label << " p=" << p;
    EXPECT_GE(v[hi - 1], truth) << label << " p=" << p;
  }
  double sum = 0;
  for (double x : v) sum += x;
  double var = 0;
  const double m = sum / n;
  for (double x : v) var += (x - m) * (x - m);
  const double se = std::sqrt(var / (n - 1) / n);
  EXPECT_NEAR(m, d.mean(), 6 * se + 1e-9 * std::fabs(d.mean())) << label << " mean";
}

TEST(NormalQuantile, AgreesWithBoostToAFewUlpsFromTheFarTailsToTheCentre) {
  // Boost's erfc_inv in long double is the reference: the three regions of the rational
  // approximations, their seams (|u - 0.5| = 0.425, sqrt(-log u) = 5) and the far tails.
  std::vector<double> us = {1e-300,   1e-100, 1e-20, 1.3887943864964e-11,
                            1.4e-11,  1e-9,   1e-5,  0.001,
                            0.01,     0.0249, 0.075, 0.0751,
                            0.2,      0.4999, 0.5,   0.6,
                            0.925,    0.97,   0.999, 1 - 1e-9,
                            1 - 1e-15};
  Stream s(7, 0, 1);
  for (int i = 0; i < 100000; ++i) us.push_back(s.uniform01());
  for (double u : us) {
    const long double reference =
        -std::sqrt(2.0L) * boost::math::erfc_inv(2.0L * static_cast<long double>(u));
    const double z = normal_quantile(u);
    EXPECT_NEAR(z, static_cast<double>(reference),
                2e-15 * std::max(1.0, std::fabs(static_cast<double>(reference))))
        << "u=" << u;
    if (u > 1e-300 && u < 1 - 1e-12) {
      EXPECT_NEAR(normal_cdf(z), u, 1e-14 * std::max(u, 1e-3)) << "u=" << u;
    }
  }
  EXPECT_EQ(normal_quantile(0.5), 0.0);
  EXPECT_EQ(normal_quantile(0.0), -kInf);
  EXPECT_EQ(normal_quantile(1.0), kInf);
  EXPECT_TRUE(std::isnan(normal_quantile(1.5)));
  EXPECT_DOUBLE_EQ(normal_quantile(0.975), -normal_quantile(0.025));
}

TEST(Distribution, LognormalFromP50P95ReproducesThemOverAMillionDraws) {
  const Distribution d = Distribution::lognormal_p50_p95(20 * kMinute, 45 * kMinute);
  EXPECT_NEAR(d.quantile(0.5), 20.0 * kMinute, 1e-6);
  EXPECT_NEAR(d.quantile(0.95), 45.0 * kMinute, 1e-6);
  const std::vector<double> v = sorted_draws(d, 1'000'000);
  for (auto [p, truth] : {std::pair{0.5, 20.0 * kMinute}, std::pair{0.95, 45.0 * kMinute}}) {
    const auto [lo, hi] = order_statistic_ranks(v.size(), p, 0.999);
    EXPECT_LE(v[lo - 1], truth);
    EXPECT_GE(v[hi - 1], truth);
    const double empirical = v[static_cast<std::size_t>(p * v.size())];
    EXPECT_NEAR(empirical / truth, 1.0, 0.005) << "p" << p * 100;
  }
}

TEST(Distribution, EveryKindMatchesItsAnalyticQuantilesAndMean) {
  expect_quantiles_match(Distribution::uniform(5 * kMinute, 15 * kMinute), 200000, "uniform");
  expect_quantiles_match(Distribution::normal(600, 120, -kInf, kInf), 200000, "normal");
  expect_quantiles_match(Distribution::normal(600, 400, 0, kInf), 200000, "truncated normal");
  expect_quantiles_match(Distribution::normal(600, 400, 300, 900), 200000, "doubly truncated");
  expect_quantiles_match(Distribution::lognormal_p50_p95(75e3, 150e3), 200000, "lognormal");
  expect_quantiles_match(Distribution::exponential(10 * kMinute), 200000, "exponential");
  expect_quantiles_match(Distribution::weibull(1.5, 30 * kMinute), 200000, "weibull");
  expect_quantiles_match(Distribution::triangular(5, 10, 30), 200000, "triangular");
  expect_quantiles_match(Distribution::pert(5, 10, 30), 100000, "pert");
  // S3 cross-region replication lag without RTC (calibration.md): 99% LN(15s, 5m) + 1% LN(1h, 12h).
  expect_quantiles_match(Distribution::mixture({Distribution::lognormal_p50_p95(15e3, 300e3),
                                                Distribution::lognormal_p50_p95(3600e3, 43200e3)},
                                               {99, 1}),
                         200000, "mixture");
}

TEST(Distribution, AnalyticFormulasHold) {
  EXPECT_DOUBLE_EQ(Distribution::pert(5, 10, 30).mean(), (5 + 4 * 10 + 30) / 6.0);
  EXPECT_DOUBLE_EQ(Distribution::triangular(0, 0, 3).quantile(0.75), 1.5);
  EXPECT_NEAR(Distribution::exponential(10).quantile(0.5), 10 * std::log(2.0), 1e-12);
  const Distribution w = Distribution::weibull(2, 100);
  EXPECT_NEAR(w.cdf(w.quantile(0.3)), 0.3, 1e-12);
  const Distribution n = Distribution::normal(0, 1, -1, 2);
  EXPECT_NEAR(n.cdf(n.quantile(0.42)), 0.42, 1e-9);
  EXPECT_GE(n.quantile(1e-9), -1.0);
  EXPECT_LE(n.quantile(1 - 1e-9), 2.0);
}

TEST(Distribution, EmpiricalResamplesTheObservations) {
  const Distribution d = Distribution::empirical({31, 12, 14});
  Stream s(1, 1, 1);
  int counts[3] = {};
  for (int i = 0; i < 30000; ++i) {
    const double x = d.sample(s);
    ASSERT_TRUE(x == 12 || x == 14 || x == 31) << x;
    ++counts[x == 12 ? 0 : x == 14 ? 1 : 2];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 450);
  EXPECT_EQ(d.quantile(0.5), 14);
  EXPECT_DOUBLE_EQ(d.mean(), 19);
}

TEST(Distribution, ConstantsDrawNothing) {
  Stream a(1, 1, 1), b(1, 1, 1);
  EXPECT_EQ(Distribution::constant(900).sample(a), 900);
  EXPECT_EQ(a.next(), b.next()) << "a constant must not consume randomness";
}

TEST(Distribution, SameUniformGivesTheSameQuantileOfAScaledDistribution) {
  // Common random numbers: a 2x slower restore is exactly 2x slower in every trial.
  const Distribution base = Distribution::lognormal_p50_p95(15 * kMinute, 45 * kMinute);
  const Distribution slow = base.scaled(2);
  for (std::uint64_t trial = 0; trial < 100; ++trial) {
    Stream s1(7, trial, 3), s2(7, trial, 3);
    EXPECT_NEAR(slow.sample(s2), 2 * base.sample(s1), 1e-6);
  }
}

TEST(Distribution, SampleDurationIsWholeNonNegativeMilliseconds) {
  const Distribution d = Distribution::normal(10, 100, -kInf, kInf);
  Stream s(3, 3, 3);
  for (int i = 0; i < 1000; ++i) EXPECT_GE(d.sample_duration(s), 0);
  // Rounded as std::llround rounds (half away from zero), at the halves and near 2^52.
  for (double v : {0.5, 1.5, 2.5, 0.49999999999999994, 2.4999999999999996, 1e6 + 0.5,
                   4503599627370495.5, 4503599627370497.0, 9.1e18}) {
    Stream t(1, 1, 1);
    EXPECT_EQ(Distribution::constant(v).sample_duration(t), std::llround(v)) << v;
  }
  const Distribution lognormal = Distribution::lognormal_p50_p95(1000, 90000);
  Stream a(5, 5, 5), b(5, 5, 5);
  for (int i = 0; i < 10000; ++i)
    ASSERT_EQ(lognormal.sample_duration(a), std::llround(lognormal.sample(b)));
}

TEST(Distribution, DrawingOnceFromTheFirstUniformIsTheSameDraw) {
  const std::vector<Distribution> kinds = {
      Distribution::constant(1234.5),           Distribution::uniform(10, 20),
      Distribution::normal(1000, 300, 0, kInf), Distribution::lognormal_p50_p95(60000, 600000),
      Distribution::exponential(5000),          Distribution::weibull(1.5, 7000),
      Distribution::triangular(100, 400, 900),  Distribution::pert(100, 400, 900),
      Distribution::empirical({5, 50, 500})};
  for (const Distribution& d : kinds) {
    ASSERT_TRUE(d.draws_once()) << d.describe();
    for (std::uint64_t k = 0; k < 2000; ++k) {
      Stream a(9, k, 77), b(9, k, 77);
      ASSERT_EQ(d.duration_at(a.uniform01()), d.sample_duration(b)) << d.describe();
    }
  }
  EXPECT_FALSE(
      Distribution::mixture({Distribution::constant(1), Distribution::constant(2)}, {0.5, 0.5})
          .draws_once());
}

TEST(DurationTable, GivesTheDistributionsOwnDurationsAtEveryEdgeAndInBetween) {
  const std::vector<Distribution> kinds = {
      Distribution::lognormal_p50_p95(150, 800),  // the API latency's shape
      Distribution::constant(1234.5),
      Distribution::uniform(10, 20),
      Distribution::uniform(5000, 9000),  // starts above the cap: all by fallback
      Distribution::normal(1000, 300, 0, kInf),
      Distribution::exponential(50),
      Distribution::weibull(1.5, 700),
      Distribution::triangular(100, 400, 900),
      Distribution::pert(100, 400, 900),
      Distribution::empirical({5, 50, 500})};
  for (const Distribution& d : kinds) {
    const DurationTable table(d, 2048);
    const std::span<const double> edges = table.edges();
    for (const double e : edges) {
      const double before = std::nextafter(e, 0.0);
      ASSERT_LT(d.duration_at(before), d.duration_at(e)) << d.describe() << " u=" << e;
      ASSERT_EQ(table.at(e), d.duration_at(e)) << d.describe() << " u=" << e;
      ASSERT_EQ(table.at(before), d.duration_at(before)) << d.describe() << " u=" << before;
    }
    Stream s(4, 0, 4);
    for (int i = 0; i < 50000; ++i) {
      const double u = s.uniform01();
      ASSERT_EQ(table.at(u), d.duration_at(u)) << d.describe() << " u=" << u;
    }
    for (const double u : {0x1.0p-54, 0.5, 0.999, 1 - 0x1.0p-53}) {
      EXPECT_EQ(table.at(u), d.duration_at(u)) << d.describe() << " u=" << u;
    }
    // At each boundary of the table's 4,096 buckets and just below it.
    for (int b = 1; b < 4096; ++b) {
      const double u = b / 4096.0, below = std::nextafter(u, 0.0);
      ASSERT_EQ(table.at(u), d.duration_at(u)) << d.describe() << " u=" << u;
      ASSERT_EQ(table.at(below), d.duration_at(below)) << d.describe() << " u=" << below;
    }
  }
  // The API latency's table holds every millisecond up to the cap, one edge each.
  const Distribution latency = Distribution::lognormal_p50_p95(150, 800);
  EXPECT_EQ(DurationTable(latency, 2048).edges().size(), 2048u);
  EXPECT_THROW(DurationTable(Distribution::mixture(
                   {Distribution::constant(1), Distribution::constant(2)}, {0.5, 0.5})),
               std::invalid_argument);
}

TEST(Distribution, ImpossibleParametersAreRejected) {
  EXPECT_THROW(Distribution::lognormal_p50_p95(45, 20), InputError);  // p95 < p50
  EXPECT_THROW(Distribution::lognormal_p50_p95(0, 20), InputError);
  EXPECT_THROW(Distribution::uniform(10, 5), InputError);
  EXPECT_THROW(Distribution::normal(0, -1, -kInf, kInf), InputError);
  EXPECT_THROW(Distribution::normal(0, 1, 50, 60), InputError);  // no probability inside
  EXPECT_THROW(Distribution::exponential(0), InputError);
  EXPECT_THROW(Distribution::weibull(0, 1), InputError);
  EXPECT_THROW(Distribution::triangular(1, 5, 3), InputError);
  EXPECT_THROW(Distribution::pert(3, 3, 3), InputError);
  EXPECT_THROW(Distribution::empirical({}), InputError);
  EXPECT_THROW(Distribution::mixture({Distribution::constant(1)}, {0}), InputError);
  EXPECT_THROW(Distribution::mixture({Distribution::constant(1)}, {-1}), InputError);
  EXPECT_THROW(Distribution::mixture({Distribution::constant(1)}, {1, 2}), InputError);
  EXPECT_THROW(Distribution::constant(std::nan("")), InputError);
  try {
    Distribution::lognormal_p50_p95(45, 20);
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("p95 >= p50"), std::string::npos) << e.what();
  }
}

TEST(Distribution, DescribeReadsLikeTheInput) {
  EXPECT_EQ(Distribution::lognormal_p50_p95(20 * kMinute, 45 * kMinute).describe(true),
            "lognormal(p50=20m, p95=45m)");
  EXPECT_EQ(Distribution::uniform(5 * kMinute, 15 * kMinute).describe(true), "uniform(5m, 15m)");
  EXPECT_EQ(Distribution::pert(5, 10, 30).describe(), "pert(5, 10, 30)");
}

}  // namespace
}  // namespace drsim::sim
