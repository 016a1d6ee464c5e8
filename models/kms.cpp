#include "models/kms.hpp"

#include <algorithm>

#include "sim/text.hpp"

namespace drsim::models {
namespace {

// "arn:aws:kms:us-east-1:123456789012:alias/x" -> "alias/x"; "arn:...:key/abc" -> "abc".
std::string_view strip_arn(std::string_view key) {
  if (!key.starts_with("arn:")) return key;
  const auto last_colon = key.rfind(':');
  std::string_view tail = key.substr(last_colon + 1);
  if (tail.starts_with("key/")) tail.remove_prefix(4);
  return tail;
}

}  // namespace

void Kms::add_key(std::string region, std::string key_id, std::string alias) {
  keys_.push_back({std::move(region), std::move(key_id), std::move(alias)});
}

void Kms::remove_key(std::string_view region, std::string_view key) {
  key = strip_arn(key);
  std::erase_if(
      keys_, [&](const Key& k) { return k.region == region && (k.id == key || k.alias == key); });
}

bool Kms::accessible(std::string_view region, std::string_view key) const {
  key = strip_arn(key);
  if (key.empty() || key == "alias/aws/rds") return true;
  return std::any_of(keys_.begin(), keys_.end(), [&](const Key& k) {
    return sim::same(k.region, region) &&
           (sim::same(k.id, key) || (!k.alias.empty() && sim::same(k.alias, key)));
  });
}

Value Kms::describe(std::string_view region, std::string_view key) const {
  key = strip_arn(key);
  for (const Key& k : keys_) {
    if (k.region == region && (k.id == key || k.alias == key)) {
      return Value::object(
          {{"KeyMetadata",
            Value::object({{"KeyId", k.id}, {"KeyState", "Enabled"}, {"Enabled", true}})}});
    }
  }
  return Value();
}

}  // namespace drsim::models
