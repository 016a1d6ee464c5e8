// Equality of the short names a trial compares all the time: regions ("us-west-2"), ids,
// parameter and member names. std::string_view's == calls memcmp whenever two sizes agree,
// which for regions they nearly always do ("us-east-1", "us-west-2"); a MANGU trial makes
// about 380 such calls. same() compares eight bytes at a time, inline.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace drsim::sim {

namespace detail {
inline std::uint64_t load8(const char* p) {
  std::uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
inline std::uint32_t load4(const char* p) {
  std::uint32_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
}  // namespace detail

/// a == b.
inline bool same(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    // Whole words, then the last eight bytes (overlapping the previous word when n is not a
    // multiple of eight).
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (detail::load8(p + i) != detail::load8(q + i)) return false;
    }
    return detail::load8(p + n - 8) == detail::load8(q + n - 8);
  }
  if (n >= 4) {
    return detail::load4(p) == detail::load4(q) &&
           detail::load4(p + n - 4) == detail::load4(q + n - 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

/// The parts written one after the other, in one allocation: for the few messages and
/// names a trial puts together every time, where parsing a format string costs more than
/// the copying.
inline std::string concat(std::initializer_list<std::string_view> parts) {
  std::size_t n = 0;
  for (const std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (const std::string_view p : parts) out.append(p);
  return out;
}

}  // namespace drsim::sim
