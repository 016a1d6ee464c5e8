#include "reports/output_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input_error.hpp"

namespace drsim::reports {
namespace {

namespace fs = std::filesystem;

fs::path fresh_directory() {
  fs::path dir =
      fs::temp_directory_path() / ("drsim-output-test-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  const fs::path dir = fresh_directory();
  const fs::path target = dir / "result.json";
  write_file_atomically(target.string(), "first");
  write_file_atomically(target.string(), "second");
  EXPECT_EQ(read(target), "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1);
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, AMissingDirectoryIsAnInputErrorAndWritesNothing) {
  const fs::path dir = fresh_directory();
  const fs::path target = dir / "missing" / "result.json";
  try {
    write_file_atomically(target.string(), "x");
    FAIL() << "wrote into a missing directory";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.where().file, target.string());
    EXPECT_NE(e.message().find("does not exist"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(target));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace drsim::reports
