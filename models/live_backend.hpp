// The live backend: the same Backend interface as the mock cloud, answered by the real AWS
// CLI v2 (`/usr/bin/aws`, Debian's `awscli`). Each call is one subprocess, given an argv
// (never a shell string) with `--output json --no-cli-pager`; it inherits the CLI's
// credential chain (profiles, SSO, environment, instance roles), retries and pagination.
// The JSON it prints becomes a Value for the runbook's queries; its exit code and the
// "An error occurred (Code) when calling the X operation: ..." line become the same AwsError
// the mock raises. Waiters are drsim's (models/waiters.hpp): the CLI's own sleep 30 s
// between polls and cannot be tuned.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "models/aws_cli.hpp"
#include "models/waiters.hpp"

namespace drsim::models {

/// What a subprocess did.
struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
  bool timed_out = false;
  std::chrono::nanoseconds elapsed{0};
};

/// Runs `argv` (argv[0] is the program's path) with stdin closed, collecting its output,
/// and kills it after `timeout`. The child gets its own process group, so a Ctrl-C at the
/// terminal reaches drsim (which stops after the call) and not the call in flight. Throws
/// std::runtime_error when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

/// `aws --version` must say aws-cli/2.*; returns the version line, or throws
/// std::runtime_error saying what was found and what to install.
std::string check_cli_version(const std::string& aws);

class LiveBackend : public Backend {
 public:
  explicit LiveBackend(LiveOptions options) : options_(std::move(options)) {}
  /// Runs the call; `latency` is the wall time it took. Never throws for AWS's errors.
  Outcome invoke(const Request& request) override;
  const LiveOptions& options() const { return options_; }
  /// Called with each argv before it runs (for a log; never contains credentials).
  std::function<void(const std::vector<std::string>&)> on_call;

 private:
  LiveOptions options_;
};

/// A waiter against the live backend, in wall-clock time: polls at once, then every `delay`,
/// with the same acceptors as the mock's waiters, up to `max_attempts` polls. Returns early
/// (state kRetry, attempts so far) when `stop` becomes true.
WaitResult wait_live(Backend& backend, const WaiterSpec& spec, const Request& poll,
                     std::chrono::milliseconds delay, int max_attempts,
                     const std::atomic<bool>* stop = nullptr);

}  // namespace drsim::models
