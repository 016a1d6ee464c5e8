// Writing result files so that a reader never sees half of one: the content goes to a
// temporary file beside the target, which is then renamed over it (atomic on POSIX).
#pragma once

#include <string>
#include <string_view>

namespace drsim::reports {

/// Writes `content` to `path` atomically. Throws sim::InputError (the path is the user's)
/// when the directory does not exist or cannot be written; leaves no temporary behind.
void write_file_atomically(const std::string& path, std::string_view content);

/// Checks up front that `path` could be written (its directory exists), so that a long run
/// does not end in an error about its output. Throws sim::InputError like the writer.
void check_writable(const std::string& path);

}  // namespace drsim::reports
