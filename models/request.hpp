// One call of the backend interface, in the AWS CLI's vocabulary: a service, an operation
// and its `--parameters`, e.g. rds restore-db-instance-from-db-snapshot
// --db-instance-identifier X --db-snapshot-identifier Y --region us-east-1. Both the mock
// cloud and the live backend take a Request and give back an Outcome: an AWS-shaped result
// (what a `--query` reads) or an AWS-shaped error.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/aws_error.hpp"
#include "models/value.hpp"
#include "sim/time.hpp"

namespace drsim::sim {
class Event;
}

namespace drsim::models {

struct WaiterSpec;       // models/waiters.hpp
struct OperationInfo;    // models/operations.hpp
enum class WaiterState;  // models/waiters.hpp

/// A parameter without its leading "--": {"db-instance-identifier", "prod-db"}. Boolean
/// flags (--multi-az, --no-multi-az) are {"multi-az", true/false}.
struct Param {
  std::string name;
  Value value;
};

/// `Request::fields` of a call whose result nobody reads (no member has an empty name).
inline constexpr std::string_view kReadsNothing[] = {""};

/// A resource's answer built member by member, each only when a call with these `fields`
/// reads it (every one when `fields` is empty; see Request::fields). Which members are wanted
/// is looked up once, so that building each is a test of a flag:
///
///     ResourceValue<3> v(kMembers, fields);   // kMembers: the members' names, in order
///     v.add(kId, [&] { return db.id; });      // made only when wanted
///     return std::move(v).value();
template <std::size_t N>
class ResourceValue {
 public:
  /// `names` must live as long as the program (a static constexpr table).
  ResourceValue(const std::array<std::string_view, N>& names,
                std::span<const std::string_view> fields)
      : names_(names) {
    wanted_.fill(fields.empty());
    for (const std::string_view f : fields) {
      const auto i = std::find(names.begin(), names.end(), f) - names.begin();
      if (i < static_cast<std::ptrdiff_t>(N)) wanted_[static_cast<std::size_t>(i)] = true;
    }
    members_.reserve(fields.empty() ? N : fields.size());
  }
  /// Member `i`, made by `make()` when it is wanted.
  template <class Make>
  void add(std::size_t i, Make&& make) {
    if (wanted_[i]) members_.emplace_back(Key::fixed(names_[i]), Value(make()));
  }
  Value value() && { return Value(std::move(members_)); }

 private:
  const std::array<std::string_view, N>& names_;
  std::array<bool, N> wanted_;
  Members members_;
};

/// A parameter whose value is a credential or a secret (`password`s, `secret-string`,
/// `secret-binary`): shown as **** wherever a call is described.
bool is_secret_parameter(std::string_view name);

struct Request {
  std::string service;    // "rds", "s3api", "route53", "ecs", ...
  std::string operation;  // "restore-db-instance-from-db-snapshot"
  std::string region;     // the --region, already defaulted
  std::vector<Param> params;
  /// When not empty, the caller reads only these members of each resource a call describes
  /// or returns (a waiter's acceptors read one status; a step without outputs reads none:
  /// kReadsNothing; a step whose outputs are `List[i].Member...` paths reads those Members);
  /// a model may leave the others out. Members are those of the resources themselves (the
  /// elements of `DBInstances`, the object under `DBInstance`): what a member holds is built
  /// whole.
  std::span<const std::string_view> fields;
  /// Non-zero: the call's own draws (latency, throttling, injected faults) are keyed by this
  /// instead of by the call's place among the trial's calls. A waiter keys its polls by
  /// their number, so that knowing a poll's answer in advance changes no draw.
  std::uint64_t call_key = 0;
  /// The mock cloud's entry for this service and operation, when the caller looked it up
  /// once for many calls. A hint: used only when it names this very service and operation.
  const OperationInfo* operation_hint = nullptr;

  const Value* find(std::string_view name) const;
  /// The parameter as a string ("" when absent); numbers and booleans are spelled out.
  std::string text(std::string_view name) const;
  /// The same text without a copy when the parameter is a string; otherwise spelled into
  /// `scratch`, which the view then refers to.
  std::string_view text_view(std::string_view name, std::string& scratch) const;
  /// A boolean flag: true for --name, false for --no-name or when absent (or `fallback`).
  bool flag(std::string_view name, bool fallback = false) const;
  /// "rds restore-db-instance-from-db-snapshot --db-instance-identifier x --region r", with
  /// passwords and secret values shown as ****.
  std::string describe() const;
};

struct Outcome {
  Value result;
  std::optional<AwsError> error;
  sim::Duration latency = 0;  // how long the call itself took

  bool ok() const { return !error.has_value(); }
  static Outcome success(Value v) { return Outcome{std::move(v), std::nullopt, 0}; }
  static Outcome failure(AwsErrorCode code, std::string message) {
    return Outcome{Value(), AwsError{code, std::move(message)}, 0};
  }
};

/// Whether the caller of `r` reads none of its answer (its `fields` are kReadsNothing).
inline bool reads_nothing(const Request& r) {
  return r.fields.size() == 1 && r.fields[0].empty();
}

/// Success, with the answer `build()` makes when the caller reads any of it: a mutating call
/// whose answer nobody binds (most of a runbook's) builds none.
template <class Build>
Outcome answered(const Request& r, Build&& build) {
  return Outcome::success(reads_nothing(r) ? Value() : Value(std::forward<Build>(build)()));
}

/// What runbook steps talk to: the mock cloud (virtual time) or the live AWS backend.
class Backend {
 public:
  virtual ~Backend() = default;
  // For waiters: a simulated backend can tell how long a describe call's answer stays the
  // same, so that a waiter need not make every poll. The live backend never can.
  /// The instant before which `describe` (the members in its `fields`) would answer as it
  /// does now, admission included, provided no call changes the world meanwhile; nullopt
  /// when unknown.
  virtual std::optional<sim::Time> unchanged_until(const Request& describe) {
    (void)describe;
    return std::nullopt;
  }
  /// For a poll of waiter `waiter` ("services-stable") whose answer now makes it poll again:
  /// the instant before which every poll would, its answer changed or not. At least
  /// unchanged_until, which it is by default.
  virtual std::optional<sim::Time> retry_until(const Request& describe, std::string_view waiter) {
    (void)waiter;
    return unchanged_until(describe);
  }
  /// Admits polls whose answers are already known, the i-th keyed `keys[i]` (its
  /// Request::call_key, never 0), and sets `latencies[i]` to what it takes. Admitting a
  /// known poll draws its latency and does nothing else, so a caller may ask for more polls
  /// than it then counts as made.
  virtual void skip_polls(const Request& describe, std::span<const std::uint64_t> keys,
                          std::span<sim::Duration> latencies) {
    (void)describe;
    (void)keys;
    std::fill(latencies.begin(), latencies.end(), sim::Duration{0});
  }
  /// An event that fires the next time a call changes the world, or nullptr.
  virtual sim::Event* next_change() { return nullptr; }
  /// Performs one operation now. A long-running operation (a restore) returns at once, as
  /// AWS does; its progress shows in later describe calls.
  virtual Outcome invoke(const Request& request) = 0;
  /// One poll of `waiter` (its describe call): sets `out` to the call's outcome and returns
  /// the waiter's verdict on it, as `waiter.evaluate(invoke(poll))` does (the default). A
  /// simulated backend may decide from its state without building the answer: `out` then
  /// holds the call's latency, no result, and no error.
  virtual WaiterState poll(const Request& poll, const WaiterSpec& waiter, Outcome& out);
};

}  // namespace drsim::models
