// `drsim discover`: the real state of an account, read through a backend (the AWS CLI), as a
// topology a scenario can include — so the mock starts from reality — and the backup checks
// of the seeds' verification scripts: the latest snapshot's status and age, a cross-region
// copy present, bucket versioning on, replication configured. Read-only: every call it makes
// is a describe, list or get.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/request.hpp"

namespace drsim::scenarios {

struct BackupCheck {
  std::string name;  // "latest snapshot of mangu-db"
  bool ok = false;
  std::string detail;  // "mangu-20261121-0300, available, 2.1 h old"
};

struct Discovery {
  /// {"topology": {...}, "_snapshots": [...], "_backup_checks": [...]}: `include` it from a
  /// scenario (members starting with "_" are notes a scenario ignores).
  nlohmann::json file;
  std::vector<BackupCheck> checks;
  std::vector<std::string> warnings;  // calls that failed (a service not enabled, say)
};

Discovery discover(models::Backend& backend, const std::vector<std::string>& regions,
                   std::chrono::system_clock::time_point now);

}  // namespace drsim::scenarios
