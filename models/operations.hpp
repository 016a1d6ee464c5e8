// The operations drsim knows, in the AWS CLI's vocabulary, and whether each changes the
// world. The mock cloud implements every one of them; the scenario compiler rejects others
// with a suggestion; the live backend refuses mutating ones in a dry run. docs/models.md
// documents each (a test keeps the two lists equal).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "sim/rng.hpp"

namespace drsim::models {

struct OperationInfo {
  std::string_view service;    // "rds"
  std::string_view operation;  // "restore-db-instance-from-db-snapshot"
  bool mutating;
  /// sim::stream_id(service), hashed once at compile time: the key of the service's draws.
  std::uint64_t service_id = sim::stream_id(service);
};

/// Every operation the mock cloud models.
std::span<const OperationInfo> operations();
/// The entry for service + operation, or null.
const OperationInfo* find_operation(std::string_view service, std::string_view operation);

}  // namespace drsim::models
