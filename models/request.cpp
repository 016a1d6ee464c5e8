#include "models/request.hpp"

#include "sim/text.hpp"

namespace drsim::models {

bool is_secret_parameter(std::string_view name) {
  return name.find("password") != std::string_view::npos || name == "secret-string" ||
         name == "secret-binary";
}

const Value* Request::find(std::string_view name) const {
  for (const Param& p : params) {
    if (sim::same(p.name, name)) return &p.value;
  }
  return nullptr;
}

std::string Request::text(std::string_view name) const {
  const Value* v = find(name);
  if (v == nullptr || v->is_null()) return {};
  return v->to_text();
}

std::string_view Request::text_view(std::string_view name, std::string& scratch) const {
  const Value* v = find(name);
  if (v != nullptr && v->is_string()) return v->as_string();
  scratch = text(name);
  return scratch;
}

bool Request::flag(std::string_view name, bool fallback) const {
  const Value* v = find(name);
  if (v == nullptr) return fallback;
  if (v->type() == Value::Type::kBool) return v->as_bool();
  return v->to_text() == "true";
}

std::string Request::describe() const {
  std::string out = service + " " + operation;
  for (const Param& p : params) {
    if (p.value.type() == Value::Type::kBool) {
      out += (p.value.as_bool() ? " --" : " --no-") + p.name;
    } else if (is_secret_parameter(p.name)) {
      out += " --" + p.name + " ****";  // descriptions end up in logs: never a credential
    } else {
      out += " --" + p.name + " " + p.value.to_text();
    }
  }
  if (!region.empty()) out += " --region " + region;
  return out;
}

}  // namespace drsim::models
