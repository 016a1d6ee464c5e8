#include "sim/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace drsim::sim {
namespace {

// Every length up to well past two words, every position of a difference: same() must
// agree with == wherever its word loads begin, end or overlap.
TEST(Text, SameAgreesWithEqualityForEveryLengthAndEveryDifferingByte) {
  for (std::size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (std::size_t i = 0; i < n; ++i) a += static_cast<char>('a' + i % 26);
    const std::string b = a;
    EXPECT_TRUE(same(a, b)) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);  // one byte differs
      EXPECT_FALSE(same(a, c)) << n << " differing at " << i;
      EXPECT_FALSE(same(c, a)) << n << " differing at " << i;
    }
    EXPECT_FALSE(same(a, a + "x")) << n;
    EXPECT_FALSE(same(a + "x", a)) << n;
  }
}

TEST(Text, SameReadsOnlyTheViewsNotTheBytesAroundThem) {
  // Views into the middle of longer texts that differ just outside them.
  const std::string left = "xxus-west-2yy";
  const std::string right = "zzus-west-2ww";
  EXPECT_TRUE(same(std::string_view(left).substr(2, 9), std::string_view(right).substr(2, 9)));
  EXPECT_FALSE(same(std::string_view(left).substr(1, 9), std::string_view(right).substr(1, 9)));
  EXPECT_TRUE(same("us-east-1", "us-east-1"));
  EXPECT_FALSE(same("us-east-1", "us-west-1"));
  EXPECT_TRUE(same("", ""));
}

}  // namespace
}  // namespace drsim::sim
