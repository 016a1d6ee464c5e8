// Paired comparisons of two runs of a scenario made with common random numbers: trial k of
// the baseline and trial k of the candidate share every random draw that both make, so
// their difference is measured trial by trial and most of the noise cancels.
//
// Values are per-trial metrics in milliseconds, kInfinite standing for "never" (a
// runbook that could not complete); a change involving "never" is ±infinity.
#pragma once

#include <cstdint>
#include <span>

#include "sim/rng.hpp"

namespace drsim::sim {

/// A change (candidate − baseline) with a confidence interval; the bounds may be ±infinity.
struct Change {
  double estimate = 0;
  double low = 0;
  double high = 0;
};

/// The change in the nearest-rank p-quantile, with a paired bootstrap interval: `resamples`
/// times, the same trial ids are drawn with replacement for both runs and the change
/// recomputed; the interval is the estimate ± z·(the replicates' standard deviation), z the
/// normal quantile of `confidence`. A side on which some replicate is infinite is unbounded.
/// Identical runs give exactly [0, 0]; a constant shift d gives exactly [d, d].
Change quantile_change(std::span<const std::int64_t> baseline,
                       std::span<const std::int64_t> candidate, double p, double confidence,
                       std::uint64_t resamples, Stream& rng);

/// The change in the share of trials at or under `target`, by an exact paired test: only the
/// discordant trials (met in one run, missed in the other) carry information. Given their
/// number d, the losses are Binomial(d, θ); θ's Clopper–Pearson interval gives the change's,
/// (d/n)·(1 − 2θ). `p_value` is McNemar's exact one-sided p-value for "the share fell".
struct ShareChange {
  std::uint64_t trials = 0;
  std::uint64_t lost = 0;    // met in the baseline, missed in the candidate
  std::uint64_t gained = 0;  // missed in the baseline, met in the candidate
  double baseline_share = 0, candidate_share = 0;
  Change change;  // in share (candidate − baseline)
  double p_value = 1;
};
ShareChange share_change(std::span<const std::int64_t> baseline,
                         std::span<const std::int64_t> candidate, std::int64_t target,
                         double confidence);

/// The nearest-rank p-quantile of `values` (reordered in place); kInfinite counts as largest.
std::int64_t quantile_in_place(std::span<std::int64_t> values, double p);

}  // namespace drsim::sim
