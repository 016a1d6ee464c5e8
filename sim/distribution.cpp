#include "sim/distribution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "sim/input_error.hpp"

namespace drsim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// z(0.95) to full double precision, so that lognormal_p50_p95 reproduces its p95 exactly.
constexpr double kZ95 = 1.6448536269514722;

[[noreturn]] void reject(std::string message) {
  throw InputError({}, std::move(message));
}

void require_finite(double v, std::string_view what) {
  if (!std::isfinite(v)) reject(fmt::format("{} must be a finite number", what));
}

std::string value_text(double v, bool as_duration) {
  if (as_duration && std::isfinite(v) && v >= 0 && v < 9e15) {
    return format_duration(static_cast<Duration>(std::llround(v)));
  }
  return fmt::format("{:g}", v);
}

}  // namespace

namespace {

// Wichura's rational approximations (Algorithm AS 241, "The percentage points of the normal
// distribution", Applied Statistics 37(3), 1988, PPND16): relative error about 1e-16. Each
// row is a numerator's coefficients then a denominator's (constant term first; the
// denominator's constant is 1). Evaluated by Estrin's scheme: the same polynomials in
// three dependent steps instead of Horner's seven (the draw is on every trial's hot path).
struct Rational {
  std::array<double, 8> num;
  std::array<double, 7> den;
  static double estrin(double c0, double c1, double c2, double c3, double c4, double c5, double c6,
                       double c7, double r, double r2, double r4) {
    return (c0 + c1 * r) + (c2 + c3 * r) * r2 + ((c4 + c5 * r) + (c6 + c7 * r) * r2) * r4;
  }
  double operator()(double r) const {
    const double r2 = r * r, r4 = r2 * r2;
    const double n =
        estrin(num[0], num[1], num[2], num[3], num[4], num[5], num[6], num[7], r, r2, r4);
    const double d = estrin(1.0, den[0], den[1], den[2], den[3], den[4], den[5], den[6], r, r2, r4);
    return n / d;
  }
};
constexpr Rational kCentral{
    {3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3,
     1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4,
     3.3430575583588128105e4, 2.5090809287301226727e3},
    {4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3,
     2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4,
     5.2264952788528545610e3}};
constexpr Rational kNearTail{
    {1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0,
     3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1,
     2.27238449892691845833e-2, 7.74545014278341407640e-4},
    {2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
     1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4,
     1.05075007164441684324e-9}};
constexpr Rational kFarTail{
    {6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0,
     2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3,
     2.71155556874348757815e-5, 2.01033439929228813265e-7},
    {5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
     7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
     2.04426310338993978564e-15}};

}  // namespace

double normal_quantile(double u) {
  // Every lognormal and normal draw passes here (a MANGU trial makes ~120): a few dozen
  // multiply-adds, where Boost's erfc_inv costs several times that for the same digits.
  if (!(u > 0.0 && u < 1.0)) {
    if (u == 0.0) return -std::numeric_limits<double>::infinity();
    if (u == 1.0) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double q = u - 0.5;
  if (std::fabs(q) <= 0.425) return q * kCentral(0.180625 - q * q);
  const double r = std::sqrt(-std::log(q < 0 ? u : 1.0 - u));
  const double z = r <= 5.0 ? kNearTail(r - 1.6) : kFarTail(r - 5.0);
  return q < 0 ? -z : z;
}
double normal_cdf(double z) {
  return 0.5 * boost::math::erfc(-z / std::sqrt(2.0));
}

Distribution Distribution::constant(double value) {
  require_finite(value, "a constant");
  Distribution d(Kind::kConstant);
  d.a_ = value;
  return d;
}

Distribution Distribution::uniform(double low, double high) {
  require_finite(low, "uniform's low end");
  require_finite(high, "uniform's high end");
  if (!(low <= high)) reject(fmt::format("uniform needs low <= high, got [{:g}, {:g}]", low, high));
  Distribution d(Kind::kUniform);
  d.a_ = low;
  d.b_ = high;
  return d;
}

Distribution Distribution::normal(double mean, double sd, double low, double high) {
  require_finite(mean, "normal's mean");
  require_finite(sd, "normal's standard deviation");
  if (!(sd > 0)) reject(fmt::format("normal needs a positive standard deviation, got {:g}", sd));
  if (!(low < high)) reject("normal's truncation needs low < high");
  Distribution d(Kind::kNormal);
  d.a_ = mean;
  d.b_ = sd;
  d.c_ = low;
  d.d_ = high;
  d.cdf_low_ = std::isinf(low) ? 0.0 : normal_cdf((low - mean) / sd);
  d.cdf_high_ = std::isinf(high) ? 1.0 : normal_cdf((high - mean) / sd);
  if (!(d.cdf_high_ - d.cdf_low_ > 1e-12)) {
    reject("normal's truncation interval holds (almost) no probability");
  }
  return d;
}

Distribution Distribution::lognormal_p50_p95(double p50, double p95) {
  require_finite(p50, "lognormal's p50");
  require_finite(p95, "lognormal's p95");
  if (!(p50 > 0)) reject(fmt::format("lognormal needs p50 > 0, got {:g}", p50));
  if (p95 < p50) {
    reject(fmt::format("lognormal needs p95 >= p50, got p50={:g} and p95={:g}", p50, p95));
  }
  return lognormal_mu_sigma(std::log(p50), std::log(p95 / p50) / kZ95);
}

Distribution Distribution::lognormal_mu_sigma(double mu, double sigma) {
  require_finite(mu, "lognormal's mu");
  require_finite(sigma, "lognormal's sigma");
  if (sigma < 0) reject(fmt::format("lognormal needs sigma >= 0, got {:g}", sigma));
  Distribution d(Kind::kLognormal);
  d.a_ = mu;
  d.b_ = sigma;
  return d;
}

Distribution Distribution::exponential(double mean) {
  require_finite(mean, "exponential's mean");
  if (!(mean > 0)) reject(fmt::format("exponential needs a positive mean, got {:g}", mean));
  Distribution d(Kind::kExponential);
  d.a_ = mean;
  return d;
}

Distribution Distribution::weibull(double shape, double scale) {
  require_finite(shape, "weibull's shape");
  require_finite(scale, "weibull's scale");
  if (!(shape > 0) || !(scale > 0)) {
    reject(fmt::format("weibull needs shape > 0 and scale > 0, got {:g} and {:g}", shape, scale));
  }
  Distribution d(Kind::kWeibull);
  d.a_ = shape;
  d.b_ = scale;
  return d;
}

Distribution Distribution::triangular(double low, double mode, double high) {
  for (double v : {low, mode, high}) require_finite(v, "a triangular bound");
  if (!(low <= mode && mode <= high && low < high)) {
    reject(fmt::format("triangular needs low <= mode <= high with low < high, got {:g}, {:g}, {:g}",
                       low, mode, high));
  }
  Distribution d(Kind::kTriangular);
  d.a_ = low;
  d.b_ = mode;
  d.c_ = high;
  return d;
}

Distribution Distribution::pert(double low, double mode, double high, double lambda) {
  for (double v : {low, mode, high, lambda}) require_finite(v, "a PERT parameter");
  if (!(low <= mode && mode <= high && low < high)) {
    reject(fmt::format("pert needs low <= mode <= high with low < high, got {:g}, {:g}, {:g}", low,
                       mode, high));
  }
  if (!(lambda > 0)) reject("pert needs lambda > 0");
  Distribution d(Kind::kPert);
  d.a_ = low;
  d.b_ = high;
  d.c_ = 1 + lambda * (mode - low) / (high - low);   // alpha
  d.d_ = 1 + lambda * (high - mode) / (high - low);  // beta
  return d;
}

Distribution Distribution::empirical(std::vector<double> observations) {
  if (observations.empty()) reject("empirical needs at least one observed value");
  for (double v : observations) require_finite(v, "an empirical observation");
  std::sort(observations.begin(), observations.end());
  Distribution d(Kind::kEmpirical);
  d.values_ = std::move(observations);
  return d;
}

Distribution Distribution::mixture(std::vector<Distribution> components,
                                   std::vector<double> weights) {
  if (components.empty()) reject("mixture needs at least one component");
  if (components.size() != weights.size()) reject("mixture needs one weight per component");
  double total = 0;
  for (double w : weights) {
    require_finite(w, "a mixture weight");
    if (w < 0) reject(fmt::format("mixture weights cannot be negative, got {:g}", w));
    total += w;
  }
  if (!(total > 0)) reject("mixture weights must sum to a positive number");
  Distribution d(Kind::kMixture);
  double running = 0;
  for (double& w : weights) {
    running += w / total;
    w = running;
  }
  weights.back() = 1.0;  // no rounding gap at the top
  d.values_ = std::move(weights);
  d.components_ = std::move(components);
  return d;
}

double Distribution::sample(Stream& stream) const {
  if (kind_ == Kind::kConstant) return a_;  // no draw: a constant costs nothing
  if (kind_ == Kind::kMixture) {
    const double pick = stream.uniform01();
    const std::size_t i = static_cast<std::size_t>(
        std::upper_bound(values_.begin(), values_.end(), pick) - values_.begin());
    return components_[std::min(i, components_.size() - 1)].sample(stream);
  }
  return quantile_of_component(stream.uniform01());
}

namespace {

Duration whole_milliseconds(double v) {
  if (!(v > 0)) return 0;
  if (v >= 9.2e18) return kNever;
  // std::llround, half away from zero, without the libm call: for 0 < v < 2^63 the truncation
  // and the remainder are exact.
  const auto whole = static_cast<Duration>(v);
  return whole + (v - static_cast<double>(whole) >= 0.5 ? 1 : 0);
}

}  // namespace

Duration Distribution::sample_duration(Stream& stream) const {
  return whole_milliseconds(sample(stream));
}

Duration Distribution::duration_at(double u) const {
  return whole_milliseconds(kind_ == Kind::kConstant ? a_ : quantile_of_component(u));
}

DurationTable::DurationTable(const Distribution& d, Duration cap_ms) : d_(d) {
  if (!d.draws_once()) throw std::invalid_argument("a mixture draws two uniforms: no table");
  // Uniforms as the bits of positive doubles, which order as the doubles do.
  auto at_bits = [&](std::uint64_t bits) { return d_.duration_at(std::bit_cast<double>(bits)); };
  const std::uint64_t top = std::bit_cast<std::uint64_t>(std::nextafter(1.0, 0.0));
  // The least bits in [start, top] whose duration is >= m, given that one is: gallop from
  // the distribution's own estimate, then bisect (f(below) < m <= f(above) throughout).
  auto edge = [&](std::uint64_t start, Duration m) {
    const double guess_u = d_.cdf(static_cast<double>(m) - 0.5);
    std::uint64_t guess = std::isfinite(guess_u) && guess_u > 0
                              ? std::bit_cast<std::uint64_t>(std::min(guess_u, 1.0))
                              : start;
    guess = std::clamp(guess, start, top);
    std::uint64_t below = start - 1, above = top;
    if (at_bits(guess) >= m) {
      above = guess;
      for (std::uint64_t step = 1; above - start >= step; step *= 2) {
        if (at_bits(above - step) < m) {
          below = above - step;
          break;
        }
        above -= step;
      }
    } else {
      below = guess;
      for (std::uint64_t step = 1; top - below > step; step *= 2) {
        if (at_bits(below + step) >= m) {
          above = below + step;
          break;
        }
        below += step;
      }
    }
    while (above - below > 1) {
      const std::uint64_t mid = below + (above - below) / 2;
      (at_bits(mid) >= m ? above : below) = mid;
    }
    return above;
  };
  std::uint64_t start = std::bit_cast<std::uint64_t>(kLowest);
  first_ = at_bits(start);
  const Duration last = at_bits(top);
  edge_end_ = 1.0;
  for (Duration m = first_ + 1; m <= last; ++m) {
    start = edge(start, m);
    if (m > cap_ms) {
      edge_end_ = std::bit_cast<double>(start);
      break;
    }
    edges_.push_back(std::bit_cast<double>(start));
  }
  bucket_.resize(kBuckets + 1);
  for (std::size_t b = 0; b <= kBuckets; ++b) {
    const double from = static_cast<double>(b) / kBuckets;
    bucket_[b] = static_cast<std::uint32_t>(std::lower_bound(edges_.begin(), edges_.end(), from) -
                                            edges_.begin());
  }
  edges_.push_back(std::numeric_limits<double>::infinity());  // at() counts up to it at most
}

double Distribution::quantile_of_component(double u) const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return a_ + (b_ - a_) * u;
    case Kind::kNormal:
      return a_ + b_ * normal_quantile(cdf_low_ + u * (cdf_high_ - cdf_low_));
    case Kind::kLognormal:
      return std::exp(a_ + b_ * normal_quantile(u));
    case Kind::kExponential:
      return -a_ * std::log1p(-u);
    case Kind::kWeibull:
      return b_ * std::pow(-std::log1p(-u), 1.0 / a_);
    case Kind::kTriangular: {
      const double split = (b_ - a_) / (c_ - a_);
      if (u < split) return a_ + std::sqrt(u * (c_ - a_) * (b_ - a_));
      return c_ - std::sqrt((1 - u) * (c_ - a_) * (c_ - b_));
    }
    case Kind::kPert:
      return a_ + (b_ - a_) * boost::math::ibeta_inv(c_, d_, u);
    case Kind::kEmpirical: {
      const auto n = values_.size();
      const auto i = static_cast<std::size_t>(u * static_cast<double>(n));
      return values_[std::min(i, n - 1)];
    }
    case Kind::kMixture:
      break;
  }
  return quantile(u);
}

double Distribution::quantile(double u) const {
  if (kind_ != Kind::kMixture) return quantile_of_component(u);
  // No closed form: bisect the CDF between the components' own quantiles.
  double lo = kInf, hi = -kInf;
  for (const auto& c : components_) {
    lo = std::min(lo, c.quantile(std::min(u, 1e-12)));
    hi = std::max(hi, c.quantile(std::max(u, 1 - 1e-12)));
  }
  for (int i = 0; i < 200 && lo < hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (cdf(mid) < u ? lo : hi) = mid;
  }
  return hi;
}

double Distribution::cdf(double x) const {
  switch (kind_) {
    case Kind::kConstant:
      return x >= a_ ? 1.0 : 0.0;
    case Kind::kUniform:
      if (a_ == b_) return x >= a_ ? 1.0 : 0.0;
      return std::clamp((x - a_) / (b_ - a_), 0.0, 1.0);
    case Kind::kNormal: {
      if (x <= c_) return 0.0;
      if (x >= d_) return 1.0;
      return (normal_cdf((x - a_) / b_) - cdf_low_) / (cdf_high_ - cdf_low_);
    }
    case Kind::kLognormal:
      if (x <= 0) return 0.0;
      if (b_ == 0) return x >= std::exp(a_) ? 1.0 : 0.0;
      return normal_cdf((std::log(x) - a_) / b_);
    case Kind::kExponential:
      return x <= 0 ? 0.0 : -std::expm1(-x / a_);
    case Kind::kWeibull:
      return x <= 0 ? 0.0 : -std::expm1(-std::pow(x / b_, a_));
    case Kind::kTriangular:
      if (x <= a_) return 0.0;
      if (x >= c_) return 1.0;
      if (x <= b_) return (x - a_) * (x - a_) / ((c_ - a_) * (b_ - a_));
      return 1 - (c_ - x) * (c_ - x) / ((c_ - a_) * (c_ - b_));
    case Kind::kPert:
      if (x <= a_) return 0.0;
      if (x >= b_) return 1.0;
      return boost::math::ibeta(c_, d_, (x - a_) / (b_ - a_));
    case Kind::kEmpirical:
      return static_cast<double>(std::upper_bound(values_.begin(), values_.end(), x) -
                                 values_.begin()) /
             static_cast<double>(values_.size());
    case Kind::kMixture: {
      double p = 0, previous = 0;
      for (std::size_t i = 0; i < components_.size(); ++i) {
        p += (values_[i] - previous) * components_[i].cdf(x);
        previous = values_[i];
      }
      return p;
    }
  }
  return 0.0;
}

double Distribution::mean() const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
      return (a_ + b_) / 2;
    case Kind::kNormal: {
      if (cdf_low_ == 0.0 && cdf_high_ == 1.0) return a_;
      auto pdf = [](double z) { return std::exp(-z * z / 2) / std::sqrt(2 * M_PI); };
      const double alpha = (c_ - a_) / b_, beta = (d_ - a_) / b_;
      const double pa = std::isinf(c_) ? 0.0 : pdf(alpha), pb = std::isinf(d_) ? 0.0 : pdf(beta);
      return a_ + b_ * (pa - pb) / (cdf_high_ - cdf_low_);
    }
    case Kind::kLognormal:
      return std::exp(a_ + b_ * b_ / 2);
    case Kind::kExponential:
      return a_;
    case Kind::kWeibull:
      return b_ * std::tgamma(1 + 1 / a_);
    case Kind::kTriangular:
      return (a_ + b_ + c_) / 3;
    case Kind::kPert:
      return a_ + (b_ - a_) * c_ / (c_ + d_);
    case Kind::kEmpirical:
      return std::accumulate(values_.begin(), values_.end(), 0.0) /
             static_cast<double>(values_.size());
    case Kind::kMixture: {
      double m = 0, previous = 0;
      for (std::size_t i = 0; i < components_.size(); ++i) {
        m += (values_[i] - previous) * components_[i].mean();
        previous = values_[i];
      }
      return m;
    }
  }
  return 0.0;
}

double Distribution::support_min() const {
  switch (kind_) {
    case Kind::kNormal:
      return c_;
    case Kind::kLognormal:
    case Kind::kExponential:
    case Kind::kWeibull:
      return 0.0;
    case Kind::kMixture: {
      double m = kInf;
      for (const auto& c : components_) m = std::min(m, c.support_min());
      return m;
    }
    case Kind::kEmpirical:
      return values_.front();
    default:
      return a_;
  }
}

double Distribution::support_max() const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kUniform:
    case Kind::kPert:
      return b_;
    case Kind::kNormal:
      return d_;
    case Kind::kTriangular:
      return c_;
    case Kind::kEmpirical:
      return values_.back();
    case Kind::kMixture: {
      double m = -kInf;
      for (const auto& c : components_) m = std::max(m, c.support_max());
      return m;
    }
    default:
      return kInf;
  }
}

std::string Distribution::describe(bool as_duration) const {
  auto v = [as_duration](double x) { return value_text(x, as_duration); };
  switch (kind_) {
    case Kind::kConstant:
      return v(a_);
    case Kind::kUniform:
      return fmt::format("uniform({}, {})", v(a_), v(b_));
    case Kind::kNormal: {
      std::string s = fmt::format("normal(mean={}, sd={}", v(a_), v(b_));
      if (!std::isinf(c_) || !std::isinf(d_)) s += fmt::format(", within [{}, {}]", v(c_), v(d_));
      return s + ")";
    }
    case Kind::kLognormal:
      return fmt::format("lognormal(p50={}, p95={})", v(std::exp(a_)), v(std::exp(a_ + b_ * kZ95)));
    case Kind::kExponential:
      return fmt::format("exponential(mean={})", v(a_));
    case Kind::kWeibull:
      return fmt::format("weibull(shape={:g}, scale={})", a_, v(b_));
    case Kind::kTriangular:
      return fmt::format("triangular({}, {}, {})", v(a_), v(b_), v(c_));
    case Kind::kPert: {
      // Recover the mode from alpha: mode = low + (alpha - 1) / lambda * (high - low).
      const double lambda = c_ + d_ - 2;
      return fmt::format("pert({}, {}, {})", v(a_), v(a_ + (c_ - 1) / lambda * (b_ - a_)), v(b_));
    }
    case Kind::kEmpirical:
      return fmt::format("empirical({} values, {}..{})", values_.size(), v(values_.front()),
                         v(values_.back()));
    case Kind::kMixture: {
      std::string s = "mixture(";
      double previous = 0;
      for (std::size_t i = 0; i < components_.size(); ++i) {
        s += fmt::format("{}{:g}% {}", i ? ", " : "", 100 * (values_[i] - previous),
                         components_[i].describe(as_duration));
        previous = values_[i];
      }
      return s + ")";
    }
  }
  return "?";
}

Distribution Distribution::scaled(double factor) const {
  if (!(factor > 0) || !std::isfinite(factor)) reject("a scale factor must be a positive number");
  Distribution d = *this;
  switch (kind_) {
    case Kind::kLognormal:
      d.a_ += std::log(factor);
      break;
    case Kind::kWeibull:
      d.b_ *= factor;
      break;
    case Kind::kNormal:
      d.a_ *= factor, d.b_ *= factor, d.c_ *= factor, d.d_ *= factor;
      break;
    case Kind::kPert:
      d.a_ *= factor, d.b_ *= factor;
      break;
    case Kind::kEmpirical:
      for (double& x : d.values_) x *= factor;
      break;
    case Kind::kMixture:
      for (auto& c : d.components_) c = c.scaled(factor);
      break;
    default:  // constant, uniform, exponential, triangular: every parameter is a value
      d.a_ *= factor, d.b_ *= factor, d.c_ *= factor;
      break;
  }
  return d;
}

}  // namespace drsim::sim
