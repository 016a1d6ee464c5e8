// The AWS CLI's waiters (`aws rds wait db-instance-available ...`), with botocore's own
// delays, attempt limits and acceptors (botocore data/*/waiters-2.json), implemented here
// so that the mock and the live backend wait the same way and the delay can be tuned.
//
// As in botocore: the first poll happens at once; acceptors are tried in order; an error
// that no acceptor expects ends the wait as a failure; after the last attempt the waiter
// gives up ("Max attempts exceeded").
#pragma once

#include <span>
#include <string_view>

#include "models/request.hpp"
#include "sim/environment.hpp"

namespace drsim::models {

enum class WaiterState { kSuccess, kFailure, kRetry };

struct WaiterSpec {
  std::string_view service;    // "rds"
  std::string_view name;       // "db-instance-available"
  std::string_view operation;  // the describe operation it polls
  sim::Duration delay;         // between polls
  int max_attempts;
  WaiterState (*evaluate)(const Outcome& poll);
  /// The members of each described resource that `evaluate` reads (empty: it may read any).
  std::span<const std::string_view> fields = {};
};

/// db-instance-available's acceptors (botocore's), fed one described instance at a time:
/// success when every instance is `available`, failure when one is in a state it cannot
/// leave for `available` (deleted, failed, ...), else poll again. The one definition both
/// for a poll's answer and for a model that decides without building it.
class InstancesAvailable {
 public:
  /// An instance's DBInstanceStatus ("" when the answer has none).
  void add(std::string_view status);
  WaiterState verdict() const;

 private:
  bool any_ = false, all_available_ = true, bad_ = false;
};

/// services-stable's acceptors, fed one listed service at a time: failure when one is
/// MISSING or inactive, success when each runs its desired count in one deployment.
class ServicesStable {
 public:
  /// A listed service the call did not find (`failures[].reason` MISSING).
  void missing() { missing_ = true; }
  /// A described service: its status, whether it lists exactly one deployment, and whether
  /// its running count equals its desired count.
  void add(std::string_view status, bool one_deployment, bool counts_match);
  WaiterState verdict() const;

 private:
  bool missing_ = false, inactive_ = false, any_ = false, stable_ = true;
};

std::span<const WaiterSpec> waiters();
const WaiterSpec* find_waiter(std::string_view service, std::string_view name);

struct WaitResult {
  WaiterState state = WaiterState::kRetry;  // kRetry here: gave up after max_attempts
  int attempts = 0;
  Outcome last;  // the last poll's (its result empty when the backend decided without one)
};

/// Polls `poll` (the wait command's parameters; the waiter writes its own operation over
/// the request's, and each poll's key, so `poll` must outlive the wait) until an acceptor
/// decides or `max_attempts` polls were made, sleeping `delay` in between. The polls' draws
/// are keyed by `poll.call_key` as given (give each wait its own) and the poll number.
sim::Task<WaitResult> wait_for(sim::Environment& env, Backend& backend, const WaiterSpec& spec,
                               Request& poll, sim::Duration delay, int max_attempts);

}  // namespace drsim::models
