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

/// A sample's values in order, and each value's place in that order.
struct OrderedSample {
  std::vector<std::int64_t> sorted;
  std::vector<std::uint32_t> place;

  explicit OrderedSample(std::span<const std::int64_t> values) : place(values.size()) {
    std::vector<std::uint32_t> by_value(values.size());
    for (std::uint32_t i = 0; i < by_value.size(); ++i) by_value[i] = i;
    std::sort(by_value.begin(), by_value.end(), [&](std::uint32_t x, std::uint32_t y) {
      return values[x] < values[y] || (values[x] == values[y] && x < y);
    });
    sorted.reserve(values.size());
    for (std::uint32_t i = 0; i < by_value.size(); ++i) {
      place[by_value[i]] = i;
      sorted.push_back(values[by_value[i]]);
    }
  }

  /// The rank-th smallest (from 0) of a resample that drew place j counts[j] times.
  std::int64_t at_rank(const std::vector<std::uint32_t>& counts, std::size_t rank) const {
    const std::size_t n = counts.size();
    if (rank >= n / 2) {
      std::size_t above = 0;  // drawn values at places >= j
      for (std::size_t j = n; j-- > 0;) {
        above += counts[j];
        if (above >= n - rank) return sorted[j];
      }
    } else {
      std::size_t below = 0;  // drawn values at places <= j
      for (std::size_t j = 0; j < n; ++j) {
        below += counts[j];
        if (below > rank) return sorted[j];
      }
    }
    return sorted.back();  // not reached: the counts add up to n
  }
};

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
  Change out;
  {
    std::vector<std::int64_t> b(baseline.begin(), baseline.end());
    std::vector<std::int64_t> c(candidate.begin(), candidate.end());
    out.estimate = difference(quantile_in_place(b, p), quantile_in_place(c, p));
  }
  // A resample's quantile without selecting among its values: each trial's place in its
  // sorted sample is known, so counting how often each place is drawn and walking the counts
  // from the near end to the quantile's rank finds the same order statistic.
  const OrderedSample ob(baseline), oc(candidate);
  const std::size_t rank = quantile_rank(p, n) - 1;
  std::vector<std::uint32_t> cb(n), cc(n);

  bool up_infinite = false, down_infinite = false;
  double lowest = kInf, highest = -kInf;
  std::vector<double> replicates;  // the finite ones
  replicates.reserve(resamples);
  for (std::uint64_t r = 0; r < resamples; ++r) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(rng.below(n));
      ++cb[ob.place[k]];
      ++cc[oc.place[k]];
    }
    const double d = difference(ob.at_rank(cb, rank), oc.at_rank(cc, rank));
    std::fill(cb.begin(), cb.end(), 0);
    std::fill(cc.begin(), cc.end(), 0);
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
