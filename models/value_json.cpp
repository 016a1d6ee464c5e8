#include "models/value_json.hpp"

namespace drsim::models {

Value value_from_json(const nlohmann::json& j) {
  using json = nlohmann::json;
  switch (j.type()) {
    case json::value_t::null:
      return Value();
    case json::value_t::boolean:
      return Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return Value(j.get<std::int64_t>());
    case json::value_t::number_float:
      return Value(j.get<double>());
    case json::value_t::string:
      return Value(j.get<std::string>());
    case json::value_t::array: {
      Array a;
      for (const json& e : j) a.push_back(value_from_json(e));
      return Value(std::move(a));
    }
    default: {
      Members m;
      for (const auto& [k, v] : j.items()) m.emplace_back(k, value_from_json(v));
      return Value(std::move(m));
    }
  }
}

}  // namespace drsim::models
