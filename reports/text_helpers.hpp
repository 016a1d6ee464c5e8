// Small pieces every renderer uses: durations and shares in words, and markup escaping.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/statistics.hpp"
#include "sim/time.hpp"

namespace drsim::reports {

/// "1.69h", "18.3m", "never".
inline std::string human(std::int64_t ms) {
  return ms == sim::kInfinite ? "never" : sim::format_duration_short(ms);
}

/// A change of a duration: "+42m", "−3.1m", "+0ms"; ±infinity as "+∞" / "−∞".
inline std::string signed_human(double ms) {
  if (std::isinf(ms)) return ms > 0 ? "+∞" : "−∞";
  return fmt::format("{}{}", ms < 0 ? "−" : "+",
                     human(static_cast<std::int64_t>(std::llround(std::abs(ms)))));
}

/// "64.3%"; "100%" only when every trial met it: 99.99% must not round up to a promise.
inline std::string percent(double share) {
  if (share >= 1.0) return "100%";
  if (share >= 0.999) return fmt::format("{:.2f}%", 100 * std::min(share, 0.9999));
  return fmt::format("{:.1f}%", 100 * share);
}

/// Text for HTML or XML: & < > " ' escaped; control characters XML 1.0 cannot hold dropped.
inline std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

/// Display columns of UTF-8 text (code points; drsim's text uses no wide characters).
inline std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// Text for a Markdown table cell, which may not hold a pipe or a line break.
inline std::string markdown_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace drsim::reports
