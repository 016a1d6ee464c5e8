#include "models/cloud_context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "sim/text.hpp"

namespace drsim::models {

Continent continent_of(std::string_view region) {
  if (region.starts_with("us-") || region.starts_with("ca-") || region.starts_with("mx-")) {
    return Continent::kNorthAmerica;
  }
  if (region.starts_with("eu-") || region.starts_with("il-")) return Continent::kEurope;
  if (region.starts_with("ap-")) return Continent::kAsiaPacific;
  if (region.starts_with("sa-")) return Continent::kSouthAmerica;
  if (region.starts_with("me-")) return Continent::kMiddleEast;
  return Continent::kAfrica;
}

std::string CloudContext::arn(std::string_view service, std::string_view region,
                              std::string_view kind, std::string_view id) const {
  std::string out;
  out.reserve(12 + service.size() + region.size() + account_.size() + kind.size() + id.size());
  for (std::string_view part :
       {std::string_view("arn:aws:"), service, std::string_view(":"), region, std::string_view(":"),
        std::string_view(account_), std::string_view(":"), kind, id})
    out += part;
  return out;
}

void CloudContext::add_region(std::string name, std::vector<std::string> azs) {
  if (region_known(name)) return;  // the topology is applied again every trial
  if (azs.empty()) {
    for (char letter : {'a', 'b', 'c'}) azs.push_back(name + letter);
  }
  region_names_.push_back(std::move(name));
  region_azs_.push_back(std::move(azs));
}

bool CloudContext::region_known(std::string_view region) const {
  return std::any_of(region_names_.begin(), region_names_.end(),
                     [&](const std::string& r) { return sim::same(r, region); });
}

bool CloudContext::data_plane_up(std::string_view region, sim::Time t, std::string_view az) const {
  for (const DisruptionWindow& w : disruptions_) {
    if (!active(w, region, t)) continue;
    if (w.kind == Disruption::kRegionDown) return false;
    if (w.kind == Disruption::kAzDown && !az.empty() && w.az == az) return false;
  }
  return true;
}

sim::Time CloudContext::outage_start(std::string_view region, sim::Time t) const {
  for (const DisruptionWindow& w : disruptions_) {
    if (w.kind == Disruption::kRegionDown && active(w, region, t)) return w.start;
  }
  return sim::kNever;
}

sim::Time CloudContext::data_plane_back(std::string_view region, sim::Time t) const {
  // Windows may overlap or chain; advance until no full outage covers the instant.
  for (bool moved = true; moved && t != sim::kNever;) {
    moved = false;
    for (const DisruptionWindow& w : disruptions_) {
      if (w.kind == Disruption::kRegionDown && active(w, region, t)) {
        t = w.end;
        moved = true;
      }
    }
  }
  return t;
}

sim::Time CloudContext::data_plane_fails(std::string_view region, sim::Time from,
                                         sim::Time to) const {
  sim::Time first = sim::kNever;
  for (const DisruptionWindow& w : disruptions_) {
    if (w.kind != Disruption::kRegionDown || !sim::same(w.region, region)) continue;
    if (w.start < to && w.end > from) first = std::min(first, std::max(w.start, from));
  }
  return first;
}

std::optional<sim::DurationTable> CloudContext::latency_table(const Calibration& calibration) {
  if (!calibration.api_latency.draws_once()) return std::nullopt;
  return sim::DurationTable(calibration.api_latency);
}

sim::Duration CloudContext::api_latency_of(std::uint64_t service_id, std::uint64_t call) const {
  const std::uint64_t stream = api_latency_stream(service_id, call);
  if (api_latency_table_) {
    return api_latency_table_->at(sim::Stream::first_uniform01(trial_key_, stream));
  }
  sim::Stream s = sim::Stream::keyed(trial_key_, stream);  // a mixture: two uniforms a draw
  return calibration_.api_latency.sample_duration(s);
}

sim::Duration CloudContext::keyed_latency(std::uint64_t service_id, std::uint64_t key) const {
  if (api_latency_table_) {
    return api_latency_table_->at(sim::to_unit(sim::mix64(key + keyed_latency_seed(service_id))));
  }
  return api_latency_of(service_id, key);  // a mixture: two uniforms a draw, from a stream
}

void CloudContext::plain_latencies(std::uint64_t service_id, std::span<const std::uint64_t> keys,
                                   std::span<sim::Duration> latencies) const {
  if (!api_latency_table_) {
    for (std::size_t i = 0; i < keys.size(); ++i) latencies[i] = keyed_latency(service_id, keys[i]);
    return;
  }
  // The same draws as keyed_latency, in two passes: every call's uniform first, then the
  // table lookups (whose cache misses then overlap, instead of each stalling the next hash).
  const std::uint64_t seed = keyed_latency_seed(service_id);
  constexpr std::size_t kChunk = 64;
  std::array<double, kChunk> u;
  for (std::size_t start = 0; start < keys.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, keys.size() - start);
    for (std::size_t i = 0; i < n; ++i) u[i] = sim::to_unit(sim::mix64(keys[start + i] + seed));
    for (std::size_t i = 0; i < n; ++i) latencies[start + i] = api_latency_table_->at(u[i]);
  }
}

std::optional<AwsError> CloudContext::admit(const Request& request, std::uint64_t service_id,
                                            sim::Duration& latency) {
  assert(service_id == sim::stream_id(request.service));
  std::uint64_t call = request.call_key;
  if (call != 0) {
    latency = keyed_latency(service_id, call);
  } else {
    call = calls_++;
    latency = api_latency_of(service_id, call);
  }
  // Route 53's control plane is served from us-east-1, whatever --region says.
  const bool route53 = std::string_view(request.service) == "route53";
  const std::string_view region = route53 ? std::string_view("us-east-1") : request.region;
  if (!region_known(region)) {
    if (route53) return std::nullopt;  // us-east-1 not modelled: assume up
    return AwsError{AwsErrorCode::kEndpointConnectionError,
                    fmt::format("Could not connect to the endpoint URL for region \"{}\"", region)};
  }
  const sim::Time t = now();
  for (const DisruptionWindow& w : disruptions_) {
    if (!active(w, region, t)) continue;
    switch (w.kind) {
      case Disruption::kRegionDown:
      case Disruption::kControlPlaneDown:
        // Most calls to a region that is down come here: the message is put together
        // without a format string to parse.
        return AwsError{AwsErrorCode::kEndpointConnectionError,
                        sim::concat({"Could not connect to the endpoint URL: \"https://",
                                     request.service, ".", region, ".amazonaws.com/\""})};
      case Disruption::kControlPlaneImpaired:
        latency = static_cast<sim::Duration>(static_cast<double>(latency) *
                                             calibration_.impaired_latency_factor);
        if (uniform("api/throttle", request.service, call) <
            calibration_.impaired_throttle_probability) {
          return AwsError{AwsErrorCode::kThrottling, "Rate exceeded"};
        }
        break;
      case Disruption::kAzDown:
        break;
    }
  }
  return std::nullopt;
}

}  // namespace drsim::models
