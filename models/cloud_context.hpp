// What every service model of the mock cloud shares within one trial: the clock, the
// calibration, the trial's random streams, and the regions with their disruptions.
//
// Regions and availability zones can be disrupted for a time window: entirely down (data
// plane and APIs), control plane down (APIs fail, running resources keep serving — the
// "rely on the data plane" case of Well-Architected REL11-BP04), control plane impaired
// (slow, throttled), or one AZ down.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/calibration.hpp"
#include "models/request.hpp"
#include "sim/distribution.hpp"
#include "sim/environment.hpp"
#include "sim/rng.hpp"
#include "sim/text.hpp"

namespace drsim::models {

enum class Disruption : std::uint8_t {
  kRegionDown,            // nothing in the region answers or serves
  kControlPlaneDown,      // API calls fail; running resources serve
  kControlPlaneImpaired,  // API calls are slow and often throttled
  kAzDown,                // one availability zone is down
};

struct DisruptionWindow {
  Disruption kind;
  std::string region;
  std::string az;  // for kAzDown
  sim::Time start = 0;
  sim::Time end = sim::kNever;
};

/// Continents, for cross-region copy throughput.
enum class Continent : std::uint8_t {
  kNorthAmerica,
  kSouthAmerica,
  kEurope,
  kAsiaPacific,
  kMiddleEast,
  kAfrica
};
Continent continent_of(std::string_view region);

/// What a random stream is for ("rds/restore-duration"): always a literal, hashed when drsim
/// is compiled.
class Purpose {
 public:
  consteval Purpose(const char* literal) : id_(sim::stream_id(literal)) {}  // NOLINT: implicit
  constexpr std::uint64_t id() const { return id_; }

 private:
  std::uint64_t id_;
};

class CloudContext {
 public:
  CloudContext(sim::Environment& env, const Calibration& calibration, std::uint64_t seed,
               std::uint64_t trial)
      : env_(env),
        calibration_(calibration),
        seed_(seed),
        trial_(trial),
        trial_key_(sim::Stream::trial_key(seed, trial)),
        api_latency_table_(latency_table(calibration)) {}

  sim::Time now() const { return env_.now(); }
  /// The scenario epoch in Unix milliseconds (virtual time 0), for ISO 8601 timestamps.
  std::int64_t epoch_unix_ms() const { return epoch_unix_ms_; }
  void set_epoch_unix_ms(std::int64_t epoch) { epoch_unix_ms_ = epoch; }
  /// The AWS account the mock plays (in ARNs).
  const std::string& account() const { return account_; }
  /// "arn:aws:rds:us-east-1:123456789012:snapshot:mangu-1" from ("rds", region, "snapshot:",
  /// "mangu-1"): one allocation, as answers build many.
  std::string arn(std::string_view service, std::string_view region, std::string_view kind,
                  std::string_view id) const;
  sim::Environment& env() { return env_; }
  const Calibration& calibration() const { return calibration_; }
  std::uint64_t seed() const { return seed_; }
  std::uint64_t trial() const { return trial_; }

  /// The stream for `purpose` of `resource`, its `occurrence`-th use: e.g.
  /// ("rds/restore", "prod-db-dr", 0). Independent of every other (purpose, resource, k).
  sim::Stream stream(Purpose purpose, std::string_view resource,
                     std::uint64_t occurrence = 0) const {
    return sim::Stream::keyed(trial_key_, stream_of(purpose, resource, occurrence));
  }
  /// One duration drawn from `d` on that stream.
  sim::Duration draw(const Distribution& d, Purpose purpose, std::string_view resource,
                     std::uint64_t occurrence = 0) const {
    return draw_for_id(d, purpose, sim::stream_id(resource), occurrence);
  }
  /// draw() with the resource's name already hashed (sim::stream_id), for callers that draw
  /// many times for one resource or whose name is made of parts.
  sim::Duration draw_for_id(const Distribution& d, Purpose purpose, std::uint64_t resource_id,
                            std::uint64_t occurrence = 0) const {
    const std::uint64_t stream = stream_of_id(purpose, resource_id, occurrence);
    if (d.draws_once()) return d.duration_at(sim::Stream::first_uniform01(trial_key_, stream));
    sim::Stream s = sim::Stream::keyed(trial_key_, stream);
    return d.sample_duration(s);
  }
  /// One uniform in (0, 1) on that stream.
  double uniform(Purpose purpose, std::string_view resource, std::uint64_t occurrence = 0) const {
    return sim::Stream::first_uniform01(trial_key_, stream_of(purpose, resource, occurrence));
  }

  // Regions.
  void add_region(std::string name, std::vector<std::string> azs = {});
  bool region_known(std::string_view region) const;
  const std::vector<std::string>& regions() const { return region_names_; }
  void disrupt(DisruptionWindow window) { disruptions_.push_back(std::move(window)); }
  const std::vector<DisruptionWindow>& disruptions() const { return disruptions_; }
  /// Running resources in the region (and AZ, when given) serve at `t`.
  bool data_plane_up(std::string_view region, sim::Time t, std::string_view az = {}) const;
  /// The first instant >= t at which the region's data plane is up again (kNever if never).
  sim::Time data_plane_back(std::string_view region, sim::Time t) const;
  /// The start of an outage of the whole region that covers `t`: the data plane was down
  /// from then until at least `t` (kNever: it is up at `t`, as data_plane_up says).
  sim::Time outage_start(std::string_view region, sim::Time t) const;
  /// The first instant in [from, to) at which the region's data plane goes down, or kNever.
  sim::Time data_plane_fails(std::string_view region, sim::Time from, sim::Time to) const;

  /// Checks that `request` may reach its region's API now; on success returns no error and
  /// sets `latency`. Draws latency and throttling from the trial's streams; `service_id` is
  /// sim::stream_id(request.service) (OperationInfo::service_id).
  std::optional<AwsError> admit(const Request& request, std::uint64_t service_id,
                                sim::Duration& latency);
  /// The latencies `admit` would draw for calls to the service hashed as `service_id`
  /// (OperationInfo::service_id) keyed `keys[i]` (non-zero Request::call_keys) when nothing
  /// disrupts their region (the caller knows): a waiter's polls answered in advance still
  /// take their time. See keyed_latency.
  void plain_latencies(std::uint64_t service_id, std::span<const std::uint64_t> keys,
                       std::span<sim::Duration> latencies) const;

  /// Starts a new trial: its streams, no disruptions.
  void reset_trial(std::uint64_t seed, std::uint64_t trial) {
    seed_ = seed;
    trial_ = trial;
    trial_key_ = sim::Stream::trial_key(seed, trial);
    disruptions_.clear();
    calls_ = 0;
  }

 private:
  static std::uint64_t stream_of(Purpose purpose, std::string_view resource,
                                 std::uint64_t occurrence) {
    return stream_of_id(purpose, sim::stream_id(resource), occurrence);
  }
  /// stream_of with the resource's name already hashed (sim::stream_id).
  static std::uint64_t stream_of_id(Purpose purpose, std::uint64_t resource,
                                    std::uint64_t occurrence) {
    return sim::mix64(purpose.id() ^ sim::mix64(resource + occurrence));
  }
  /// The "api/latency" stream of the trial's call number `call` to the service hashed as
  /// `service_id` (a keyed call's draws: keyed_latency).
  static std::uint64_t api_latency_stream(std::uint64_t service_id, std::uint64_t call) {
    return stream_of_id("api/latency", service_id, call);
  }
  bool active(const DisruptionWindow& w, std::string_view region, sim::Time t) const {
    return w.start <= t && t < w.end && sim::same(w.region, region);
  }
  /// The latency of the trial's API call number `call` to the service hashed as `service_id`
  /// (sim::stream_id; "api/latency" stream).
  sim::Duration api_latency_of(std::uint64_t service_id, std::uint64_t call) const;
  /// The latency of a keyed call (Request::call_key: a waiter's poll). A wait's keys step by
  /// SplitMix64's increment (kGoldenGamma) from its own start, so that its polls' latencies
  /// are outputs of that generator, seeded by the wait, the trial and the service: one mix a
  /// poll, in whatever order polls are made or skipped.
  sim::Duration keyed_latency(std::uint64_t service_id, std::uint64_t key) const;
  /// What keyed_latency adds to the key before mixing.
  std::uint64_t keyed_latency_seed(std::uint64_t service_id) const {
    return trial_key_ ^ service_id ^ Purpose("api/latency").id();
  }

  static std::optional<sim::DurationTable> latency_table(const Calibration& calibration);

  sim::Environment& env_;
  const Calibration& calibration_;
  std::uint64_t seed_, trial_;
  std::uint64_t trial_key_;  // sim::Stream::trial_key(seed_, trial_)
  // calibration_.api_latency by table: it is drawn on every call and every skipped poll.
  std::optional<sim::DurationTable> api_latency_table_;
  std::vector<std::string> region_names_;
  std::vector<std::vector<std::string>> region_azs_;
  std::vector<DisruptionWindow> disruptions_;
  std::uint64_t calls_ = 0;  // API calls made in this trial: each draws its own latency
  std::int64_t epoch_unix_ms_ = 1767571200000;  // 2026-01-05T00:00:00Z, a Monday
  std::string account_ = "123456789012";
};

}  // namespace drsim::models
