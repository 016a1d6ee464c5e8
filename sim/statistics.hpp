// Statistics of Monte Carlo metrics: exact and mergeable.
//
// Metrics are integers (milliseconds, bytes, counts) and a Sample keeps every value, so a
// run split into shards and merged gives exactly the numbers of the single run — the same
// multiset of integers, summed in 128-bit integers, sorted the same way. "Infinite" values
// (a trial whose runbook never restored service) are counted apart and rank above all
// finite ones. Quantiles are nearest-rank (the smallest value with at least p·n values at or
// below it); their confidence intervals are distribution-free, from order statistics; the
// probability of meeting a target comes with Wilson and Clopper–Pearson intervals.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "sim/rng.hpp"  // int128_t

namespace drsim::sim {

/// The value that stands for "never" in a Sample (RTO of a trial that did not recover).
inline constexpr std::int64_t kInfinite = std::numeric_limits<std::int64_t>::max();

/// A two-sided interval; an empty side means "not bounded by this many observations".
struct Bounds {
  std::optional<std::int64_t> low;
  std::optional<std::int64_t> high;
};

/// A confidence interval for a probability.
struct ProbabilityInterval {
  double low = 0;
  double high = 1;
};

/// 1-based ranks (l, u) such that [x_(l), x_(u)] covers the p-quantile with probability at
/// least `confidence` for any continuous distribution. l = 0 or u = n + 1 mean unbounded.
std::pair<std::uint64_t, std::uint64_t> order_statistic_ranks(std::uint64_t n, double p,
                                                              double confidence);

/// The 1-based nearest rank of the p-quantile among n values: ceil(p·n), at least 1, without
/// being fooled by p = 0.95 not being exact in binary.
std::uint64_t quantile_rank(double p, std::uint64_t n);

/// Sorts ascending, as std::sort would, in linear time: a least-significant-digit radix sort
/// for long vectors (a metric's column of a million trials), std::sort for short ones.
void sort_integers(std::vector<std::int64_t>& values);

class Sample {
 public:
  /// Adds one value; kInfinite counts as infinite.
  void add(std::int64_t value);
  void add_infinite() { ++infinite_; }
  /// Adds every value of `other` (exact: merge order does not matter).
  void merge(const Sample& other);
  void reserve(std::size_t n) { values_.reserve(n); }
  /// A sample that takes over `values` (kInfinite counting as infinite) except those equal
  /// to `absent`: no copy, for columns of a million trials.
  static Sample from_values(std::vector<std::int64_t> values, std::int64_t absent);

  std::uint64_t count() const { return values_.size() + infinite_; }
  std::uint64_t finite_count() const { return values_.size(); }
  std::uint64_t infinite_count() const { return infinite_; }

  /// Mean and standard deviation of the finite values (0 when there are none).
  double mean() const;
  double stddev() const;
  /// Smallest value; kInfinite when every value is infinite or the sample is empty.
  std::int64_t min() const;
  /// Largest value, kInfinite when any is infinite.
  std::int64_t max() const;
  /// Nearest-rank p-quantile, p in (0, 1]; kInfinite if it falls among infinite values.
  std::int64_t quantile(double p) const;
  /// Distribution-free confidence interval of the p-quantile.
  Bounds quantile_interval(double p, double confidence = 0.95) const;
  /// Number of values <= target (infinite values never are).
  std::uint64_t count_at_most(std::int64_t target) const;

  /// The values sorted and run-length encoded: the compact, exact form for shard files.
  std::vector<std::pair<std::int64_t, std::uint64_t>> runs() const;
  /// Rebuilds a sample from runs() and an infinite count.
  static Sample from_runs(const std::vector<std::pair<std::int64_t, std::uint64_t>>& runs,
                          std::uint64_t infinite);
  /// Sorts the values now; the first query does otherwise. Lets a caller sort many samples
  /// at once, each on a thread of its own (different samples only).
  void sort() const;

 private:
  /// The value of 1-based rank r among all values (finite then infinite).
  std::int64_t at_rank(std::uint64_t rank) const;

  mutable std::vector<std::int64_t> values_;
  mutable bool sorted_ = true;
  std::uint64_t infinite_ = 0;
  int128_t sum_ = 0;
};

/// Successes out of trials, e.g. trials that met the RTO objective.
struct Proportion {
  std::uint64_t successes = 0;
  std::uint64_t trials = 0;

  double estimate() const { return trials ? static_cast<double>(successes) / trials : 0.0; }
  /// Wilson score interval.
  ProbabilityInterval wilson(double confidence = 0.95) const;
  /// Clopper–Pearson exact interval (conservative).
  ProbabilityInterval clopper_pearson(double confidence = 0.95) const;
};

}  // namespace drsim::sim
