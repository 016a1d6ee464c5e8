#include "reports/output_file.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sim/input_error.hpp"

namespace drsim::reports {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw sim::InputError(sim::Location{path, 0, 0, {}}, "cannot write the file: " + why);
}

fs::path directory_of(const std::string& path) {
  const fs::path target(path);
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

}  // namespace

void check_writable(const std::string& path) {
  const fs::path directory = directory_of(path);
  if (!fs::is_directory(directory)) {
    fail(path, fmt::format("directory {} does not exist", directory.string()));
  }
  if (fs::is_directory(fs::path(path))) fail(path, "it is a directory");
}

void write_file_atomically(const std::string& path, std::string_view content) {
  check_writable(path);
  const fs::path target(path);
  const fs::path directory = directory_of(path);
  auto fail = [&](const std::string& why) { reports::fail(path, why); };
  std::string temporary =
      (directory / fmt::format(".{}.tmp-XXXXXX", target.filename().string())).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) fail(std::strerror(errno));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(temporary.c_str());
      fail(why);
    }
    written += static_cast<std::size_t>(n);
  }
  // mkstemp creates 0600; result files are ordinary files, readable like any other.
  (void)::fchmod(fd, 0644);
  if (::close(fd) != 0 || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    fail(why);
  }
}

}  // namespace drsim::reports
