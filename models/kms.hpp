// KMS keys per region. An encrypted snapshot can only be copied into, or restored in, a
// region where the key named for it exists — the classic latent defect of a DR region that
// was never given the key ("KMSKeyNotAccessibleFault").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/value.hpp"

namespace drsim::models {

class Kms {
 public:
  /// A key in `region`, known by its id and optionally an alias ("alias/mangu-rds-dr").
  void add_key(std::string region, std::string key_id, std::string alias = {});
  /// Removes a key (failure injection: "the DR region has no key").
  void remove_key(std::string_view region, std::string_view key_id_or_alias);
  /// Whether `key` (id, alias or ARN) exists in `region`. The AWS-managed "alias/aws/rds"
  /// exists everywhere.
  bool accessible(std::string_view region, std::string_view key) const;
  /// kms describe-key.
  Value describe(std::string_view region, std::string_view key) const;
  void clear() { keys_.clear(); }

 private:
  struct Key {
    std::string region, id, alias;
  };
  std::vector<Key> keys_;
};

}  // namespace drsim::models
