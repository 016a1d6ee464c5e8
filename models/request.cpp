#include "models/request.hpp"

namespace drsim::models {

const Value* Request::find(std::string_view name) const {
  for (const Param& p : params) {
    if (p.name == name) return &p.value;
  }
  return nullptr;
}

std::string Request::text(std::string_view name) const {
  const Value* v = find(name);
  if (v == nullptr || v->is_null()) return {};
  return v->to_text();
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
    } else if (p.name.find("password") != std::string::npos || p.name == "secret-string" ||
               p.name == "secret-binary") {
      out += " --" + p.name + " ****";  // descriptions end up in logs: never a credential
    } else {
      out += " --" + p.name + " " + p.value.to_text();
    }
  }
  if (!region.empty()) out += " --region " + region;
  return out;
}

}  // namespace drsim::models
