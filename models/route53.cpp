#include "models/route53.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sim/text.hpp"

namespace drsim::models {
namespace {

using sim::kNever;
using sim::Time;

std::string_view zone_id_view(std::string_view id) {
  return id.starts_with("/hostedzone/") ? id.substr(12) : id;
}

std::string zone_id_of(std::string_view id) {
  return std::string(zone_id_view(id));
}

Time floor_to(Time t, Time phase, sim::Duration every) {
  Time k = (t - phase) / every;
  if ((t - phase) % every < 0) --k;
  return phase + k * every;
}

bool same_set(const DnsRecord& a, const DnsRecord& b) {
  return a.name == b.name && a.type == b.type && a.set_identifier == b.set_identifier;
}

/// ASCII case folding: DNS names are ASCII (and no locale call).
char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// dns_name's form, in place: lowered, with a final dot.
void normalize_dns_name(std::string& name) {
  for (char& c : name) c = ascii_lower(c);
  if (name.empty() || name.back() != '.') name += '.';
}

/// Whether `query` names `stored` (a name already in dns_name's form): case-insensitive,
/// trailing dot optional. Called for every record on every client lookup: no allocation.
bool names_record(std::string_view stored, std::string_view query) {
  if (!query.empty() && query.back() == '.') query.remove_suffix(1);
  if (stored.size() != query.size() + 1) return false;
  if (sim::same(stored.substr(0, query.size()), query)) return true;  // lower case, as most are
  for (std::size_t i = 0; i < query.size(); ++i) {
    if (stored[i] != ascii_lower(query[i])) return false;
  }
  return true;
}

/// "C00000000002A": a change's id, as fmt's "C{:012X}" spells it, without a format string.
std::string change_id(std::size_t n) {
  constexpr std::size_t kDigits = 12;
  if (n >> (4 * kDigits) != 0) return fmt::format("C{:012X}", n);
  std::string id(kDigits + 1, '0');
  id[0] = 'C';
  for (std::size_t i = kDigits; n != 0; --i, n >>= 4) id[i] = "0123456789ABCDEF"[n & 15];
  return id;
}

}  // namespace

std::string dns_name(std::string_view name) {
  std::string n;
  n.reserve(name.size() + 1);  // one allocation, with room for the final dot
  n.assign(name);
  normalize_dns_name(n);
  return n;
}

// Zones and records are written into the elements kept from the trial before (see
// sim::SlotVector): the same names, in the same buffers.
void Route53::add_zone(std::string_view id, std::string_view name) {
  auto& [zone_id, zone_name] = zones_.reuse_next();
  zone_id.assign(zone_id_view(id));
  zone_name.assign(name);
  normalize_dns_name(zone_name);
}

void Route53::add_record(std::string_view zone_id, const DnsRecord& record, Time from) {
  Version& v = versions_.reuse_next();
  v.zone.assign(zone_id_view(zone_id));
  v.record = record;
  normalize_dns_name(v.record.name);
  v.visible_from = from;
  v.visible_until = kNever;
}

void Route53::add_health_check(HealthCheck check) {
  checks_.push_back(std::move(check));
}

void Route53::clear() {
  zones_.clear();
  versions_.clear();
  changes_.clear();
  checks_.clear();
}

std::vector<const DnsRecord*> Route53::records_at(std::string_view name, Time t) const {
  std::vector<const DnsRecord*> out;
  for (const Version& v : versions_) {
    if (names_record(v.record.name, name) && v.visible_from <= t && t < v.visible_until)
      out.push_back(&v.record);
  }
  return out;
}

bool Route53::health_check_healthy(std::string_view id, Time t) const {
  for (const HealthCheck& c : checks_) {
    if (c.id != id) continue;
    if (!probe_) return true;
    // Route 53 declares a target unhealthy after `failure_threshold` failed checks in a row
    // (and healthy again after as many passing ones): it reports the state the target had
    // that many intervals ago, at the checkers' common phase.
    const Time phase = static_cast<Time>(context_.uniform("route53/check-phase", c.id) *
                                         static_cast<double>(c.interval));
    const Time evaluated = floor_to(t, phase, c.interval) - (c.failure_threshold - 1) * c.interval;
    return probe_(c.target, evaluated);
  }
  return true;  // an unknown check never fails a record
}

std::string_view Route53::authoritative_answer(std::string_view name, Time t, double pick) const {
  // The common case first, without collecting: one simple record answers.
  const DnsRecord* only = nullptr;
  int count = 0;
  for (const Version& v : versions_) {
    if (v.visible_from <= t && t < v.visible_until && names_record(v.record.name, name)) {
      only = &v.record;
      ++count;
    }
  }
  if (count == 0) return {};
  if (count == 1 && only->failover.empty() && only->weight <= 0) return only->target;
  std::vector<const DnsRecord*> records = records_at(name, t);
  if (records.empty()) return {};
  // Failover records: the primary while its health check passes, else the secondary.
  const DnsRecord* primary = nullptr;
  const DnsRecord* secondary = nullptr;
  for (const DnsRecord* r : records) {
    if (r->failover == "PRIMARY") primary = r;
    if (r->failover == "SECONDARY") secondary = r;
  }
  if (primary || secondary) {
    if (primary &&
        (primary->health_check.empty() || health_check_healthy(primary->health_check, t))) {
      return primary->target;
    }
    return secondary ? secondary->target : primary->target;
  }
  // Weighted records: healthy ones in proportion to their weights.
  double total = 0;
  for (const DnsRecord* r : records) {
    if (r->weight > 0 && (r->health_check.empty() || health_check_healthy(r->health_check, t)))
      total += r->weight;
  }
  if (total > 0) {
    double cursor = pick * total;
    for (const DnsRecord* r : records) {
      if (r->weight <= 0 || !(r->health_check.empty() || health_check_healthy(r->health_check, t)))
        continue;
      cursor -= r->weight;
      if (cursor < 0) return r->target;
    }
  }
  return records.front()->target;
}

Time Route53::answer_changes_after(std::string_view name, Time t) const {
  Time next = kNever;
  for (const Version& v : versions_) {
    if (!names_record(v.record.name, name)) continue;
    if (!v.record.health_check.empty()) return t + 1;  // health checks may change it any time
    if (v.visible_from > t) next = std::min(next, v.visible_from);
    if (v.visible_until > t) next = std::min(next, v.visible_until);
  }
  return next;
}

std::string_view Route53::client_answer(std::string_view name, Time t, double phase, double pick,
                                        Time* held_until) const {
  const sim::Duration cache = ttl(name) + context_.calibration().client_extra_cache;
  if (cache <= 0) {
    if (held_until != nullptr) *held_until = answer_changes_after(name, t);
    return authoritative_answer(name, t, pick);
  }
  const Time offset = static_cast<Time>(phase * static_cast<double>(cache));
  const Time refreshed = floor_to(t, offset, cache);
  if (held_until != nullptr) {
    // Each refresh fetches the same answer until the records change: the client holds it
    // until its first refresh at or after that.
    const Time change = answer_changes_after(name, refreshed);
    *held_until = change == kNever ? kNever : floor_to(change - 1, offset, cache) + cache;
  }
  return authoritative_answer(name, refreshed, pick);
}

sim::Duration Route53::ttl(std::string_view name) const {
  sim::Duration longest = 0;
  for (const Version& v : versions_) {
    if (names_record(v.record.name, name))
      longest = std::max(longest, v.record.alias ? 60 * sim::kSecond : v.record.ttl);
  }
  return longest;
}

Outcome Route53::handle(const Request& r) {
  const Time t = context_.now();
  if (r.operation == "change-resource-record-sets") return change_records(r);
  if (r.operation == "get-change") {
    std::string id = r.text("id");
    if (id.starts_with("/change/")) id = id.substr(8);
    for (const Change& c : changes_) {
      if (c.id == id) {
        return Outcome::success(Value::object(
            {{"ChangeInfo", Value::object({{"Id", "/change/" + c.id},
                                           {"Status", t >= c.insync_at ? "INSYNC" : "PENDING"},
                                           {"SubmittedAt", Timestamp{c.submitted}}})}}));
      }
    }
    return Outcome::failure(AwsErrorCode::kNoSuchChange,
                            "A change with the specified change ID does not exist.");
  }
  if (r.operation == "list-hosted-zones" || r.operation == "list-hosted-zones-by-name") {
    Array zones;
    for (const auto& [id, name] : zones_) {
      zones.push_back(Value::object({{"Id", "/hostedzone/" + id}, {"Name", name}}));
    }
    return Outcome::success(Value::object({{"HostedZones", Value(std::move(zones))}}));
  }
  if (r.operation == "list-resource-record-sets") {
    const std::string zone = zone_id_of(r.text("hosted-zone-id"));
    if (std::none_of(zones_.begin(), zones_.end(),
                     [&](const auto& z) { return z.first == zone; })) {
      return Outcome::failure(AwsErrorCode::kNoSuchHostedZone,
                              fmt::format("No hosted zone found with ID: {}", zone));
    }
    Array sets;
    for (const Version& v : versions_) {
      if (v.zone != zone || v.visible_from > t || t >= v.visible_until) continue;
      const DnsRecord& d = v.record;
      Members m{{"Name", d.name}, {"Type", d.type}};
      if (!d.set_identifier.empty()) m.emplace_back("SetIdentifier", d.set_identifier);
      if (d.weight >= 0) m.emplace_back("Weight", d.weight);
      if (!d.failover.empty()) m.emplace_back("Failover", d.failover);
      if (!d.health_check.empty()) m.emplace_back("HealthCheckId", d.health_check);
      if (d.alias) {
        m.emplace_back("AliasTarget",
                       Value::object({{"DNSName", d.target}, {"EvaluateTargetHealth", true}}));
      } else {
        m.emplace_back("TTL", d.ttl / 1000);
        m.emplace_back("ResourceRecords", Value(Array{Value::object({{"Value", d.target}})}));
      }
      sets.push_back(Value(std::move(m)));
    }
    return Outcome::success(Value::object({{"ResourceRecordSets", Value(std::move(sets))}}));
  }
  if (r.operation == "get-health-check-status") {
    const std::string id = r.text("health-check-id");
    if (std::none_of(checks_.begin(), checks_.end(),
                     [&](const HealthCheck& c) { return c.id == id; })) {
      return Outcome::failure(AwsErrorCode::kNoSuchHealthCheck,
                              fmt::format("No health check exists with the ID {}", id));
    }
    const bool healthy = health_check_healthy(id, t);
    return Outcome::success(Value::object(
        {{"HealthCheckObservations",
          Value(Array{Value::object(
              {{"StatusReport",
                Value::object({{"Status", healthy ? "Success: HTTP Status Code 200"
                                                  : "Failure: Connection timed out"}})}})})}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model route53 " + r.operation);
}

Outcome Route53::change_records(const Request& r) {
  const Time t = context_.now();
  const std::string zone = zone_id_of(r.text("hosted-zone-id"));
  if (std::none_of(zones_.begin(), zones_.end(), [&](const auto& z) { return z.first == zone; })) {
    return Outcome::failure(AwsErrorCode::kNoSuchHostedZone,
                            fmt::format("No hosted zone found with ID: {}", zone));
  }
  const Value* batch = r.find("change-batch");
  if (batch == nullptr || !batch->is_object() || !batch->operator[]("Changes").is_array()) {
    return Outcome::failure(AwsErrorCode::kInvalidChangeBatch,
                            "--change-batch must hold a Changes array");
  }
  const std::string id = change_id(changes_.size() + 1);
  const Time insync =
      t + context_.draw(context_.calibration().route53_propagation, "route53/propagation", id);
  // Validate the whole batch first: Route 53 applies a batch all or nothing.
  std::vector<std::pair<std::string, DnsRecord>> parsed;
  for (const Value& change : batch->operator[]("Changes").as_array()) {
    const std::string_view action = change["Action"].string_or();
    const Value& set = change["ResourceRecordSet"];
    if (!(action == "UPSERT" || action == "CREATE" || action == "DELETE") || !set.is_object()) {
      return Outcome::failure(
          AwsErrorCode::kInvalidChangeBatch,
          "each change needs an Action (CREATE, UPSERT, DELETE) and a ResourceRecordSet");
    }
    DnsRecord d;
    d.name = dns_name(set["Name"].string_or());
    d.type = set["Type"].string_or("A");
    if (set["SetIdentifier"].is_string()) d.set_identifier = set["SetIdentifier"].as_string();
    if (set["Weight"].is_number()) d.weight = static_cast<int>(set["Weight"].as_double());
    if (set["Failover"].is_string()) d.failover = set["Failover"].as_string();
    if (set["HealthCheckId"].is_string()) d.health_check = set["HealthCheckId"].as_string();
    if (set["TTL"].is_number()) d.ttl = static_cast<sim::Duration>(set["TTL"].as_double() * 1000);
    if (set["AliasTarget"].is_object()) {
      d.alias = true;
      d.target = set["AliasTarget"]["DNSName"].is_string()
                     ? set["AliasTarget"]["DNSName"].as_string()
                     : "";
    } else if (set["ResourceRecords"].size() > 0) {
      d.target = set["ResourceRecords"].at(0)["Value"].to_text();
    }
    const bool exists = std::any_of(versions_.begin(), versions_.end(), [&](const Version& v) {
      return v.zone == zone && same_set(v.record, d) && v.visible_until == kNever;
    });
    if (action == "CREATE" && exists) {
      return Outcome::failure(
          AwsErrorCode::kInvalidChangeBatch,
          fmt::format("Tried to create resource record set {} type {}, but it already exists",
                      d.name, d.type));
    }
    if (action == "DELETE" && !exists) {
      return Outcome::failure(
          AwsErrorCode::kInvalidChangeBatch,
          fmt::format("Tried to delete resource record set {} type {}, but it was not found",
                      d.name, d.type));
    }
    parsed.emplace_back(action, std::move(d));
  }
  // Apply: the new answer becomes visible once propagated.
  for (auto& [action, d] : parsed) {
    for (Version& v : versions_) {
      if (v.zone == zone && same_set(v.record, d) && v.visible_until == kNever)
        v.visible_until = insync;
    }
    if (action != "DELETE") versions_.push_back({zone, std::move(d), insync});
  }
  changes_.push_back({id, t, insync});
  return answered(r, [&] {
    return Value::object({{"ChangeInfo", Value::object({{"Id", "/change/" + id},
                                                        {"Status", "PENDING"},
                                                        {"SubmittedAt", Timestamp{t}}})}});
  });
}

}  // namespace drsim::models
