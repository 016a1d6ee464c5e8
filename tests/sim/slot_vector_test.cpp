#include "sim/slot_vector.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace drsim::sim {
namespace {

struct Item {
  std::string name;  // longer than the short-string buffer: it owns memory
  std::vector<int> parts;
  int number = 0;
};

std::string long_name(int i) {
  return "a-name-long-enough-to-be-allocated-" + std::to_string(i);
}

TEST(SlotVector, ClearForgetsTheElementsAndTheNextFillReusesTheirMemory) {
  SlotVector<Item> v;
  for (int i = 0; i < 3; ++i) v.assign_next(Item{long_name(i), {i, i}, i});
  ASSERT_EQ(v.size(), 3u);
  const char* buffer = v[1].name.data();
  const int* parts = v[1].parts.data();

  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end()) << "the kept elements are not seen";

  const Item second{long_name(7), {7, 7}, 7};
  v.assign_next(Item{long_name(6), {6}, 6});
  const Item& copied = v.assign_next(second);
  EXPECT_EQ(copied.name, long_name(7));
  EXPECT_EQ(copied.parts, (std::vector<int>{7, 7}));
  EXPECT_EQ(copied.number, 7);
  EXPECT_EQ(copied.name.data(), buffer) << "copied into the kept string's buffer";
  EXPECT_EQ(copied.parts.data(), parts) << "and the kept vector's";
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(std::count_if(v.begin(), v.end(), [](const Item& x) { return x.number == 2; }), 0)
      << "the third element of the first fill is not there";
  EXPECT_EQ(v.back().number, 7);
}

TEST(SlotVector, ReuseNextHandsOutAKeptElementOrANewOneAndPushBackAppends) {
  SlotVector<Item> v;
  Item& fresh = v.reuse_next();
  EXPECT_TRUE(fresh.name.empty());
  EXPECT_EQ(fresh.number, 0);
  fresh.name = long_name(1);
  fresh.number = 1;
  v.push_back(Item{long_name(2), {}, 2});
  v.clear();
  Item& kept = v.reuse_next();
  EXPECT_EQ(kept.number, 1) << "a kept element still holds its old values: the caller sets them";
  kept.number = 3;
  EXPECT_EQ(v.size(), 1u);
  v.push_back(Item{"x", {}, 4});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].number, 3);
  EXPECT_EQ(v[1].name, "x");
  EXPECT_EQ(v[1].number, 4);
  // Past the elements kept, it grows like a vector.
  for (int i = 0; i < 10; ++i) v.assign_next(Item{long_name(i), {}, 10 + i});
  ASSERT_EQ(v.size(), 12u);
  EXPECT_EQ(v.back().number, 19);
}

}  // namespace
}  // namespace drsim::sim
