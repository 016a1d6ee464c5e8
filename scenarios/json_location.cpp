#include "scenarios/json_location.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace drsim::scenarios {

sim::Location location_of_offset(std::string_view text, std::size_t offset,
                                 const std::string& file) {
  sim::Location where{file, 1, 1, {}};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else {
      ++where.column;
    }
  }
  return where;
}

nlohmann::json parse_json(std::string_view text, const std::string& file) {
  try {
    return nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports the byte just past the offending token; point at the token itself.
    const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error while
    // parsing object - unexpected '}'; expected string literal" -> keep what follows ": ".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw sim::InputError(location_of_offset(text, offset, file), "invalid JSON: " + what);
  }
}

std::string json_type_name(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    default:
      return "a number";
  }
}

namespace {

/// Escapes a key for a JSON pointer: ~ -> ~0, / -> ~1 (RFC 6901).
std::string escape_pointer(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class Scanner {
 public:
  Scanner(std::string_view text, std::vector<std::pair<std::string, std::size_t>>& out)
      : text_(text), out_(out) {}
  void value(const std::string& pointer) {
    skip_space();
    out_.emplace_back(pointer, pos_);
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      for (skip_space(); pos_ < text_.size() && text_[pos_] != '}';) {
        const std::string key = string();
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ':') ++pos_;
        value(pointer + "/" + escape_pointer(key));
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
        skip_space();
      }
      ++pos_;
    } else if (c == '[') {
      ++pos_;
      std::size_t index = 0;
      for (skip_space(); pos_ < text_.size() && text_[pos_] != ']';) {
        value(pointer + "/" + std::to_string(index++));
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ',') ++pos_;
        skip_space();
      }
      ++pos_;
    } else if (c == '"') {
      string();
    } else {
      while (pos_ < text_.size() &&
             std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos)
        ++pos_;
    }
  }

 private:
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  std::string string() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        ++pos_;
        out += text_[pos_] == 'n' ? '\n' : text_[pos_];  // enough for keys; values are not decoded
      } else {
        out += text_[pos_];
      }
      ++pos_;
    }
    ++pos_;  // closing quote
    return out;
  }
  std::string_view text_;
  std::vector<std::pair<std::string, std::size_t>>& out_;
  std::size_t pos_ = 0;
};

}  // namespace

JsonLocations::JsonLocations(std::string_view text, std::string file)
    : file_(std::move(file)), text_(text) {
  Scanner(text, offsets_).value("");
}

sim::Location JsonLocations::locate(const std::string& pointer) const {
  // The value itself, else its nearest ancestor that exists (a missing member's object).
  for (std::string p = pointer;; p = p.substr(0, p.rfind('/'))) {
    for (const auto& [candidate, offset] : offsets_) {
      if (candidate == p) {
        sim::Location where = location_of_offset(text_, offset, file_);
        where.pointer = pointer;
        return where;
      }
    }
    if (p.empty()) break;
  }
  return sim::Location{file_, 0, 0, pointer};
}

sim::InputError JsonLocations::locate(const sim::InputError& error) const {
  return error.located(locate(error.where().pointer));
}

std::string read_input_file(const std::string& path, const sim::Location& from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::InputError(from, fmt::format("cannot read `{}` (does it exist?)", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace drsim::scenarios
