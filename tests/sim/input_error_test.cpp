#include "sim/input_error.hpp"

#include <gtest/gtest.h>

#include <array>

namespace drsim::sim {
namespace {

TEST(InputError, RendersFileLineColumnPointerAndSuggestion) {
  InputError e({"scenarios/x.json", 12, 7, "/topology/rds/db/snapshots/retension"},
               "unknown field `retension`", "did you mean `retention`?");
  EXPECT_STREQ(e.what(),
               "scenarios/x.json:12:7: at /topology/rds/db/snapshots/retension: unknown field "
               "`retension` (did you mean `retention`?)");
}

TEST(InputError, LocatedFillsOnlyMissingParts) {
  InputError inner({{}, 0, 0, "/a/b"}, "bad");
  InputError outer = inner.located({"f.json", 3, 4, "/ignored"});
  EXPECT_EQ(outer.where().file, "f.json");
  EXPECT_EQ(outer.where().line, 3);
  EXPECT_EQ(outer.where().pointer, "/a/b");
}

TEST(ClosestName, FindsPlausibleTyposOnly) {
  constexpr std::array<std::string_view, 4> known{"retention", "every", "copy_to", "window"};
  EXPECT_EQ(closest_name("retension", known), "retention");
  EXPECT_EQ(closest_name("evry", known), "every");
  EXPECT_EQ(closest_name("copy-to", known), "copy_to");
  EXPECT_EQ(closest_name("evrey", known), "every") << "a swap of two letters is one edit";
  EXPECT_EQ(closest_name("banana", known), "");
  EXPECT_EQ(suggest("banana", known), "expected one of: retention, every, copy_to, window");
  EXPECT_EQ(suggest("windw", known), "did you mean `window`?");
}

}  // namespace
}  // namespace drsim::sim
