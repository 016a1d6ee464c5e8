#include "sim/statistics.hpp"

#include <algorithm>
#include <array>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cassert>
#include <cmath>

#include "sim/distribution.hpp"

namespace drsim::sim {

std::pair<std::uint64_t, std::uint64_t> order_statistic_ranks(std::uint64_t n, double p,
                                                              double confidence) {
  assert(p > 0 && p < 1 && confidence > 0 && confidence < 1);
  if (n == 0) return {0, 1};
  const double tail = (1 - confidence) / 2;
  const boost::math::binomial_distribution<double> binomial(static_cast<double>(n), p);
  auto cdf = [&](std::int64_t k) {
    if (k < 0) return 0.0;
    if (k >= static_cast<std::int64_t>(n)) return 1.0;
    return boost::math::cdf(binomial, static_cast<double>(k));
  };
  const double center = static_cast<double>(n) * p;
  const double spread = normal_quantile(1 - tail) * std::sqrt(center * (1 - p)) + 1;
  const auto last = static_cast<std::int64_t>(n);

  // Lower: l - 1 is the largest k with P(B <= k) <= tail, B ~ Binomial(n, p).
  auto k =
      std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(center - spread)), -1, last);
  while (k >= 0 && cdf(k) > tail) --k;
  while (k + 1 < last && cdf(k + 1) <= tail) ++k;
  const std::uint64_t low = static_cast<std::uint64_t>(k + 1);

  // Upper: u - 1 is the smallest m with P(B <= m) >= 1 - tail.
  auto m = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::ceil(center + spread)), 0, last);
  while (m > 0 && cdf(m - 1) >= 1 - tail) --m;
  while (m < last && cdf(m) < 1 - tail) ++m;
  return {low, static_cast<std::uint64_t>(m + 1)};
}

void sort_integers(std::vector<std::int64_t>& values) {
  const std::size_t n = values.size();
  if (n < 4096) {  // below this, the passes' fixed cost outweighs std::sort's n log n
    std::sort(values.begin(), values.end());
    return;
  }
  // Eleven-bit digits of the value with its sign bit flipped (so that unsigned order is
  // signed order), every digit's histogram from one read of the data.
  constexpr int kBits = 11;
  constexpr std::size_t kRadix = std::size_t{1} << kBits;
  constexpr int kPasses = (64 + kBits - 1) / kBits;
  auto key = [](std::int64_t v) {
    return static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63);
  };
  std::vector<std::array<std::size_t, kRadix>> counts(kPasses);
  for (const std::int64_t v : values) {
    const std::uint64_t k = key(v);
    for (int p = 0; p < kPasses; ++p) ++counts[p][(k >> (p * kBits)) & (kRadix - 1)];
  }
  std::vector<std::int64_t> buffer(n);
  std::int64_t* from = values.data();
  std::int64_t* to = buffer.data();
  for (int p = 0; p < kPasses; ++p) {
    std::array<std::size_t, kRadix>& count = counts[p];
    const std::uint64_t k0 = (key(from[0]) >> (p * kBits)) & (kRadix - 1);
    if (count[k0] == n) continue;  // every value has the same digit here: order unchanged
    std::size_t offset = 0;
    for (std::size_t& c : count) offset += std::exchange(c, offset);
    for (std::size_t i = 0; i < n; ++i)  // stable: equal digits keep the previous pass's order
      to[count[(key(from[i]) >> (p * kBits)) & (kRadix - 1)]++] = from[i];
    std::swap(from, to);
  }
  if (from != values.data()) values.swap(buffer);
}

void Sample::add(std::int64_t value) {
  if (value == kInfinite) {
    ++infinite_;
    return;
  }
  if (sorted_ && !values_.empty() && value < values_.back()) sorted_ = false;
  values_.push_back(value);
  sum_ += value;
}

Sample Sample::from_values(std::vector<std::int64_t> values, std::int64_t absent) {
  Sample s;
  s.values_ = std::move(values);
  std::size_t kept = 0;
  for (const std::int64_t v : s.values_) {
    if (v == absent) continue;
    if (v == kInfinite) {
      ++s.infinite_;
      continue;
    }
    s.values_[kept++] = v;
    s.sum_ += v;
  }
  s.values_.resize(kept);
  s.values_.shrink_to_fit();
  s.sorted_ = false;
  return s;
}

void Sample::merge(const Sample& other) {
  values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  sorted_ = false;
  infinite_ += other.infinite_;
  sum_ += other.sum_;
}

void Sample::sort() const {
  if (!sorted_) {
    sort_integers(values_);
    sorted_ = true;
  }
}

double Sample::mean() const {
  if (values_.empty()) return 0.0;
  return static_cast<double>(sum_) / static_cast<double>(values_.size());
}

double Sample::stddev() const {
  const auto n = values_.size();
  if (n < 2) return 0.0;
  // Summed over the sorted values: a fixed order, so the result is the same however the
  // sample was assembled (shards, threads).
  sort();
  const double m = mean();
  double squares = 0;
  for (std::int64_t v : values_) {
    const double d = static_cast<double>(v) - m;
    squares += d * d;
  }
  return std::sqrt(squares / static_cast<double>(n - 1));
}

std::int64_t Sample::min() const {
  if (values_.empty()) return kInfinite;
  sort();
  return values_.front();
}

std::int64_t Sample::max() const {
  if (infinite_ > 0 || values_.empty()) return kInfinite;
  sort();
  return values_.back();
}

std::int64_t Sample::at_rank(std::uint64_t rank) const {
  assert(rank >= 1 && rank <= count());
  if (rank > values_.size()) return kInfinite;
  sort();
  return values_[rank - 1];
}

std::int64_t Sample::quantile(double p) const {
  assert(p > 0 && p <= 1);
  const std::uint64_t n = count();
  if (n == 0) return kInfinite;
  return at_rank(quantile_rank(p, n));
}

std::uint64_t quantile_rank(double p, std::uint64_t n) {
  const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n) - 1e-9));
  return std::clamp<std::uint64_t>(rank, 1, std::max<std::uint64_t>(n, 1));
}

Bounds Sample::quantile_interval(double p, double confidence) const {
  const std::uint64_t n = count();
  const auto [low, high] = order_statistic_ranks(n, p, confidence);
  Bounds b;
  if (low >= 1) b.low = at_rank(low);
  if (high <= n) b.high = at_rank(high);
  return b;
}

std::uint64_t Sample::count_at_most(std::int64_t target) const {
  sort();
  return static_cast<std::uint64_t>(std::upper_bound(values_.begin(), values_.end(), target) -
                                    values_.begin());
}

std::vector<std::pair<std::int64_t, std::uint64_t>> Sample::runs() const {
  sort();
  std::vector<std::pair<std::int64_t, std::uint64_t>> out;
  for (std::int64_t v : values_) {
    if (!out.empty() && out.back().first == v) {
      ++out.back().second;
    } else {
      out.emplace_back(v, 1);
    }
  }
  return out;
}

Sample Sample::from_runs(const std::vector<std::pair<std::int64_t, std::uint64_t>>& runs,
                         std::uint64_t infinite) {
  Sample s;
  for (const auto& [value, count] : runs) {
    for (std::uint64_t i = 0; i < count; ++i) s.add(value);
  }
  s.infinite_ += infinite;
  return s;
}

ProbabilityInterval Proportion::wilson(double confidence) const {
  if (trials == 0) return {0, 1};
  const double z = normal_quantile(1 - (1 - confidence) / 2);
  const double n = static_cast<double>(trials);
  const double p = estimate();
  const double denominator = 1 + z * z / n;
  const double center = (p + z * z / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

ProbabilityInterval Proportion::clopper_pearson(double confidence) const {
  if (trials == 0) return {0, 1};
  const double tail = (1 - confidence) / 2;
  const double x = static_cast<double>(successes);
  const double n = static_cast<double>(trials);
  ProbabilityInterval ci;
  ci.low = successes == 0 ? 0.0 : boost::math::ibeta_inv(x, n - x + 1, tail);
  ci.high = successes == trials ? 1.0 : boost::math::ibeta_inv(x + 1, n - x, 1 - tail);
  return ci;
}

}  // namespace drsim::sim
