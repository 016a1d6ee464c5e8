#include "sim/paired.hpp"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/distribution.hpp"
#include "sim/statistics.hpp"

namespace drsim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// candidate − baseline of two quantiles, "never" as infinity (never vs never: no change).
double difference(std::int64_t baseline, std::int64_t candidate) {
  if (baseline == kInfinite && candidate == kInfinite) return 0;
  if (candidate == kInfinite) return kInf;
  if (baseline == kInfinite) return -kInf;
  return static_cast<double>(candidate - baseline);
}

}  // namespace

std::int64_t quantile_in_place(std::span<std::int64_t> values, double p) {
  assert(!values.empty());
  const auto rank = quantile_rank(p, values.size()) - 1;
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

Change quantile_change(std::span<const std::int64_t> baseline,
                       std::span<const std::int64_t> candidate, double p, double confidence,
                       std::uint64_t resamples, Stream& rng) {
  assert(baseline.size() == candidate.size() && !baseline.empty());
  const std::size_t n = baseline.size();
  std::vector<std::int64_t> b(baseline.begin(), baseline.end());
  std::vector<std::int64_t> c(candidate.begin(), candidate.end());
  Change out;
  out.estimate = difference(quantile_in_place(b, p), quantile_in_place(c, p));

  bool up_infinite = false, down_infinite = false;
  double lowest = kInf, highest = -kInf;
  std::vector<double> replicates;  // the finite ones
  replicates.reserve(resamples);
  for (std::uint64_t r = 0; r < resamples; ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(rng.below(n));
      b[i] = baseline[k];
      c[i] = candidate[k];
    }
    const double d = difference(quantile_in_place(b, p), quantile_in_place(c, p));
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
    if (d == kInf) {
      up_infinite = true;
    } else if (d == -kInf) {
      down_infinite = true;
    } else {
      replicates.push_back(d);
    }
  }
  if (std::isinf(out.estimate) || resamples == 0) {
    out.low = std::min(lowest, out.estimate);
    out.high = std::max(highest, out.estimate);
    return out;
  }
  // Two passes, so that equal replicates give a standard deviation of exactly 0.
  double sd = 0;
  if (replicates.size() > 1) {
    double sum = 0;
    for (const double d : replicates) sum += d;
    const double mean = sum / static_cast<double>(replicates.size());
    double squares = 0;
    for (const double d : replicates) squares += (d - mean) * (d - mean);
    sd = std::sqrt(squares / static_cast<double>(replicates.size() - 1));
  }
  const double z = normal_quantile(1 - (1 - confidence) / 2);
  out.low = down_infinite ? -kInf : out.estimate - z * sd;
  out.high = up_infinite ? kInf : out.estimate + z * sd;
  return out;
}

ShareChange share_change(std::span<const std::int64_t> baseline,
                         std::span<const std::int64_t> candidate, std::int64_t target,
                         double confidence) {
  assert(baseline.size() == candidate.size());
  ShareChange s;
  s.trials = baseline.size();
  std::uint64_t met_before = 0, met_after = 0;
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    const bool before = baseline[i] <= target, after = candidate[i] <= target;
    met_before += before ? 1 : 0;
    met_after += after ? 1 : 0;
    s.lost += (before && !after) ? 1 : 0;
    s.gained += (!before && after) ? 1 : 0;
  }
  if (s.trials == 0) return s;
  const auto n = static_cast<double>(s.trials);
  s.baseline_share = static_cast<double>(met_before) / n;
  s.candidate_share = static_cast<double>(met_after) / n;
  const std::uint64_t discordant = s.lost + s.gained;
  s.change.estimate = (static_cast<double>(s.gained) - static_cast<double>(s.lost)) / n;
  if (discordant == 0) return s;  // not one trial changed: exactly no change
  // θ = P(a discordant trial is a loss); the change is (d/n)(1 − 2θ).
  const ProbabilityInterval theta = Proportion{s.lost, discordant}.clopper_pearson(confidence);
  const double scale = static_cast<double>(discordant) / n;
  s.change.low = scale * (1 - 2 * theta.high);
  s.change.high = scale * (1 - 2 * theta.low);
  // P(X >= lost), X ~ Binomial(d, 1/2).
  const boost::math::binomial_distribution<double> fair(static_cast<double>(discordant), 0.5);
  s.p_value =
      s.lost == 0
          ? 1.0
          : boost::math::cdf(boost::math::complement(fair, static_cast<double>(s.lost) - 1));
  return s;
}

}  // namespace drsim::sim
