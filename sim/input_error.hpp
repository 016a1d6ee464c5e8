// The one error type for user mistakes: bad files, bad flags, impossible values.
//
// Every layer throws InputError when input is wrong, carrying where (file, line:column, JSON
// pointer), what was expected, and a suggestion when a name is close to a known one. The CLI
// prints it and exits with code 2. Internal invariants are assertions, never InputError.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace drsim::sim {

/// Where in the user's input something went wrong. Every part is optional.
struct Location {
  std::string file;     ///< path as the user gave it
  int line = 0;         ///< 1-based; 0 when unknown
  int column = 0;       ///< 1-based; 0 when unknown
  std::string pointer;  ///< JSON pointer ("/runbook/3/after/0"), or a flag name ("--trials")
};

/// A user's mistake, explained: where, what was expected, and perhaps a suggestion.
class InputError : public std::runtime_error {
 public:
  InputError(Location where, std::string message, std::string suggestion = {});

  const Location& where() const { return where_; }
  /// What was wrong and what was expected, without the location.
  const std::string& message() const { return message_; }
  /// "did you mean `retention`?" or empty.
  const std::string& suggestion() const { return suggestion_; }

  /// A copy with missing location parts filled from `outer` (for errors raised deep inside
  /// a parser that does not know the file it reads). Parts already known are kept.
  InputError located(const Location& outer) const;

 private:
  static std::string render(const Location& where, const std::string& message,
                            const std::string& suggestion);
  Location where_;
  std::string message_;
  std::string suggestion_;
};

/// The known name closest to `name` by edit distance, or empty when none is close enough
/// to be a plausible typo (distance at most a third of the name's length, and at most 3).
std::string closest_name(std::string_view name, std::span<const std::string_view> known);

/// "did you mean `x`?" when a close name exists, else "expected one of: a, b, c".
std::string suggest(std::string_view name, std::span<const std::string_view> known);

}  // namespace drsim::sim
