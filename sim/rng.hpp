// Named random streams: every random draw in drsim comes from one of these.
//
// A stream is keyed by (run seed, trial index, stable stream name such as
// "rds/prod-db/restore-duration"). Because the key, not the order of draws, decides a
// stream's values: a trial can be replayed alone; results are identical for any number of
// threads; and adding a draw in one place never changes the draws made elsewhere, so two
// variants of a scenario run with common random numbers. Names are hashed once, when a
// scenario is compiled; the inner loop only combines three integers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace drsim::sim {

// 128-bit integers are a GCC/Clang extension; naming them once keeps -Wpedantic quiet.
__extension__ using uint128_t = unsigned __int128;
__extension__ using int128_t = __int128;

/// SplitMix64 finaliser: a bijective, well-mixing map of 64-bit integers.
/// SplitMix64's increment (2^64 / the golden ratio, odd).
inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix64(std::uint64_t x) {
  x += kGoldenGamma;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

namespace detail {
/// FNV-1a over `bytes`, continuing from `h`.
constexpr std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}
inline constexpr std::uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
}  // namespace detail

/// Stable 64-bit hash of a stream name (FNV-1a, then mixed). Never changes between
/// versions or platforms: recorded results depend on it.
constexpr std::uint64_t stream_id(std::string_view name) {
  return mix64(detail::fnv1a(detail::kFnvBasis, name));
}

/// stream_id of the name `parts` make written one after the other ({"a", "/", "b"} is
/// "a/b"), without building it.
constexpr std::uint64_t stream_id(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = detail::kFnvBasis;
  for (std::string_view part : parts) h = detail::fnv1a(h, part);
  return mix64(h);
}

/// The uniform in the open interval (0, 1) that 64 random bits make (their top 53).
constexpr double to_unit(std::uint64_t bits) {
  return (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;
}

/// A deterministic generator (xoshiro256**) for one (seed, trial, stream) key.
class Stream {
 public:
  Stream(std::uint64_t run_seed, std::uint64_t trial, std::uint64_t stream)
      : Stream(mix64(trial_key(run_seed, trial) ^ stream)) {}

  /// What every stream of one trial shares: Stream(seed, trial, s) is
  /// keyed(trial_key(seed, trial), s), for callers that make many streams in one trial.
  static constexpr std::uint64_t trial_key(std::uint64_t run_seed, std::uint64_t trial) {
    return mix64(mix64(run_seed) ^ trial);
  }
  static Stream keyed(std::uint64_t trial_key, std::uint64_t stream) {
    return Stream(mix64(trial_key ^ stream));
  }
  /// keyed(trial_key, stream).uniform01() without seeding the whole generator: the first
  /// output reads one word of the state. Most streams are used for one draw.
  static double first_uniform01(std::uint64_t trial_key, std::uint64_t stream) {
    const std::uint64_t word1 = mix64(mix64(mix64(trial_key ^ stream)));
    return to_unit(rotl(word1 * 5, 7) * 9);
  }

  /// The next 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in the open interval (0, 1): never exactly 0 or 1, so inverse-CDF transforms
  /// of it are always finite.
  double uniform01() { return to_unit(next()); }

  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-64 * n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<uint128_t>(next()) * n) >> 64);
  }

 private:
  explicit Stream(std::uint64_t key) {
    for (auto& word : s_) {
      key = mix64(key);
      word = key;
    }
  }
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace drsim::sim
