#include "sim/input_error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace drsim::sim {

InputError::InputError(Location where, std::string message, std::string suggestion)
    : std::runtime_error(render(where, message, suggestion)),
      where_(std::move(where)),
      message_(std::move(message)),
      suggestion_(std::move(suggestion)) {}

std::string InputError::render(const Location& where, const std::string& message,
                               const std::string& suggestion) {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) out += fmt::format(":{}:{}", where.line, std::max(where.column, 1));
    out += ": ";
  }
  if (!where.pointer.empty()) out += fmt::format("at {}: ", where.pointer);
  out += message;
  if (!suggestion.empty()) out += fmt::format(" ({})", suggestion);
  return out;
}

InputError InputError::located(const Location& outer) const {
  Location merged = where_;
  if (merged.file.empty()) merged.file = outer.file;
  if (merged.line == 0) {
    merged.line = outer.line;
    merged.column = outer.column;
  }
  if (merged.pointer.empty()) merged.pointer = outer.pointer;
  return InputError(std::move(merged), message_, suggestion_);
}

namespace {

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each count 1 — "rsd" is one edit from "rds".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

}  // namespace

std::string closest_name(std::string_view name, std::span<const std::string_view> known) {
  std::string_view best;
  std::size_t best_distance = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3));
  for (std::string_view candidate : known) {
    const std::size_t d = edit_distance(name, candidate);
    if (d <= best_distance && (best.empty() || d < best_distance)) {
      best = candidate;
      best_distance = d;
    }
  }
  return std::string(best);
}

std::string suggest(std::string_view name, std::span<const std::string_view> known) {
  if (std::string close = closest_name(name, known); !close.empty()) {
    return fmt::format("did you mean `{}`?", close);
  }
  std::string list;
  for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
  return list.empty() ? std::string() : "expected one of: " + list;
}

}  // namespace drsim::sim
