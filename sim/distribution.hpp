// Probability distributions for durations, sizes, rates and lags.
//
// Every variate is drawn by inverse transform from exactly one uniform of a named Stream
// (a mixture takes one more to pick its component), using transforms written here rather
// than std:: distributions, whose algorithms differ between standard libraries. So a draw
// is reproducible everywhere, and the same uniform gives the same quantile of a changed
// distribution: what-if variants stay paired under common random numbers.
//
// Distributions are built once when a scenario compiles (constructors validate and throw
// InputError for impossible parameters) and then only sampled in the inner loop.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace drsim::sim {

class Distribution {
 public:
  enum class Kind {
    kConstant,
    kUniform,
    kNormal,  // optionally truncated to [lo, hi]
    kLognormal,
    kExponential,
    kWeibull,
    kTriangular,
    kPert,
    kEmpirical,
    kMixture,
  };

  /// A constant, so that "15m" and {"lognormal": ...} can be used interchangeably.
  Distribution() : Distribution(Kind::kConstant) {}
  static Distribution constant(double value);
  static Distribution uniform(double low, double high);
  /// Normal with the given mean and standard deviation, truncated to [low, high] (pass
  /// -inf/+inf for no truncation; the interval must hold some probability).
  static Distribution normal(double mean, double sd, double low, double high);
  /// Lognormal given by its median and 95th percentile, the way operators think about
  /// durations: mu = ln(p50), sigma = ln(p95 / p50) / z(0.95). Requires 0 < p50 <= p95.
  static Distribution lognormal_p50_p95(double p50, double p95);
  /// Lognormal given by the mean and standard deviation of the underlying normal.
  static Distribution lognormal_mu_sigma(double mu, double sigma);
  static Distribution exponential(double mean);
  static Distribution weibull(double shape, double scale);
  static Distribution triangular(double low, double mode, double high);
  /// Beta-PERT on [low, high] with the given mode; lambda = 4 is the classic weighting.
  static Distribution pert(double low, double mode, double high, double lambda = 4.0);
  /// Resamples observed values: each is drawn with equal probability.
  static Distribution empirical(std::vector<double> observations);
  /// Draws from components[i] with probability weights[i] / sum(weights).
  static Distribution mixture(std::vector<Distribution> components, std::vector<double> weights);

  Kind kind() const { return kind_; }

  /// One variate, consuming one uniform from `stream` (two for a mixture).
  double sample(Stream& stream) const;
  /// A duration variate in whole milliseconds, never negative.
  Duration sample_duration(Stream& stream) const;
  /// Every kind but a mixture draws one uniform (or none): such a draw is duration_at(u)
  /// of the stream's first uniform.
  bool draws_once() const { return kind_ != Kind::kMixture; }
  Duration duration_at(double u) const;
  /// The value at cumulative probability u in (0, 1) — what sample() returns for that u.
  double quantile(double u) const;
  /// P(X <= x).
  double cdf(double x) const;
  /// The expected value (for an unbounded mixture component, its analytic mean).
  double mean() const;
  /// The smallest and largest values with positive density (may be +/-inf).
  double support_min() const;
  double support_max() const;

  /// "lognormal(p50=1200000, p95=2700000)"; with `as_duration`, values print as "20m".
  std::string describe(bool as_duration = false) const;

  /// A copy whose every value is multiplied by `factor` > 0 (what-if "restore is 2x slower").
  Distribution scaled(double factor) const;

 private:
  explicit Distribution(Kind kind) : kind_(kind) {}
  double quantile_of_component(double u) const;

  Kind kind_;
  // Parameters by kind; see the factory functions. Unused ones are 0.
  double a_ = 0, b_ = 0, c_ = 0, d_ = 0;
  // Derived constants cached at construction (e.g. truncated-normal CDF bounds).
  double cdf_low_ = 0, cdf_high_ = 1;
  std::vector<double> values_;  // empirical observations (sorted) or mixture weights (cumulative)
  std::vector<Distribution> components_;  // mixture components
};

/// A distribution's whole-millisecond durations by table: the uniform at which each
/// millisecond from the smallest up to `cap_ms` begins, found once, so that duration_at(u)
/// is a lookup instead of a quantile's arithmetic (for the latency drawn on every API call
/// and waiter poll). The edges are the exact doubles at which d.duration_at steps, so at(u)
/// is d.duration_at(u) wherever that is non-decreasing in u (the quantiles are, up to the
/// rounding of their last bits); above the table at() falls back to it. Not for mixtures
/// (they draw two uniforms).
class DurationTable {
 public:
  explicit DurationTable(const Distribution& d, Duration cap_ms = 2048);
  Duration at(double u) const {
    if (!(u >= kLowest && u < edge_end_)) return d_.duration_at(u);
    // The edges at or below u, counted from the first of u's bucket (b / kBuckets <= u <
    // (b + 1) / kBuckets, exactly): the first of the next bucket, or the sentinel, is above
    // u and ends the count. At most 2,048 edges over 4,096 equally likely buckets: a count
    // takes under one step on average, and the first is taken without a branch on u (a
    // coin toss to predict, where a binary search took one or two).
    const double* edge = edges_.data();
    std::size_t i = bucket_[static_cast<std::size_t>(u * kBuckets)];
    i += edge[i] <= u ? 1 : 0;
    while (edge[i] <= u) ++i;
    return first_ + static_cast<Duration>(i);
  }
  /// edges()[i] is the least u at which the duration reaches its value at the smallest u,
  /// plus i + 1 milliseconds.
  std::span<const double> edges() const {
    return std::span<const double>(edges_).first(edges_.size() - 1);
  }

 private:
  static constexpr std::size_t kBuckets = 4096;
  static constexpr double kLowest = 0x1.0p-60;  // below any uniform a Stream draws
  Distribution d_;
  Duration first_ = 0;  // the duration below the first edge
  std::vector<double>
      edges_;            // edges_[i]: least u with duration_at(u) >= first_ + i + 1; then +inf
  double edge_end_ = 0;  // from here on, at() is d_.duration_at()
  std::vector<std::uint32_t> bucket_;  // first edge >= b / kBuckets, for b in [0, kBuckets]
};

/// The standard normal quantile (Wichura's AS 241, to about 1e-16) and distribution function
/// (Boost.Math). normal_quantile(0) is -inf, (1) +inf, outside [0, 1] NaN.
double normal_quantile(double u);
double normal_cdf(double z);

}  // namespace drsim::sim
