#include "models/s3.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace drsim::models {
namespace {

using sim::kNever;
using sim::Time;

bool readable_at(const ObjectVersion& v, Time t) {
  return v.visible_from <= t && t < v.removed_at;
}

/// "s3://bucket/prefix" -> {"bucket", "prefix"}
std::pair<std::string, std::string> split_s3_url(const std::string& url) {
  std::string rest = url.starts_with("s3://") ? url.substr(5) : url;
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

}  // namespace

std::string S3::next_version_id() {
  return fmt::format("v{:016x}", sim::mix64(++versions_made_));
}

void S3::add_bucket(Bucket bucket) {
  buckets_.push_back(std::move(bucket));
}

Bucket* S3::bucket(std::string_view name) {
  for (Bucket& b : buckets_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

ObjectVersion& S3::add_version(Bucket& b, std::string_view key, ObjectVersion v) {
  auto it = std::find_if(b.objects.begin(), b.objects.end(),
                         [&](const S3Object& o) { return o.key == key; });
  if (it == b.objects.end()) {
    b.objects.push_back({std::string(key), {}});
    it = b.objects.end() - 1;
  }
  if (!b.versioning) {
    // Unversioned: the write replaces whatever was there.
    for (ObjectVersion& old : it->versions)
      old.removed_at = std::min(old.removed_at, v.visible_from);
    v.version_id = "null";
  }
  it->versions.push_back(std::move(v));
  return it->versions.back();
}

void S3::replicate(const Bucket& source, std::string_view key, const ObjectVersion& v) {
  for (const ReplicationRule& rule : source.replication) {
    if (v.delete_marker && !rule.delete_marker_replication) continue;
    if (v.written_at >= rule.broken_since) continue;
    Bucket* dest = bucket(rule.destination);
    if (dest == nullptr) continue;
    const Calibration& c = context_.calibration();
    Time arrives = v.visible_from +
                   context_.draw(rule.replication_time_control ? c.s3_crr_lag_rtc : c.s3_crr_lag,
                                 "s3/crr-lag", source.name + "/" + v.version_id);
    if (rule.paused_from <= arrives && arrives < rule.paused_until) arrives = rule.paused_until;
    // The replica is written from the source region: an outage there holds it back.
    if (const Time down = context_.data_plane_fails(source.region, v.visible_from, arrives);
        down != kNever) {
      arrives = context_.data_plane_back(source.region, down);
    }
    if (arrives == kNever) continue;
    ObjectVersion copy = v;
    copy.visible_from = arrives;
    add_version(*dest, key, copy);
  }
}

void S3::put(std::string_view bucket_name, std::string_view key, Time t, double size_mb) {
  Bucket* b = bucket(bucket_name);
  if (b == nullptr) return;
  ObjectVersion v{next_version_id(), t, kNever, t, false, size_mb};
  const ObjectVersion written = add_version(*b, key, v);
  replicate(*b, key, written);
}

void S3::remove(std::string_view bucket_name, std::string_view key, Time t) {
  Bucket* b = bucket(bucket_name);
  if (b == nullptr) return;
  if (!b->versioning) {
    for (S3Object& o : b->objects) {
      if (o.key != key) continue;
      for (ObjectVersion& v : o.versions) v.removed_at = std::min(v.removed_at, t);
    }
    return;
  }
  ObjectVersion marker{next_version_id(), t, kNever, t, true, 0};
  const ObjectVersion written = add_version(*b, key, marker);
  replicate(*b, key, written);
}

void S3::delete_bucket(std::string_view name, Time t) {
  if (Bucket* b = bucket(name)) b->deleted_at = t;
}

const ObjectVersion* S3::current(const Bucket& b, std::string_view key, Time t) const {
  for (const S3Object& o : b.objects) {
    if (o.key != key) continue;
    const ObjectVersion* latest = nullptr;
    for (const ObjectVersion& v : o.versions) {
      if (readable_at(v, t) && (latest == nullptr || v.visible_from >= latest->visible_from))
        latest = &v;
    }
    return latest == nullptr || latest->delete_marker ? nullptr : latest;
  }
  return nullptr;
}

std::vector<std::string> S3::keys(const Bucket& b, Time t, std::string_view prefix) const {
  std::vector<std::string> out;
  for (const S3Object& o : b.objects) {
    if (o.key.starts_with(prefix) && current(b, o.key, t) != nullptr) out.push_back(o.key);
  }
  return out;
}

Outcome S3::handle(const Request& r) {
  const Time t = context_.now();
  if (r.service == "s3" && r.operation == "sync") return sync(r);
  std::string bucket_name = r.text("bucket");
  if (r.service == "s3" && r.operation == "ls") bucket_name = split_s3_url(r.text("path")).first;
  Bucket* b = bucket(bucket_name);
  if (b == nullptr || b->deleted_at <= t) {
    return Outcome::failure(AwsErrorCode::kNoSuchBucket,
                            fmt::format("The specified bucket does not exist: {}", bucket_name));
  }
  if (!context_.data_plane_up(b->region, t)) {
    return Outcome::failure(AwsErrorCode::kEndpointConnectionError,
                            fmt::format("Could not connect to the endpoint URL for bucket {} in {}",
                                        b->name, b->region));
  }
  const std::string key = r.text("key");
  const std::string_view op = r.operation;  // compared with many literals: sizes first
  if (op == "get-bucket-versioning") {
    return Outcome::success(b->versioning ? Value::object({{"Status", "Enabled"}})
                                          : Value(Members{}));
  }
  if (op == "put-bucket-versioning") {
    const Value* config = r.find("versioning-configuration");
    const std::string text = config ? config->to_json() : "";
    b->versioning = text.find("Enabled") != std::string::npos;
    return Outcome::success(Value(Members{}));
  }
  if (op == "get-bucket-replication") {
    if (b->replication.empty()) {
      return Outcome::failure(AwsErrorCode::kReplicationConfigurationNotFound,
                              "The replication configuration was not found");
    }
    Array rules;
    for (const ReplicationRule& rule : b->replication) {
      Members dest;
      dest.reserve(2);
      dest.emplace_back("Bucket", "arn:aws:s3:::" + rule.destination);
      if (rule.replication_time_control) {
        dest.emplace_back("ReplicationTime", Value::object({{"Status", "Enabled"}}));
      }
      const bool enabled =
          rule.broken_since > t && !(rule.paused_from <= t && t < rule.paused_until);
      // A silently broken rule still reads "Enabled": that is what makes it silent.
      rules.push_back(Value::object(
          {{"Status", enabled || rule.broken_since <= t ? "Enabled" : "Disabled"},
           {"Destination", Value(std::move(dest))},
           {"DeleteMarkerReplication",
            Value::object(
                {{"Status", rule.delete_marker_replication ? "Enabled" : "Disabled"}})}}));
    }
    return Outcome::success(Value::object(
        {{"ReplicationConfiguration", Value::object({{"Rules", Value(std::move(rules))}})}}));
  }
  if (op == "list-object-versions") {
    const std::string prefix = r.text("prefix");
    Array versions, markers;
    // As S3 lists them: by key, and each key's versions newest first.
    std::vector<const S3Object*> listed;
    for (const S3Object& o : b->objects) {
      if (o.key.starts_with(prefix)) listed.push_back(&o);
    }
    std::stable_sort(listed.begin(), listed.end(),
                     [](const S3Object* x, const S3Object* y) { return x->key < y->key; });
    for (const S3Object* o : listed) {
      std::vector<const ObjectVersion*> readable;
      for (auto v = o->versions.rbegin(); v != o->versions.rend(); ++v) {
        if (readable_at(*v, t)) readable.push_back(&*v);  // the later of equal instants first
      }
      std::stable_sort(readable.begin(), readable.end(),
                       [](const ObjectVersion* x, const ObjectVersion* y) {
                         return x->visible_from > y->visible_from;
                       });
      for (const ObjectVersion* vp : readable) {
        const ObjectVersion& v = *vp;
        Members m{{"Key", o->key},
                  {"VersionId", v.version_id},
                  {"IsLatest", vp == readable.front()},
                  {"LastModified", Timestamp{v.visible_from}}};
        if (v.delete_marker) {
          markers.push_back(Value(std::move(m)));
        } else {
          m.emplace_back("Size", static_cast<std::int64_t>(v.size_mb * 1024 * 1024));
          versions.push_back(Value(std::move(m)));
        }
      }
    }
    return Outcome::success(Value::object(
        {{"Versions", Value(std::move(versions))}, {"DeleteMarkers", Value(std::move(markers))}}));
  }
  if (op == "delete-object") {
    const std::string version = r.text("version-id");
    if (version.empty()) {
      remove(b->name, key, t);
      return Outcome::success(Value::object({{"DeleteMarker", b->versioning}}));
    }
    // Deleting one version is permanent and never replicated; deleting a delete marker is
    // how an object is undeleted.
    for (S3Object& o : b->objects) {
      if (o.key != key) continue;
      for (ObjectVersion& v : o.versions) {
        if (v.version_id == version && readable_at(v, t)) {
          v.removed_at = t;
          return Outcome::success(
              Value::object({{"VersionId", version}, {"DeleteMarker", v.delete_marker}}));
        }
      }
    }
    return Outcome::failure(AwsErrorCode::kNoSuchVersion, "The specified version does not exist.");
  }
  if (op == "get-object" || op == "head-object") {
    const std::string version = r.text("version-id");
    const ObjectVersion* v = nullptr;
    if (version.empty()) {
      v = current(*b, key, t);
    } else {
      for (const S3Object& o : b->objects) {
        for (const ObjectVersion& candidate : o.versions) {
          if (o.key == key && candidate.version_id == version && readable_at(candidate, t))
            v = &candidate;
        }
      }
    }
    if (v == nullptr || v->delete_marker)
      return Outcome::failure(AwsErrorCode::kNoSuchKey, "The specified key does not exist.");
    return Outcome::success(
        Value::object({{"VersionId", v->version_id},
                       {"ContentLength", static_cast<std::int64_t>(v->size_mb * 1024 * 1024)},
                       {"LastModified", Timestamp{v->visible_from}}}));
  }
  if (op == "put-object") {
    put(b->name, key, t);
    return Outcome::success(Value::object({{"VersionId", b->objects.empty() ? "null" : "latest"}}));
  }
  if (op == "copy-object") {
    // --copy-source "bucket/key?versionId=X"
    std::string source = r.text("copy-source");
    std::string version;
    if (const auto q = source.find("?versionId="); q != std::string::npos) {
      version = source.substr(q + 11);
      source = source.substr(0, q);
    }
    const auto slash = source.find('/');
    const std::string src_bucket = source.substr(0, slash);
    const std::string src_key = slash == std::string::npos ? "" : source.substr(slash + 1);
    Bucket* sb = bucket(src_bucket);
    if (sb == nullptr || sb->deleted_at <= t)
      return Outcome::failure(AwsErrorCode::kNoSuchBucket, "The specified bucket does not exist");
    const ObjectVersion* from = nullptr;
    for (const S3Object& o : sb->objects) {
      if (o.key != src_key) continue;
      for (const ObjectVersion& v : o.versions) {
        if (readable_at(v, t) && (version.empty() ? !v.delete_marker : v.version_id == version))
          from = &v;
      }
    }
    if (from == nullptr || from->delete_marker) {
      return Outcome::failure(
          version.empty() ? AwsErrorCode::kNoSuchKey : AwsErrorCode::kNoSuchVersion,
          "The specified copy source does not exist.");
    }
    ObjectVersion v{next_version_id(), t, kNever, from->written_at, false, from->size_mb};
    const ObjectVersion written = add_version(*b, key, v);
    replicate(*b, key, written);
    return Outcome::success(Value::object({{"VersionId", written.version_id}}));
  }
  if (r.service == "s3" && op == "ls") {
    const auto [name, prefix] = split_s3_url(r.text("path"));
    Array listed;
    for (const std::string& k : keys(*b, t, prefix)) listed.emplace_back(k);
    return Outcome::success(Value::object({{"Keys", Value(std::move(listed))}}));
  }
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model s3api " + std::string(op));
}

Outcome S3::sync(const Request& r) {
  const Time t = context_.now();
  const auto [src_name, src_prefix] = split_s3_url(r.text("source"));
  const auto [dst_name, dst_prefix] = split_s3_url(r.text("destination"));
  Bucket* src = bucket(src_name);
  Bucket* dst = bucket(dst_name);
  if (src == nullptr || src->deleted_at <= t || dst == nullptr || dst->deleted_at <= t) {
    return Outcome::failure(AwsErrorCode::kNoSuchBucket, "The specified bucket does not exist");
  }
  if (!context_.data_plane_up(src->region, t) || !context_.data_plane_up(dst->region, t)) {
    return Outcome::failure(AwsErrorCode::kEndpointConnectionError,
                            "Could not connect to the endpoint URL");
  }
  // --exclude "*" --include "prefix*" narrows the copy to keys under `prefix` (the form the
  // seed runbooks use); without filters, untracked contents are copied too.
  const std::string exclude = r.text("exclude"), include = r.text("include");
  const bool filtered = exclude == "*" && !include.empty();
  const std::string only = filtered ? include.substr(0, include.find('*')) : "";
  // Copy every readable source object missing or different in the destination; the copies
  // land when the transfer finishes.
  double mb = filtered ? 0 : src->other_data_gb * 1024;
  std::vector<std::pair<std::string, ObjectVersion>> copies;
  for (const std::string& k : keys(*src, t, src_prefix)) {
    if (filtered && !k.substr(src_prefix.size()).starts_with(only)) continue;
    const ObjectVersion* s = current(*src, k, t);
    const std::string dest_key = dst_prefix + k.substr(src_prefix.size());
    const ObjectVersion* d = current(*dst, dest_key, t);
    if (d != nullptr && d->written_at >= s->written_at) continue;
    mb += s->size_mb;
    copies.emplace_back(
        dest_key, ObjectVersion{next_version_id(), 0, kNever, s->written_at, false, s->size_mb});
  }
  const auto duration =
      static_cast<sim::Duration>(mb / context_.calibration().s3_sync_mb_per_s * 1000.0);
  for (auto& [k, v] : copies) {
    v.visible_from = t + duration;
    const ObjectVersion written = add_version(*dst, k, v);
    replicate(*dst, k, written);
  }
  Outcome out =
      Outcome::success(Value::object({{"Copied", static_cast<std::int64_t>(copies.size())}}));
  out.latency = duration;  // `aws s3 sync` returns when the transfer is done
  return out;
}

}  // namespace drsim::models
