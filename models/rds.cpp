#include "models/rds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <cmath>
#include <stdexcept>

#include "models/waiters.hpp"
#include "sim/text.hpp"

namespace drsim::models {
namespace {

using sim::kNever;
using sim::Time;

/// Whether describe-db-instances in `region` (of instance `id`, when not empty) lists `db`
/// at `t`.
bool listed(const DbInstance& db, std::string_view region, std::string_view id, Time t) {
  return sim::same(db.config.region, region) && db.exists_from <= t && db.deleted_at > t &&
         (id.empty() || sim::same(db.config.id, id));
}

/// "arn:aws:rds:us-west-2:123456789012:snapshot:rds:db-2026-01-05-03-00" -> region and id.
struct Arn {
  std::string region, id;
};
std::optional<Arn> parse_rds_arn(const std::string& text) {
  if (!text.starts_with("arn:")) return std::nullopt;
  std::size_t pos = 0;
  std::vector<std::string> parts;
  for (int i = 0; i < 6; ++i) {
    const std::size_t colon = text.find(':', pos);
    if (colon == std::string::npos) return std::nullopt;
    parts.push_back(text.substr(pos, colon - pos));
    pos = colon + 1;
  }
  return Arn{parts[3], text.substr(pos)};
}

/// An identifier parameter that may be given as an ARN: the id and the region it names.
std::pair<std::string, std::string> id_and_region(const Request& r, std::string_view param) {
  const std::string raw = r.text(param);
  if (auto arn = parse_rds_arn(raw)) return {arn->id, arn->region};
  return {raw, r.region};
}

std::string endpoint(const std::string& id, const std::string& region) {
  return id + ".c1x2y3z4." + region + ".rds.amazonaws.com";
}

Time floor_to(Time t, Time phase, sim::Duration every) {
  Time k = (t - phase) / every;
  if ((t - phase) % every < 0) --k;
  return phase + k * every;
}

}  // namespace

std::string_view db_status_name(DbStatus s) {
  switch (s) {
    case DbStatus::kCreating:
      return "creating";
    case DbStatus::kBackingUp:
      return "backing-up";
    case DbStatus::kAvailable:
      return "available";
    case DbStatus::kModifying:
      return "modifying";
    case DbStatus::kRebooting:
      return "rebooting";
    case DbStatus::kRenaming:
      return "renaming";
    case DbStatus::kDeleting:
      return "deleting";
    case DbStatus::kDeleted:
      return "deleted";
    case DbStatus::kFailed:
      return "failed";
    case DbStatus::kIncompatibleRestore:
      return "incompatible-restore";
    case DbStatus::kStorageFailure:
      return "storage-failure";
    case DbStatus::kResettingMasterCredentials:
      return "resetting-master-credentials";
    case DbStatus::kInaccessible:
      return "inaccessible-encryption-credentials-recoverable";
  }
  return "unknown";
}

// ------------------------------------------------------------------------- timeline

void Timeline::set(Time from, DbStatus s) {
  // Room for a typical life (creating, backing-up, available, ...) in one allocation.
  if (points_.capacity() == 0) points_.reserve(4);
  while (!points_.empty() && points_.back().first >= from) points_.pop_back();
  points_.emplace_back(from, s);
}

DbStatus Timeline::at(Time t) const {
  DbStatus s = points_.empty() ? DbStatus::kCreating : points_.front().second;
  for (const auto& [from, status] : points_) {
    if (from > t) break;
    s = status;
  }
  return s;
}

Time Timeline::next_change(Time t) const {
  for (const auto& [from, status] : points_) {
    if (from > t) return from;
  }
  return kNever;
}

Time Timeline::when(DbStatus s, Time t) const {
  if (at(t) == s) return t;
  for (const auto& [from, status] : points_) {
    if (from > t && status == s) return from;
  }
  return kNever;
}

// ------------------------------------------------------------------------- setup

void Rds::add_instance(const DbInstanceConfig& config, Time exists_from) {
  DbInstance db;
  db.config = config;
  if (db.config.az.empty()) db.config.az = config.region + "a";
  if (db.config.data_store.empty()) db.config.data_store = config.id;
  db.exists_from = exists_from;
  db.status = Timeline(exists_from, DbStatus::kAvailable);
  // Logs upload every 5 min at a phase of their own: LatestRestorableTime lags 0-5 min.
  db.log_phase =
      static_cast<Time>(context_.uniform("rds/log-phase", config.id) *
                        static_cast<double>(context_.calibration().rds_log_upload_interval));
  instances_.push_back(std::move(db));
}

void Rds::add_snapshot(DbSnapshot snapshot) {
  if (snapshot.data_store.empty()) snapshot.data_store = snapshot.instance_id;
  snapshots_.push_back(std::move(snapshot));
}

void Rds::add_schedule(const SnapshotSchedule& given) {
  ScheduleState& state = schedules_.reuse_next();  // every member is set below
  SnapshotSchedule& schedule = state.schedule;
  schedule = given;
  if (schedule.id_prefix.empty()) {
    schedule.id_prefix = schedule.type == "automated" ? "rds:" : "";
    schedule.id_prefix += schedule.instance_id;
    schedule.id_prefix += '-';
  }
  if (schedule.random_window) {
    // Automated backups run in a 30-minute window drawn within the region's 8-hour block.
    const sim::Duration span = context_.calibration().automated_backup_block - 30 * sim::kMinute;
    schedule.offset += static_cast<sim::Duration>(
        context_.uniform("rds/backup-window", schedule.instance_id) * static_cast<double>(span));
  }
  // Start with the oldest snapshot still retained at the start of the trial.
  const Time first = context_.now() - schedule.retention;
  state.first_index = static_cast<std::int64_t>(std::ceil(
      static_cast<double>(first - schedule.offset) / static_cast<double>(schedule.every)));
  state.first_good_copy.reset();
  state.no_good_copy_before = state.first_index;
  state.kept.clear();
  state.forget_built();
}

void Rds::add_cluster(DbCluster cluster) {
  if (cluster.data_store.empty()) cluster.data_store = cluster.id;
  if (cluster.status.start() == kNever)
    cluster.status = Timeline(cluster.exists_from, DbStatus::kAvailable);
  cluster.log_phase =
      static_cast<Time>(context_.uniform("rds/log-phase", cluster.id) *
                        static_cast<double>(context_.calibration().rds_log_upload_interval));
  clusters_.push_back(std::move(cluster));
}

void Rds::break_copies(std::string_view instance, Time since) {
  for (ScheduleState& s : schedules_) {
    if (s.schedule.instance_id == instance) {
      s.schedule.copies_broken_since = std::min(s.schedule.copies_broken_since, since);
      if (s.first_good_copy && s.schedule.offset + *s.first_good_copy * s.schedule.every >= since) {
        s.first_good_copy.reset();  // that copy fails after all: look again
        s.no_good_copy_before = s.first_index;
      }
      s.forget_built();
    }
  }
}

DbInstance* Rds::mutable_instance(std::string_view id) {
  return const_cast<DbInstance*>(instance(id));
}

void Rds::clear() {
  ++generation_;
  instances_.clear();
  snapshots_.clear();
  clusters_.clear();
  schedules_.clear();
}

// ------------------------------------------------------------------------- queries

const DbInstance* Rds::instance(std::string_view id) const {
  for (const DbInstance& db : instances_) {
    if (sim::same(db.config.id, id) && db.deleted_at == kNever) return &db;
  }
  return nullptr;
}

const DbInstance* Rds::instance_ever(std::string_view id) const {
  const DbInstance* found = nullptr;
  for (const DbInstance& db : instances_) {
    if (db.config.id == id) found = &db;
  }
  return found;
}

bool Rds::can_serve(const DbCluster& c, Time t) const {
  if (status(c, t) != DbStatus::kAvailable) return false;
  if (c.readers > 0) return true;  // instances the topology gave it
  // Instances added since (create-db-instance) count once they are available.
  return std::any_of(instances_.begin(), instances_.end(), [&](const DbInstance& db) {
    return db.config.cluster == c.id && db.exists_from <= t && db.deleted_at > t &&
           status(db, t) == DbStatus::kAvailable;
  });
}

const DbCluster* Rds::cluster(std::string_view id) const {
  for (const DbCluster& c : clusters_) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::optional<Outcome> Rds::require_instance(std::string_view id, std::string_view region,
                                             bool available, DbInstance*& out) {
  out = find_instance(id, region);
  if (out == nullptr) {
    return Outcome::failure(AwsErrorCode::kDBInstanceNotFound,
                            fmt::format("DBInstance {} not found.", id));
  }
  if (available && status(*out, context_.now()) != DbStatus::kAvailable) {
    return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                            fmt::format("DB instance {} is not in available state.", id));
  }
  return std::nullopt;
}

std::optional<Outcome> Rds::require_cluster(std::string_view id, std::string_view region,
                                            bool available, DbCluster*& out) {
  out = find_cluster(id, region);
  if (out == nullptr) {
    return Outcome::failure(AwsErrorCode::kDBClusterNotFound,
                            fmt::format("DBCluster {} not found.", id));
  }
  if (available && status(*out, context_.now()) != DbStatus::kAvailable) {
    return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                            fmt::format("DBCluster {} is not in available state.", id));
  }
  return std::nullopt;
}

DbInstance* Rds::find_instance(std::string_view id, std::string_view region) {
  const Time t = context_.now();
  for (DbInstance& db : instances_) {
    if (db.config.id == id && db.config.region == region && db.exists_from <= t &&
        db.deleted_at > t) {
      return &db;
    }
  }
  return nullptr;
}

DbCluster* Rds::find_cluster(std::string_view id, std::string_view region) {
  for (DbCluster& c : clusters_) {
    if (c.id == id && c.region == region && c.exists_from <= context_.now()) return &c;
  }
  return nullptr;
}

DbSnapshot* Rds::find_snapshot(std::string_view id, std::string_view region) {
  const Time t = context_.now();
  auto exists = [&](const DbSnapshot& s) {
    return sim::same(s.id, id) && sim::same(s.region, region) && s.exists_from <= t &&
           s.deleted_at > t;
  };
  for (DbSnapshot& s : snapshots_) {
    if (exists(s)) return &s;
  }
  // A scheduled snapshot: its identifier is the schedule's prefix and the minute it was taken.
  const std::int64_t epoch = context_.epoch_unix_ms();
  for (ScheduleState& state : schedules_) {
    const SnapshotSchedule& schedule = state.schedule;
    for (const bool copy : {false, true}) {
      if (copy && schedule.copy_to.empty()) continue;
      std::string prefix = schedule.id_prefix;
      std::string_view suffix;
      if (copy && schedule.copy_id_prefix.empty()) {
        std::replace(prefix.begin(), prefix.end(), ':', '-');
        suffix = schedule.copy_id_suffix;
      } else if (copy) {
        prefix = schedule.copy_id_prefix;
      }
      if (!id.starts_with(prefix) || !id.ends_with(suffix) ||
          id.size() != prefix.size() + 16 + suffix.size())
        continue;
      const std::string_view stamp = id.substr(prefix.size(), 16);
      // "2026-01-05-03-15" -> "2026-01-05T03:15:00Z", without an allocation.
      std::array<char, 20> iso{};
      std::copy_n(stamp.data(), 10, iso.data());
      iso[10] = 'T';
      std::copy_n(stamp.data() + 11, 2, iso.data() + 11);
      iso[13] = ':';
      std::copy_n(stamp.data() + 14, 2, iso.data() + 14);
      std::copy_n(":00Z", 4, iso.data() + 16);
      const std::optional<Time> minute = parse_iso8601(std::string_view(iso.data(), 20), epoch);
      if (!minute || stamp[10] != '-' || stamp[13] != '-') continue;
      const auto from = static_cast<std::int64_t>(std::ceil(
          static_cast<double>(*minute - schedule.offset) / static_cast<double>(schedule.every)));
      for (std::int64_t i = std::max(from, state.first_index);
           schedule.offset + i * schedule.every < *minute + sim::kMinute; ++i) {
        if (std::find(state.kept.begin(), state.kept.end(), std::pair{i, copy}) != state.kept.end())
          continue;
        const DbSnapshot* s = scheduled(state, i, copy);
        if (s == nullptr || !exists(*s)) continue;
        state.kept.emplace_back(i, copy);
        snapshots_.push_back(*s);  // a copy: the pool's element keeps its memory
        return &snapshots_.back();
      }
    }
  }
  return nullptr;
}

DbStatus Rds::status(const DbInstance& db, Time t) const {
  if (db.deleted_at <= t) return DbStatus::kDeleted;
  if (db.failed_at <= t) return DbStatus::kFailed;
  if (!context_.data_plane_up(db.config.region, t)) return DbStatus::kInaccessible;
  if (!context_.data_plane_up(db.config.region, t, db.config.az)) {
    if (!db.config.multi_az) return DbStatus::kInaccessible;
    // Multi-AZ: automatic failover to the standby, "typically 60-120 s".
    for (const DisruptionWindow& w : context_.disruptions()) {
      if (w.kind == Disruption::kAzDown && w.region == db.config.region && w.az == db.config.az &&
          w.start <= t && t < w.end) {
        const sim::Duration failover =
            context_.draw(context_.calibration().multi_az_failover, "rds/auto-failover",
                          db.config.id, static_cast<std::uint64_t>(w.start));
        if (t < w.start + failover) return DbStatus::kRebooting;
      }
    }
  }
  return db.status.at(t);
}

DbStatus Rds::status(const DbCluster& c, Time t) const {
  if (!context_.data_plane_up(c.region, t)) return DbStatus::kInaccessible;
  return c.status.at(t);
}

Time Rds::data_as_of(const DbInstance& db, Time t) const {
  if (db.data_as_of != kNever) return std::min(db.data_as_of, t);
  if (db.config.replica_of.empty()) {
    // A primary holds its own writes up to when it stopped taking them.
    const Time stop =
        std::min({t, db.failed_at, context_.data_plane_fails(db.config.region, db.exists_from, t)});
    return stop;
  }
  // A replica holds its source's writes up to the instant replication stopped (promotion,
  // or the source failing), less the replication lag at that instant.
  Time stop = std::min(t, db.promoted_at);
  const DbInstance* source = instance(db.config.replica_of);
  if (source != nullptr) {
    stop = std::min({stop, source->failed_at, source->deleted_at,
                     context_.data_plane_fails(source->config.region, db.exists_from, stop)});
  }
  const bool cross_region = source == nullptr || source->config.region != db.config.region;
  const Distribution& lag_model = cross_region ? context_.calibration().replica_lag_cross_region
                                               : context_.calibration().replica_lag_in_region;
  const sim::Duration lag =
      context_.draw(lag_model, "rds/replica-lag", db.config.id, static_cast<std::uint64_t>(stop));
  return stop - lag;
}

Time Rds::data_as_of(const DbCluster& c, Time t) const {
  if (c.data_as_of != kNever) return std::min(c.data_as_of, t);
  if (!c.secondary) return std::min(t, context_.data_plane_fails(c.region, c.exists_from, t));
  // A Global Database secondary: the primary's writes less the storage-level lag.
  Time stop = std::min(t, c.promoted_at);
  for (const DbCluster& primary : clusters_) {
    if (primary.global_cluster == c.global_cluster && !primary.secondary && &primary != &c) {
      stop = std::min(stop, context_.data_plane_fails(primary.region, c.exists_from, stop));
    }
  }
  return stop - context_.draw(context_.calibration().aurora_global_lag, "rds/global-lag", c.id,
                              static_cast<std::uint64_t>(stop));
}

Time Rds::latest_restorable_time(const DbInstance& db, Time t) const {
  const sim::Duration every = context_.calibration().rds_log_upload_interval;
  // Logs stop being uploaded when the instance or its region goes down.
  const Time stop =
      std::min({t, db.failed_at, context_.data_plane_fails(db.config.region, db.exists_from, t)});
  return std::max(db.exists_from, floor_to(stop, db.exists_from + db.log_phase, every));
}

sim::Duration Rds::size_time(double gb, Purpose purpose, std::string_view id,
                             std::uint64_t occurrence) {
  const sim::Duration per_tb =
      context_.draw(context_.calibration().rds_restore_per_tb, purpose, id, occurrence);
  return static_cast<sim::Duration>(static_cast<double>(per_tb) * gb / 1024.0);
}

sim::Duration Rds::copy_duration(double gb, std::string_view from, std::string_view to,
                                 std::string_view stream_name) {
  const Calibration& c = context_.calibration();
  const Continent a = continent_of(from), b = continent_of(to);
  double mb_per_s = c.copy_mb_per_s_same_continent;
  if (a != b) {
    const bool pacific = a == Continent::kAsiaPacific || b == Continent::kAsiaPacific;
    mb_per_s = pacific ? c.copy_mb_per_s_transpacific : c.copy_mb_per_s_transatlantic;
  }
  // Throughput varies lognormally around the anchor (sigma 0.5).
  sim::Stream s = context_.stream("rds/copy-throughput", stream_name);
  const double throughput = mb_per_s * std::exp(c.copy_sigma * sim::normal_quantile(s.uniform01()));
  const auto transfer = static_cast<sim::Duration>(gb * 1024.0 / throughput * 1000.0);
  return context_.draw(c.copy_setup, "rds/copy-setup", stream_name) + transfer;
}

const DbInstance* Rds::instance_at(std::string_view id, Time t) const {
  for (const DbInstance& db : instances_) {
    if (db.config.id == id && db.exists_from <= t && t < db.deleted_at) return &db;
  }
  return nullptr;
}

const DbSnapshot* Rds::scheduled(ScheduleState& state, std::int64_t index, bool copy) {
  const std::pair key{index, copy};
  auto at = state.built.lower_bound(key);
  if (at == state.built.end() || at->first != key) {
    if (state.pool_used == state.pool.size()) state.pool.emplace_back();
    const bool taken = build_scheduled(state, index, copy, state.pool[state.pool_used]);
    at = state.built.emplace_hint(
        at, key, taken ? static_cast<std::int32_t>(state.pool_used++) : ScheduleState::kNeverTaken);
  }
  return at->second == ScheduleState::kNeverTaken
             ? nullptr
             : &state.pool[static_cast<std::size_t>(at->second)];
}

std::optional<Rds::Taken> Rds::take_scheduled(const ScheduleState& state, std::int64_t index,
                                              std::string& id) const {
  const SnapshotSchedule& schedule = state.schedule;
  const Time taken = schedule.offset + index * schedule.every;
  const DbInstance* db = instance_at(schedule.instance_id, taken);
  if (db == nullptr || db->failed_at <= taken) return std::nullopt;
  if (!context_.data_plane_up(db->config.region, taken)) return std::nullopt;  // no backup
  snapshot_stamp(id, taken, context_.epoch_unix_ms(), schedule.id_prefix);
  const Time available_at =
      taken + context_.draw(context_.calibration().rds_snapshot_create, "rds/snapshot-create", id);
  const bool failed = context_.data_plane_fails(db->config.region, taken, available_at) != kNever;
  return Taken{db, taken, available_at, failed};
}

bool Rds::copy_fails(const ScheduleState& state, const DbInstance& db, Time ready) const {
  const SnapshotSchedule& schedule = state.schedule;
  return ready >= schedule.copies_broken_since ||
         (db.config.encrypted && !kms_.accessible(schedule.copy_to, schedule.copy_kms_key));
}

bool Rds::build_scheduled(ScheduleState& state, std::int64_t index, bool copy, DbSnapshot& out) {
  const SnapshotSchedule& schedule = state.schedule;
  const std::optional<Taken> taken = take_scheduled(state, index, out.id);
  if (!taken || (copy && (schedule.copy_to.empty() || taken->failed))) return false;
  const DbInstance& db = *taken->db;
  out.instance_id = db.config.id;
  out.data_store = db.config.data_store;
  out.data_time = taken->at;
  out.deleted_at = taken->at + schedule.retention;
  out.encrypted = db.config.encrypted;
  out.size_gb = db.config.size_gb;
  if (!copy) {
    out.region = db.config.region;
    out.type = schedule.type;
    out.exists_from = taken->at;
    out.kms_key = db.config.kms_key;
    out.available_at = taken->available_at;
    out.failed = taken->failed;
    out.source_region.clear();
    out.source_id.clear();
    return true;
  }

  // The copy is the source with a few members changed.
  const Time ready = taken->available_at;
  out.source_region = db.config.region;
  out.region = schedule.copy_to;
  out.source_id = out.id;
  out.type = "manual";  // a copy of an automated snapshot is a manual snapshot
  if (schedule.copy_id_prefix.empty()) {
    std::replace(out.id.begin(), out.id.end(), ':', '-');
    out.id += schedule.copy_id_suffix;
  } else {
    snapshot_stamp(out.id, taken->at, context_.epoch_unix_ms(), schedule.copy_id_prefix);
  }
  out.exists_from = ready;
  out.kms_key = schedule.copy_kms_key;
  out.failed = copy_fails(state, db, ready);
  // Incremental after the first copy: only the data changed since the previous snapshot.
  const double change_per_day =
      schedule.change_gb_per_day > 0
          ? schedule.change_gb_per_day
          : context_.calibration().rds_daily_change_fraction * db.config.size_gb;
  const double gb = copied_before(state, index)
                        ? change_per_day * static_cast<double>(schedule.every) / sim::kDay
                        : db.config.size_gb;
  Time done = ready + copy_duration(gb, out.source_region, out.region, out.id);
  // The copy reads from the source region: an outage there stalls it until it returns.
  if (const Time down = context_.data_plane_fails(out.source_region, ready, done); down != kNever) {
    done = context_.data_plane_back(out.source_region, down) + (done - down);
    if (done < down) done = kNever;  // overflow: never back
  }
  out.available_at = done;
  return true;
}

bool Rds::copied_before(ScheduleState& state, std::int64_t index) {
  if (state.first_good_copy) return *state.first_good_copy < index;
  if (state.schedule.copy_to.empty()) return false;
  // Whether a copy succeeded does not depend on how long it took: no copy need be built.
  for (; state.no_good_copy_before < index; ++state.no_good_copy_before) {
    const std::int64_t i = state.no_good_copy_before;
    const std::optional<Taken> taken = take_scheduled(state, i, stamp_scratch_);
    if (taken && !taken->failed && !copy_fails(state, *taken->db, taken->available_at)) {
      state.first_good_copy = i;
      return true;
    }
  }
  return false;
}

void Rds::visit_snapshots(std::string_view region, Time t, std::string_view owner,
                          std::string_view type,
                          const std::function<bool(const DbSnapshot&)>& visit) {
  auto wanted = [&](const DbSnapshot& s) {
    return s.region == region && s.exists_from <= t && s.deleted_at > t &&
           (owner.empty() || s.instance_id == owner) && (type.empty() || s.type == type);
  };
  // One cursor per source of snapshots, each yielding newest first; merged by data time
  // (ties: the later cursor first, so that the ascending order lists explicit snapshots,
  // then each schedule's, then its copies').
  boost::container::small_vector<const DbSnapshot*, 16> explicit_ones;
  for (const DbSnapshot& s : snapshots_) {
    if (wanted(s)) explicit_ones.push_back(&s);
  }
  std::stable_sort(
      explicit_ones.begin(), explicit_ones.end(),
      [](const DbSnapshot* a, const DbSnapshot* b) { return a->data_time < b->data_time; });
  struct Cursor {
    const DbSnapshot* head = nullptr;
    ScheduleState* state = nullptr;  // null: the explicit snapshots, from explicit_ones[i - 1]
    bool copy = false;
    std::int64_t i = 0, oldest = 0;
    std::string_view source_region;  // the schedule's instance's, when it has one region
  };
  auto next = [&](Cursor& c) -> const DbSnapshot* {
    if (c.state == nullptr)
      return c.i == 0 ? nullptr : explicit_ones[static_cast<std::size_t>(--c.i)];
    const SnapshotSchedule& schedule = c.state->schedule;
    for (; c.i >= c.oldest; --c.i) {
      if (!c.source_region.empty()) {
        const Time taken = schedule.offset + c.i * schedule.every;
        if (const Time down = context_.outage_start(c.source_region, taken); down != kNever) {
          // On to the last index taken before the outage began (the loop's --c.i).
          c.i = (floor_to(down - 1, schedule.offset, schedule.every) - schedule.offset) /
                    schedule.every +
                1;
          continue;
        }
      }
      const std::vector<std::pair<std::int64_t, bool>>& kept = c.state->kept;
      if (std::find(kept.begin(), kept.end(), std::pair{c.i, c.copy}) != kept.end()) continue;
      const DbSnapshot* s = scheduled(*c.state, c.i, c.copy);
      if (s != nullptr && wanted(*s)) {
        --c.i;
        return s;
      }
    }
    return nullptr;
  };
  boost::container::small_vector<Cursor, 8> cursors;
  cursors.push_back({.i = static_cast<std::int64_t>(explicit_ones.size())});
  for (ScheduleState& state : schedules_) {
    const SnapshotSchedule& schedule = state.schedule;
    const auto newest = static_cast<std::int64_t>(
        std::floor(static_cast<double>(t - schedule.offset) / static_cast<double>(schedule.every)));
    // Retained: taken + retention > t.
    const std::int64_t oldest = std::max(
        state.first_index, static_cast<std::int64_t>(std::floor(
                               static_cast<double>(t - schedule.retention - schedule.offset) /
                               static_cast<double>(schedule.every))) +
                               1);
    // The region of the schedule's instance, when every instance of that name is in one:
    // no snapshot is taken while it is down (take_scheduled), so a cursor skips its outages.
    std::string_view source_region;
    bool sources_here = false, one_region = true;
    for (const DbInstance& db : instances_) {
      if (db.config.id != schedule.instance_id) continue;
      sources_here = sources_here || db.config.region == region;
      if (source_region.empty()) source_region = db.config.region;
      one_region = one_region && db.config.region == source_region;
    }
    if (!one_region) source_region = {};
    for (const bool copy : {false, true}) {
      if (copy ? schedule.copy_to != region : !sources_here) continue;
      cursors.push_back({.state = &state,
                         .copy = copy,
                         .i = newest,
                         .oldest = oldest,
                         .source_region = source_region});
    }
  }
  for (Cursor& c : cursors) c.head = next(c);
  for (;;) {
    Cursor* best = nullptr;
    for (Cursor& c : cursors) {
      if (c.head && (best == nullptr || c.head->data_time >= best->head->data_time)) best = &c;
    }
    if (best == nullptr || visit(*best->head)) return;
    best->head = next(*best);
  }
}

std::vector<DbSnapshot> Rds::snapshots(std::string_view region, Time t) {
  std::vector<DbSnapshot> out;
  visit_snapshots(region, t, {}, {}, [&](const DbSnapshot& s) {
    out.push_back(s);
    return false;
  });
  std::reverse(out.begin(), out.end());
  return out;
}

int Rds::copies_in_progress(std::string_view region, Time t) {
  int n = 0;
  visit_snapshots(region, t, {}, {}, [&](const DbSnapshot& s) {
    if (!s.source_region.empty() && t < s.available_at && !s.failed) ++n;
    return false;
  });
  return n;
}

Time Rds::available_from(std::string_view id, Time t) const {
  Time best = kNever;
  for (const DbInstance& db : instances_) {
    if (!sim::same(db.config.id, id)) continue;
    const Time from = std::max(t, db.exists_from);
    Time at = std::min(db.status.when(DbStatus::kAvailable, from),
                       db.status.when(DbStatus::kResettingMasterCredentials, from));
    if (at == kNever) continue;
    // Its region must be up too (an AZ outage can only delay it further).
    if (!context_.data_plane_up(db.config.region, at))
      at = context_.data_plane_back(db.config.region, at);
    if (at < db.deleted_at && at < db.failed_at) best = std::min(best, at);
  }
  return best;
}

std::optional<Time> Rds::unchanged_until(const Request& r) const {
  std::string scratch;
  const std::string_view id = r.text_view("db-instance-identifier", scratch);
  if (id.empty() || r.fields.size() != 1 || r.fields[0] != "DBInstanceStatus") return std::nullopt;
  const Time t = context_.now();
  Time until = kNever;
  auto consider = [&](Time at) {
    if (at > t) until = std::min(until, at);
  };
  for (const DbInstance& db : instances_) {
    if (!sim::same(db.config.id, id)) continue;
    consider(db.exists_from);
    consider(db.deleted_at);
    consider(db.failed_at);
    consider(db.status.next_change(t));
    for (const DisruptionWindow& w : context_.disruptions()) {
      if (!sim::same(w.region, db.config.region)) continue;
      // An AZ outage now: a Multi-AZ failover's status depends on draws; poll it.
      if (w.kind == Disruption::kAzDown && w.start <= t && t < w.end) return std::nullopt;
      consider(w.start);
      consider(w.end);
    }
  }
  return until;
}

// ------------------------------------------------------------------------- values

/// `DBSnapshots` of a describe call: the snapshots existing in a region at the call's instant,
/// oldest first, built on demand from the model (which changes only by appending to its
/// timelines, so the answer for that instant does not change as the trial goes on).
class SnapshotListing : public LazyArray {
 public:
  SnapshotListing(Rds& rds, std::string region, Time t, std::string owner, std::string type)
      : rds_(rds),
        generation_(rds.generation_),
        region_(std::move(region)),
        t_(t),
        owner_(std::move(owner)),
        type_(std::move(type)) {}

  std::optional<Value> last_match(const std::function<bool(const Value&)>& match,
                                  std::span<const std::string_view> fields) const override {
    check();
    std::optional<Value> found;
    rds_.visit_snapshots(region_, t_, owner_, type_, [&](const DbSnapshot& s) {
      Value v = rds_.snapshot_value(s, t_, fields);
      if (!match(v)) return false;
      found = std::move(v);
      return true;
    });
    return found;
  }
  std::string_view ascending_by() const override { return "SnapshotCreateTime"; }

 protected:
  Array build() const override {
    check();
    Array out;
    rds_.visit_snapshots(region_, t_, owner_, type_, [&](const DbSnapshot& s) {
      out.push_back(rds_.snapshot_value(s, t_));
      return false;
    });
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  void check() const {
    if (rds_.generation_ != generation_)
      throw std::logic_error("a snapshot listing was read after its trial ended");
  }
  Rds& rds_;
  std::uint64_t generation_;
  std::string region_;
  Time t_;
  std::string owner_, type_;
};

Value Rds::instance_value(const DbInstance& db, Time t,
                          std::span<const std::string_view> fields) const {
  // Each member is computed only when the caller reads it (see Request::fields).
  enum Member {
    kId,
    kClass,
    kEngine,
    kStatus,
    kStorage,
    kAz,
    kMultiAz,
    kEncrypted,
    kRetention,
    kArn,
    kReplicas,
    kEndpoint,
    kKms,
    kRestorable,
    kReplicaSource,
    kCluster
  };
  static constexpr std::array<std::string_view, 16> kMembers = {
      "DBInstanceIdentifier",
      "DBInstanceClass",
      "Engine",
      "DBInstanceStatus",
      "AllocatedStorage",
      "AvailabilityZone",
      "MultiAZ",
      "StorageEncrypted",
      "BackupRetentionPeriod",
      "DBInstanceArn",
      "ReadReplicaDBInstanceIdentifiers",
      "Endpoint",
      "KmsKeyId",
      "LatestRestorableTime",
      "ReadReplicaSourceDBInstanceIdentifier",
      "DBClusterIdentifier"};
  ResourceValue<kMembers.size()> v(kMembers, fields);
  const DbStatus s = status(db, t);
  v.add(kId, [&] { return db.config.id; });
  v.add(kClass, [&] { return db.config.instance_class; });
  v.add(kEngine, [&] { return db.config.engine; });
  v.add(kStatus, [&] { return std::string(db_status_name(s)); });
  v.add(kStorage, [&] { return static_cast<std::int64_t>(db.config.size_gb); });
  v.add(kAz, [&] { return db.config.az; });
  v.add(kMultiAz, [&] { return db.config.multi_az; });
  v.add(kEncrypted, [&] { return db.config.encrypted; });
  v.add(kRetention, [&] { return db.config.backup_retention_days; });
  v.add(kArn, [&] { return context_.arn("rds", db.config.region, "db:", db.config.id); });
  v.add(kReplicas, [&] {
    Array replicas;
    for (const DbInstance& other : instances_) {
      if (other.config.replica_of == db.config.id && other.promoted_at > t &&
          other.exists_from <= t) {
        replicas.emplace_back(other.config.id);
      }
    }
    return replicas;
  });
  if (s != DbStatus::kCreating) {
    v.add(kEndpoint, [&] {
      return Value::object(
          {{"Address", endpoint(db.config.id, db.config.region)},
           {"Port", db.config.engine.find("mysql") != std::string::npos ? 3306 : 5432}});
    });
  }
  if (db.config.encrypted) v.add(kKms, [&] { return db.config.kms_key; });
  if (db.config.backup_retention_days > 0) {
    v.add(kRestorable, [&] { return Timestamp{latest_restorable_time(db, t)}; });
  }
  if (!db.config.replica_of.empty() && db.promoted_at > t) {
    v.add(kReplicaSource, [&] { return db.config.replica_of; });
  }
  if (!db.config.cluster.empty()) v.add(kCluster, [&] { return db.config.cluster; });
  return std::move(v).value();
}

Value Rds::snapshot_value(const DbSnapshot& s, Time t,
                          std::span<const std::string_view> fields) const {
  // Each member is computed only when the caller reads it (see Request::fields).
  enum Member {
    kId,
    kInstance,
    kCreated,
    kStatus,
    kProgress,
    kType,
    kStorage,
    kEncrypted,
    kArn,
    kKms,
    kSourceRegion,
    kSource
  };
  static constexpr std::array<std::string_view, 12> kMembers = {
      "DBSnapshotIdentifier", "DBInstanceIdentifier",
      "SnapshotCreateTime",   "Status",
      "PercentProgress",      "SnapshotType",
      "AllocatedStorage",     "Encrypted",
      "DBSnapshotArn",        "KmsKeyId",
      "SourceRegion",         "SourceDBSnapshotIdentifier"};
  ResourceValue<kMembers.size()> v(kMembers, fields);
  const char* status = "available";
  std::int64_t progress = 100;
  if (s.failed) {
    status = "failed";
    progress = 0;
  } else if (t < s.available_at) {
    status = "creating";
    const double total = static_cast<double>(s.available_at - s.exists_from);
    progress =
        s.available_at == kNever || total <= 0
            ? 0
            : static_cast<std::int64_t>(100.0 * static_cast<double>(t - s.exists_from) / total);
  }
  v.add(kId, [&] { return s.id; });
  v.add(kInstance, [&] { return s.instance_id; });
  v.add(kCreated, [&] { return Timestamp{s.data_time}; });
  v.add(kStatus, [&] { return status; });
  v.add(kProgress, [&] { return progress; });
  v.add(kType, [&] { return s.type; });
  v.add(kStorage, [&] { return static_cast<std::int64_t>(s.size_gb); });
  v.add(kEncrypted, [&] { return s.encrypted; });
  v.add(kArn, [&] { return context_.arn("rds", s.region, "snapshot:", s.id); });
  if (s.encrypted) v.add(kKms, [&] { return s.kms_key; });
  if (!s.source_region.empty()) {
    v.add(kSourceRegion, [&] { return s.source_region; });
    v.add(kSource, [&] { return context_.arn("rds", s.source_region, "snapshot:", s.source_id); });
  }
  return std::move(v).value();
}

Value Rds::cluster_value(const DbCluster& c, Time t) const {
  Members m{
      {"DBClusterIdentifier", c.id},
      {"Status", std::string(db_status_name(status(c, t)))},
      {"Engine", c.engine},
      {"Endpoint", fmt::format("{}.cluster-c1x2y3z4.{}.rds.amazonaws.com", c.id, c.region)},
      {"ReaderEndpoint",
       fmt::format("{}.cluster-ro-c1x2y3z4.{}.rds.amazonaws.com", c.id, c.region)},
      {"DBClusterArn",
       fmt::format("arn:aws:rds:{}:{}:cluster:{}", c.region, context_.account(), c.id)},
      {"MultiAZ", c.readers > 0},
  };
  Array members;
  int count = 0;
  for (const DbInstance& db : instances_) {
    if (db.config.cluster == c.id && db.exists_from <= t && db.deleted_at > t) {
      members.push_back(Value::object(
          {{"DBInstanceIdentifier", db.config.id}, {"IsClusterWriter", count++ == 0}}));
    }
  }
  m.emplace_back("DBClusterMembers", Value(std::move(members)));
  if (!c.global_cluster.empty()) m.emplace_back("GlobalClusterIdentifier", c.global_cluster);
  return Value(std::move(m));
}

// ------------------------------------------------------------------------- operations

Outcome Rds::handle(const Request& r) {
  const std::string_view op = r.operation;  // compared with many literals: sizes first
  if (op == "describe-db-instances") return describe_instances(r);
  if (op == "describe-db-snapshots") return describe_snapshots(r);
  if (op == "describe-db-clusters") return describe_clusters(r);
  if (op == "create-db-snapshot" || op == "create-db-cluster-snapshot") return create_snapshot(r);
  if (op == "copy-db-snapshot") return copy_snapshot(r);
  if (op == "delete-db-snapshot") return delete_snapshot(r);
  if (op == "restore-db-instance-from-db-snapshot") return restore_from_snapshot(r);
  if (op == "restore-db-instance-to-point-in-time") return restore_to_point_in_time(r);
  if (op == "create-db-instance-read-replica") return create_read_replica(r);
  if (op == "promote-read-replica" || op == "promote-read-replica-db-cluster")
    return promote_read_replica(r);
  if (op == "reboot-db-instance") return reboot(r);
  if (op == "modify-db-instance") return modify(r);
  if (op == "delete-db-instance" || op == "delete-db-cluster") return delete_instance(r);
  if (op == "failover-db-cluster") return failover_cluster(r);
  if (op == "failover-global-cluster") return failover_global(r, false);
  if (op == "switchover-global-cluster") return failover_global(r, true);
  if (op == "restore-db-cluster-from-snapshot") return restore_cluster(r, false);
  if (op == "restore-db-cluster-to-point-in-time") return restore_cluster(r, true);
  if (op == "create-db-instance") return create_instance(r);
  if (op == "describe-db-cluster-snapshots") return describe_snapshots(r);
  return Outcome::failure(AwsErrorCode::kUnknownOperation,
                          "the mock cloud does not model rds " + std::string(op));
}

Outcome Rds::describe_instances(const Request& r) {
  const Time t = context_.now();
  std::string scratch;
  const std::string_view id = r.text_view("db-instance-identifier", scratch);
  Array out;
  for (const DbInstance& db : instances_) {
    if (listed(db, r.region, id, t)) out.push_back(instance_value(db, t, r.fields));
  }
  if (!id.empty() && out.empty()) {
    return Outcome::failure(AwsErrorCode::kDBInstanceNotFound,
                            fmt::format("DBInstance {} not found.", id));
  }
  return Outcome::success(Value::object({{"DBInstances", Value(std::move(out))}}));
}

std::optional<WaiterState> Rds::instances_available(const Request& describe) const {
  // The instances describe_instances would list, each read as the waiter reads its answer.
  const Time t = context_.now();
  std::string scratch;
  const std::string_view id = describe.text_view("db-instance-identifier", scratch);
  InstancesAvailable verdict;
  bool any = false;
  for (const DbInstance& db : instances_) {
    if (!listed(db, describe.region, id, t)) continue;
    any = true;
    verdict.add(db_status_name(status(db, t)));
  }
  if (!id.empty() && !any) return std::nullopt;
  return verdict.verdict();
}

Outcome Rds::describe_snapshots(const Request& r) {
  const Time t = context_.now();
  const bool clusters = r.operation == "describe-db-cluster-snapshots";
  std::string scratch[3];
  const std::string_view id = r.text_view(
      clusters ? "db-cluster-snapshot-identifier" : "db-snapshot-identifier", scratch[0]);
  const std::string_view owner =
      r.text_view(clusters ? "db-cluster-identifier" : "db-instance-identifier", scratch[1]);
  const std::string_view type = r.text_view("snapshot-type", scratch[2]);
  const Key member = clusters ? Key("DBClusterSnapshots") : Key("DBSnapshots");
  if (id.empty()) {
    // The listing is built element by element as the query needs it: a runbook that wants
    // the newest of hundreds of snapshots builds only the newest.
    return Outcome::success(
        Value::object({{member, Value(std::make_shared<const SnapshotListing>(
                                    *this, r.region, t, std::string(owner), std::string(type)))}}));
  }
  const DbSnapshot* s = find_snapshot(id, r.region);
  if (s == nullptr || (!owner.empty() && s->instance_id != owner) ||
      (!type.empty() && s->type != type)) {
    return Outcome::failure(AwsErrorCode::kDBSnapshotNotFound,
                            fmt::format("DBSnapshot {} not found.", id));
  }
  return Outcome::success(Value::object({{member, Value(Array{snapshot_value(*s, t, r.fields)})}}));
}

Outcome Rds::describe_clusters(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-cluster-identifier");
  Array out;
  for (const DbCluster& c : clusters_) {
    if (c.region != r.region || c.exists_from > t) continue;
    if (!id.empty() && c.id != id) continue;
    out.push_back(cluster_value(c, t));
  }
  if (!id.empty() && out.empty()) {
    return Outcome::failure(AwsErrorCode::kDBClusterNotFound,
                            fmt::format("DBCluster {} not found.", id));
  }
  return Outcome::success(Value::object({{"DBClusters", Value(std::move(out))}}));
}

std::optional<Outcome> Rds::check_kms(bool encrypted, const std::string& key,
                                      const std::string& region) {
  if (encrypted && !kms_.accessible(region, key)) {
    return Outcome::failure(
        AwsErrorCode::kKMSKeyNotAccessible,
        fmt::format("The specified KMS key [{}] does not exist, is not enabled or you do not "
                    "have permissions to access it in region {}.",
                    key, region));
  }
  return std::nullopt;
}

Outcome Rds::create_snapshot(const Request& r) {
  const Time t = context_.now();
  const bool cluster_op = r.operation == "create-db-cluster-snapshot";
  const std::string snap_id =
      r.text(cluster_op ? "db-cluster-snapshot-identifier" : "db-snapshot-identifier");
  const std::string owner_id =
      r.text(cluster_op ? "db-cluster-identifier" : "db-instance-identifier");
  if (find_snapshot(snap_id, r.region) != nullptr) {
    return Outcome::failure(
        AwsErrorCode::kDBSnapshotAlreadyExists,
        fmt::format(
            "Cannot create the snapshot because a snapshot with the identifier {} already exists.",
            snap_id));
  }
  DbSnapshot s;
  s.id = snap_id;
  s.region = r.region;
  s.instance_id = owner_id;
  s.data_time = t;
  s.exists_from = t;
  if (cluster_op) {
    DbCluster* c = find_cluster(owner_id, r.region);
    if (c == nullptr)
      return Outcome::failure(AwsErrorCode::kDBClusterNotFound,
                              fmt::format("DBCluster {} not found.", owner_id));
    if (status(*c, t) != DbStatus::kAvailable) {
      return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                              fmt::format("DBCluster {} is not in available state.", owner_id));
    }
    s.data_store = c->data_store;
    s.data_time = data_as_of(*c, t);
  } else {
    DbInstance* db = find_instance(owner_id, r.region);
    if (db == nullptr)
      return Outcome::failure(AwsErrorCode::kDBInstanceNotFound,
                              fmt::format("DBInstance {} not found.", owner_id));
    if (status(*db, t) != DbStatus::kAvailable) {
      return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                              fmt::format("DBInstance {} is not in available state.", owner_id));
    }
    s.data_store = db->config.data_store;
    s.data_time = data_as_of(*db, t);
    s.encrypted = db->config.encrypted;
    s.kms_key = db->config.kms_key;
    s.size_gb = db->config.size_gb;
  }
  s.available_at =
      t + context_.draw(context_.calibration().rds_snapshot_create, "rds/snapshot-create", s.id);
  snapshots_.push_back(s);
  return Outcome::success(Value::object({{cluster_op ? Key("DBClusterSnapshot") : Key("DBSnapshot"),
                                          snapshot_value(snapshots_.back(), t, r.fields)}}));
}

Outcome Rds::copy_snapshot(const Request& r) {
  const Time t = context_.now();
  auto [source_id, source_region] = id_and_region(r, "source-db-snapshot-identifier");
  if (const std::string explicit_region = r.text("source-region"); !explicit_region.empty()) {
    source_region = explicit_region;
  }
  const std::string target_id = r.text("target-db-snapshot-identifier");
  if (!context_.data_plane_up(source_region, t)) {
    return Outcome::failure(
        AwsErrorCode::kInvalidDBSnapshotState,
        fmt::format("The source snapshot's region {} is not available.", source_region));
  }
  DbSnapshot* source = find_snapshot(source_id, source_region);
  if (source == nullptr) {
    return Outcome::failure(
        AwsErrorCode::kDBSnapshotNotFound,
        fmt::format("DBSnapshot {} not found in {}.", source_id, source_region));
  }
  if (source->failed || t < source->available_at) {
    return Outcome::failure(AwsErrorCode::kInvalidDBSnapshotState,
                            fmt::format("Snapshot {} is not available.", source_id));
  }
  if (find_snapshot(target_id, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kDBSnapshotAlreadyExists,
                            fmt::format("Snapshot {} already exists.", target_id));
  }
  const bool cross_region = source_region != r.region;
  std::string key = r.text("kms-key-id");
  if (source->encrypted && cross_region && key.empty()) {
    return Outcome::failure(
        AwsErrorCode::kInvalidParameterCombination,
        "KmsKeyId is required to copy an encrypted snapshot to another region.");
  }
  if (key.empty()) key = source->kms_key;
  if (auto error = check_kms(source->encrypted, key, r.region)) return *error;
  const int in_progress = copies_in_progress(r.region, t);
  if (cross_region && in_progress >= context_.calibration().max_concurrent_copies) {
    return Outcome::failure(
        AwsErrorCode::kSnapshotQuotaExceeded,
        fmt::format("Cannot copy: {} snapshot copies are already in progress to {}.", in_progress,
                    r.region));
  }
  DbSnapshot copy = *source;
  copy.id = target_id;
  copy.region = r.region;
  copy.type = "manual";
  copy.kms_key = key;
  copy.exists_from = t;
  copy.deleted_at = kNever;
  copy.source_region = source_region;
  copy.source_id = source_id;
  copy.available_at =
      t + (cross_region
               ? copy_duration(copy.size_gb, source_region, r.region, target_id)
               : context_.draw(context_.calibration().copy_setup, "rds/copy-setup", target_id));
  snapshots_.push_back(copy);
  return Outcome::success(
      Value::object({{"DBSnapshot", snapshot_value(snapshots_.back(), t, r.fields)}}));
}

Outcome Rds::delete_snapshot(const Request& r) {
  const std::string id = r.text("db-snapshot-identifier");
  DbSnapshot* s = find_snapshot(id, r.region);
  if (s == nullptr)
    return Outcome::failure(AwsErrorCode::kDBSnapshotNotFound,
                            fmt::format("DBSnapshot {} not found.", id));
  s->deleted_at = context_.now();
  return Outcome::success(
      Value::object({{"DBSnapshot", snapshot_value(*s, context_.now(), r.fields)}}));
}

void Rds::add_restored(DbInstance db) {
  db.log_phase =
      static_cast<Time>(context_.uniform("rds/log-phase", db.config.id, db.restores) *
                        static_cast<double>(context_.calibration().rds_log_upload_interval));
  instances_.push_back(std::move(db));
}

Outcome Rds::restore_from_snapshot(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-instance-identifier");
  std::string snap_scratch;
  const std::string_view snap_id = r.text_view("db-snapshot-identifier", snap_scratch);
  if (find_instance(id, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kDBInstanceAlreadyExists,
                            fmt::format("DB instance {} already exists.", id));
  }
  const DbSnapshot* snap = find_snapshot(snap_id, r.region);
  if (snap == nullptr)
    return Outcome::failure(AwsErrorCode::kDBSnapshotNotFound,
                            fmt::format("DBSnapshot {} not found.", snap_id));
  if (snap->failed || t < snap->available_at) {
    return Outcome::failure(AwsErrorCode::kInvalidDBSnapshotState,
                            fmt::format("DBSnapshot {} is not in available state.", snap_id));
  }
  if (auto error = check_kms(snap->encrypted, snap->kms_key, r.region)) return *error;
  const DbInstance* source = instance(snap->instance_id);
  DbInstance db;
  db.config.id = id;
  db.config.region = r.region;
  std::string scratch;
  if (const std::string_view az = r.text_view("availability-zone", scratch); !az.empty())
    db.config.az = az;
  else
    db.config.az = r.region + "a";
  db.config.engine = source ? source->config.engine : "postgres";
  if (const std::string_view c = r.text_view("db-instance-class", scratch); !c.empty())
    db.config.instance_class = c;
  else
    db.config.instance_class = source ? source->config.instance_class : "db.r6g.large";
  db.config.size_gb = snap->size_gb;
  db.config.multi_az = r.flag("multi-az");
  db.config.encrypted = snap->encrypted;
  db.config.kms_key = snap->kms_key;
  db.config.backup_retention_days = source ? source->config.backup_retention_days : 7;
  if (const std::string retention = r.text("backup-retention-period"); !retention.empty()) {
    db.config.backup_retention_days = std::atoi(retention.c_str());
  }
  db.config.data_store = snap->data_store;
  db.exists_from = t;
  db.data_as_of = snap->data_time;
  const std::uint64_t occurrence = instances_.size();
  const Calibration& c = context_.calibration();
  const Time restored = t + context_.draw(c.rds_restore, "rds/restore", id, occurrence) +
                        size_time(snap->size_gb, "rds/restore-size", id, occurrence);
  db.status = Timeline(t, DbStatus::kCreating);
  Time available = restored;
  if (db.config.backup_retention_days > 0 &&
      context_.uniform("rds/post-restore-backup", id, occurrence) <
          c.rds_post_restore_backup_probability) {
    db.status.set(restored, DbStatus::kBackingUp);
    available = restored + context_.draw(c.rds_post_restore_backup,
                                         "rds/post-restore-backup-duration", id, occurrence);
  }
  // A restore can also fail on its own and must then be retried (flaky-step injection).
  const bool fails =
      context_.uniform("rds/restore-fails", id, occurrence) < c.rds_restore_failure_probability;
  db.status.set(fails ? restored : available,
                fails ? DbStatus::kIncompatibleRestore : DbStatus::kAvailable);
  add_restored(std::move(db));
  return answered(r, [&] {
    return Value::object({{"DBInstance", instance_value(instances_.back(), t, r.fields)}});
  });
}

Outcome Rds::restore_to_point_in_time(const Request& r) {
  const Time t = context_.now();
  const std::string target = r.text("target-db-instance-identifier");
  const DbInstance* source = nullptr;
  std::string source_id = r.text("source-db-instance-identifier");
  bool replicated = false;
  if (const std::string arn = r.text("source-db-instance-automated-backups-arn"); !arn.empty()) {
    // Cross-region automated backups: the id in the ARN names the source instance.
    if (auto parsed = parse_rds_arn(arn)) source_id = parsed->id;
    replicated = true;
  }
  for (const DbInstance& db : instances_) {
    if (db.config.id == source_id && (replicated || db.config.region == r.region)) source = &db;
  }
  if (source == nullptr)
    return Outcome::failure(AwsErrorCode::kDBInstanceNotFound,
                            fmt::format("DBInstance {} not found.", source_id));
  if (find_instance(target, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kDBInstanceAlreadyExists,
                            fmt::format("DB instance {} already exists.", target));
  }
  if (source->config.backup_retention_days <= 0) {
    return Outcome::failure(
        AwsErrorCode::kInvalidDBInstanceState,
        fmt::format(
            "Automated backups are not enabled for {}: point-in-time restore is not possible.",
            source_id));
  }
  const Calibration& c = context_.calibration();
  Time latest = latest_restorable_time(*source, t);
  if (replicated) {
    // Replicated backups arrive in the destination region with a lag of their own.
    const sim::Duration lag =
        context_.draw(c.backup_replication_lag, "rds/backup-replication-lag", source_id);
    latest = latest_restorable_time(*source, std::max(source->exists_from, t - lag));
  }
  Time restore_time = latest;
  if (!r.flag("use-latest-restorable-time")) {
    const Value* given = r.find("restore-time");
    if (given == nullptr) {
      return Outcome::failure(AwsErrorCode::kMissingParameter,
                              "Either --restore-time or --use-latest-restorable-time is required.");
    }
    auto parsed = time_of(*given, context_.epoch_unix_ms());
    if (!parsed)
      return Outcome::failure(AwsErrorCode::kInvalidParameterValue,
                              "--restore-time is not an ISO 8601 UTC time");
    restore_time = *parsed;
  }
  const Time earliest =
      std::max(source->exists_from, t - source->config.backup_retention_days * sim::kDay);
  if (restore_time > latest || restore_time < earliest) {
    return Outcome::failure(
        AwsErrorCode::kInvalidRestore,
        fmt::format("Restore time {} is outside the restorable window [{}, {}].",
                    iso8601(restore_time, context_.epoch_unix_ms()),
                    iso8601(earliest, context_.epoch_unix_ms()),
                    iso8601(latest, context_.epoch_unix_ms())));
  }
  DbInstance db;
  db.config = source->config;
  db.config.id = target;
  db.config.region = r.region;
  db.config.az = r.region + "a";
  db.config.replica_of.clear();
  db.config.multi_az = r.flag("multi-az");
  if (!r.text("db-instance-class").empty()) db.config.instance_class = r.text("db-instance-class");
  if (auto error = check_kms(db.config.encrypted, db.config.kms_key, r.region)) return *error;
  db.exists_from = t;
  db.data_as_of = restore_time;
  db.status = Timeline(t, DbStatus::kCreating);
  db.status.set(t + context_.draw(c.rds_pitr, "rds/pitr", target, instances_.size()) +
                    size_time(db.config.size_gb, "rds/pitr-size", target, instances_.size()),
                DbStatus::kAvailable);
  add_restored(std::move(db));
  return Outcome::success(
      Value::object({{"DBInstance", instance_value(instances_.back(), t, r.fields)}}));
}

Outcome Rds::create_read_replica(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-instance-identifier");
  auto [source_id, source_region] = id_and_region(r, "source-db-instance-identifier");
  if (!r.text("source-region").empty()) source_region = r.text("source-region");
  if (find_instance(id, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kDBInstanceAlreadyExists,
                            fmt::format("DB instance {} already exists.", id));
  }
  DbInstance* source = find_instance(source_id, source_region);
  if (source == nullptr)
    return Outcome::failure(AwsErrorCode::kDBInstanceNotFound,
                            fmt::format("DBInstance {} not found.", source_id));
  if (status(*source, t) != DbStatus::kAvailable) {
    return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                            fmt::format("DBInstance {} is not available.", source_id));
  }
  if (source->config.backup_retention_days <= 0) {
    return Outcome::failure(
        AwsErrorCode::kInvalidDBInstanceState,
        "Automated backups must be enabled on the source to create a read replica.");
  }
  DbInstance db;
  db.config = source->config;
  db.config.id = id;
  db.config.region = r.region;
  db.config.az = r.region + "a";
  db.config.replica_of = source_id;
  db.config.multi_az = r.flag("multi-az");
  if (source_region != r.region) {
    const std::string key = r.text("kms-key-id");
    if (db.config.encrypted && key.empty()) {
      return Outcome::failure(AwsErrorCode::kInvalidParameterCombination,
                              "KmsKeyId is required for a cross-region encrypted read replica.");
    }
    if (!key.empty()) db.config.kms_key = key;
    if (auto error = check_kms(db.config.encrypted, db.config.kms_key, r.region)) return *error;
  }
  db.exists_from = t;
  db.status = Timeline(t, DbStatus::kCreating);
  db.status.set(t + context_.draw(context_.calibration().replica_create, "rds/replica-create", id),
                DbStatus::kAvailable);
  add_restored(std::move(db));
  return Outcome::success(
      Value::object({{"DBInstance", instance_value(instances_.back(), t, r.fields)}}));
}

Outcome Rds::promote_read_replica(const Request& r) {
  const Time t = context_.now();
  const Calibration& c = context_.calibration();
  if (r.operation == "promote-read-replica-db-cluster") {
    const std::string id = r.text("db-cluster-identifier");
    DbCluster* cl = nullptr;
    if (auto error = require_cluster(id, r.region, /*available=*/false, cl)) return *error;
    if (!cl->secondary || cl->promoted_at <= t) {
      return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                              fmt::format("DBCluster {} is not a read replica.", id));
    }
    cl->data_as_of = data_as_of(*cl, t);
    cl->promoted_at = t;
    cl->secondary = false;
    cl->status.set(t, DbStatus::kModifying);
    cl->status.set(t + context_.draw(c.replica_promotion, "rds/promote", id), DbStatus::kAvailable);
    return Outcome::success(Value::object({{"DBCluster", cluster_value(*cl, t)}}));
  }
  const std::string id = r.text("db-instance-identifier");
  DbInstance* db = nullptr;
  if (auto error = require_instance(id, r.region, /*available=*/false, db)) return *error;
  if (db->config.replica_of.empty() || db->promoted_at <= t) {
    return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                            fmt::format("DB instance {} is not a read replica.", id));
  }
  if (status(*db, t) != DbStatus::kAvailable) {
    return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                            fmt::format("DB instance {} is not in available state.", id));
  }
  db->data_as_of = data_as_of(*db, t);  // replication stops now: freeze what it holds
  db->promoted_at = t;
  db->status.set(t, DbStatus::kModifying);
  db->status.set(t + context_.draw(c.replica_promotion, "rds/promote", id), DbStatus::kAvailable);
  return Outcome::success(Value::object({{"DBInstance", instance_value(*db, t, r.fields)}}));
}

Outcome Rds::reboot(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-instance-identifier");
  DbInstance* db = nullptr;
  if (auto error = require_instance(id, r.region, /*available=*/true, db)) return *error;
  const bool failover = r.flag("force-failover");
  if (failover && !db->config.multi_az) {
    return Outcome::failure(AwsErrorCode::kInvalidParameterCombination,
                            "Cannot force a failover of a Single-AZ instance.");
  }
  const Calibration& c = context_.calibration();
  const sim::Duration d =
      failover ? context_.draw(c.multi_az_failover, "rds/failover", id, db->restores++)
               : context_.draw(c.rds_reboot, "rds/reboot", id, db->restores++);
  db->status.set(t, DbStatus::kRebooting);
  db->status.set(t + d, DbStatus::kAvailable);
  return Outcome::success(Value::object({{"DBInstance", instance_value(*db, t, r.fields)}}));
}

Outcome Rds::modify(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-instance-identifier");
  DbInstance* db = nullptr;
  if (auto error = require_instance(id, r.region, /*available=*/true, db)) return *error;
  const Calibration& c = context_.calibration();
  if (const std::string new_id = r.text("new-db-instance-identifier"); !new_id.empty()) {
    if (find_instance(new_id, r.region) != nullptr) {
      return Outcome::failure(AwsErrorCode::kDBInstanceAlreadyExists,
                              fmt::format("DB instance {} already exists.", new_id));
    }
    db->config.id = new_id;
    db->status.set(t, DbStatus::kRenaming);
    db->status.set(t + context_.draw(c.rds_rename, "rds/rename", new_id), DbStatus::kAvailable);
  } else if (r.find("master-user-password") != nullptr) {
    // Applied as soon as possible whatever --apply-immediately says (RDS API
    // ModifyDBInstance, MasterUserPassword); the instance keeps serving meanwhile.
    const Time done =
        t + context_.draw(c.rds_reset_credentials, "rds/reset-credentials", id, db->restores++);
    db->status.set(t, DbStatus::kResettingMasterCredentials);
    db->status.set(done, DbStatus::kAvailable);
    db->credentials_changed_at = done;
  } else {
    if (!r.text("db-instance-class").empty())
      db->config.instance_class = r.text("db-instance-class");
    if (r.find("multi-az") != nullptr) db->config.multi_az = r.flag("multi-az");
    db->status.set(t, DbStatus::kModifying);
    db->status.set(t + context_.draw(c.rds_rename, "rds/modify", id, db->restores++),
                   DbStatus::kAvailable);
  }
  return Outcome::success(Value::object({{"DBInstance", instance_value(*db, t, r.fields)}}));
}

Outcome Rds::delete_instance(const Request& r) {
  const Time t = context_.now();
  const Calibration& c = context_.calibration();
  if (r.operation == "delete-db-cluster") {
    const std::string id = r.text("db-cluster-identifier");
    DbCluster* cl = nullptr;
    if (auto error = require_cluster(id, r.region, /*available=*/false, cl)) return *error;
    cl->status.set(t, DbStatus::kDeleting);
    cl->status.set(t + context_.draw(c.rds_delete, "rds/delete", id), DbStatus::kDeleted);
    return Outcome::success(Value::object({{"DBCluster", cluster_value(*cl, t)}}));
  }
  const std::string id = r.text("db-instance-identifier");
  DbInstance* db = nullptr;
  if (auto error = require_instance(id, r.region, /*available=*/false, db)) return *error;
  if (db->status.at(t) == DbStatus::kDeleting) {
    return Outcome::failure(AwsErrorCode::kInvalidDBInstanceState,
                            fmt::format("DB instance {} is already being deleted.", id));
  }
  if (!r.flag("skip-final-snapshot")) {
    const std::string final_id = r.text("final-db-snapshot-identifier");
    if (final_id.empty()) {
      return Outcome::failure(
          AwsErrorCode::kInvalidParameterCombination,
          "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
    }
    DbSnapshot s;
    s.id = final_id;
    s.region = r.region;
    s.instance_id = id;
    s.data_store = db->config.data_store;
    s.data_time = data_as_of(*db, t);
    s.exists_from = t;
    s.available_at = t + context_.draw(c.rds_snapshot_create, "rds/snapshot-create", final_id);
    s.encrypted = db->config.encrypted;
    s.kms_key = db->config.kms_key;
    s.size_gb = db->config.size_gb;
    snapshots_.push_back(std::move(s));
  }
  const Time gone = t + context_.draw(c.rds_delete, "rds/delete", id, db->restores++);
  db->status.set(t, DbStatus::kDeleting);
  db->deleted_at = gone;
  return Outcome::success(Value::object({{"DBInstance", instance_value(*db, t, r.fields)}}));
}

Outcome Rds::failover_cluster(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-cluster-identifier");
  DbCluster* cl = nullptr;
  if (auto error = require_cluster(id, r.region, /*available=*/true, cl)) return *error;
  const Calibration& c = context_.calibration();
  const Distribution& d =
      cl->readers > 0 ? c.aurora_failover_with_replica : c.aurora_failover_without_replica;
  cl->status.set(t, DbStatus::kModifying);
  cl->status.set(t + context_.draw(d, "rds/cluster-failover", id, cl->operations++),
                 DbStatus::kAvailable);
  return Outcome::success(Value::object({{"DBCluster", cluster_value(*cl, t)}}));
}

Outcome Rds::failover_global(const Request& r, bool planned) {
  const Time t = context_.now();
  const std::string global = r.text("global-cluster-identifier");
  auto [target_id, target_region] = id_and_region(r, "target-db-cluster-identifier");
  DbCluster* target = nullptr;
  DbCluster* primary = nullptr;
  for (DbCluster& c : clusters_) {
    if (c.global_cluster != global) continue;
    if (c.id == target_id) target = &c;
    if (!c.secondary) primary = &c;
  }
  if (target == nullptr) {
    return Outcome::failure(AwsErrorCode::kGlobalClusterNotFound,
                            fmt::format("Global cluster {} has no member {}.", global, target_id));
  }
  if (!target->secondary)
    return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                            fmt::format("{} is already the primary.", target_id));
  const Calibration& c = context_.calibration();
  if (planned) {
    // A switchover needs a healthy primary: it waits for replication to catch up (RPO 0).
    if (primary == nullptr || !context_.data_plane_up(primary->region, t)) {
      return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                              "Switchover needs the primary cluster to be available; use "
                              "failover-global-cluster --allow-data-loss.");
    }
  } else if (!r.flag("allow-data-loss") && primary != nullptr &&
             context_.data_plane_up(primary->region, t)) {
    return Outcome::failure(
        AwsErrorCode::kInvalidParameterCombination,
        "failover-global-cluster without --allow-data-loss requires the primary to be unavailable");
  }
  const sim::Duration d =
      context_.draw(planned ? c.aurora_global_switchover : c.aurora_global_failover,
                    planned ? Purpose("rds/global-switchover") : Purpose("rds/global-failover"),
                    global, target->operations++);
  target->data_as_of = planned ? kNever : data_as_of(*target, t);
  target->promoted_at = t;
  target->secondary = false;
  target->status.set(t, DbStatus::kModifying);
  target->status.set(t + d, DbStatus::kAvailable);
  if (primary != nullptr) primary->secondary = true;
  return Outcome::success(
      Value::object({{"GlobalCluster", Value::object({{"GlobalClusterIdentifier", global}})}}));
}

Outcome Rds::restore_cluster(const Request& r, bool point_in_time) {
  const Time t = context_.now();
  const std::string id = r.text("db-cluster-identifier");
  if (find_cluster(id, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kInvalidDBClusterState,
                            fmt::format("DBCluster {} already exists.", id));
  }
  DbCluster cl;
  cl.id = id;
  cl.region = r.region;
  cl.readers = 0;  // a restored cluster has no instances until create-db-instance adds them
  const Calibration& c = context_.calibration();
  sim::Duration d;
  if (point_in_time) {
    const std::string source_id = r.text("source-db-cluster-identifier");
    const DbCluster* source = find_cluster(source_id, r.region);
    if (source == nullptr)
      return Outcome::failure(AwsErrorCode::kDBClusterNotFound,
                              fmt::format("DBCluster {} not found.", source_id));
    const sim::Duration every = c.rds_log_upload_interval;
    const Time stop =
        std::min(t, context_.data_plane_fails(source->region, source->exists_from, t));
    const Time latest = std::max(source->exists_from,
                                 floor_to(stop, source->exists_from + source->log_phase, every));
    Time restore_time = latest;
    if (!r.flag("use-latest-restorable-time")) {
      const Value* given = r.find("restore-to-time");
      auto parsed = given ? time_of(*given, context_.epoch_unix_ms()) : std::nullopt;
      if (!parsed)
        return Outcome::failure(AwsErrorCode::kMissingParameter,
                                "--restore-to-time or --use-latest-restorable-time is required.");
      restore_time = *parsed;
    }
    if (restore_time > latest) {
      return Outcome::failure(AwsErrorCode::kInvalidRestore,
                              fmt::format("Restore time is after the latest restorable time {}.",
                                          iso8601(latest, context_.epoch_unix_ms())));
    }
    cl.engine = source->engine;
    cl.data_store = source->data_store;
    cl.data_as_of = restore_time;
    d = context_.draw(c.rds_pitr, "rds/cluster-pitr", id);
  } else {
    const std::string snap_id = r.text("snapshot-identifier");
    const DbSnapshot* snap = find_snapshot(snap_id, r.region);
    if (snap == nullptr)
      return Outcome::failure(AwsErrorCode::kDBSnapshotNotFound,
                              fmt::format("DBClusterSnapshot {} not found.", snap_id));
    if (snap->failed || t < snap->available_at) {
      return Outcome::failure(AwsErrorCode::kInvalidDBSnapshotState,
                              fmt::format("Snapshot {} is not available.", snap_id));
    }
    if (auto error = check_kms(snap->encrypted, snap->kms_key, r.region)) return *error;
    cl.data_store = snap->data_store;
    cl.data_as_of = snap->data_time;
    d = context_.draw(c.rds_restore, "rds/cluster-restore", id);
  }
  cl.exists_from = t;
  cl.status = Timeline(t, DbStatus::kCreating);
  cl.status.set(t + d, DbStatus::kAvailable);
  clusters_.push_back(std::move(cl));
  return Outcome::success(Value::object({{"DBCluster", cluster_value(clusters_.back(), t)}}));
}

Outcome Rds::create_instance(const Request& r) {
  const Time t = context_.now();
  const std::string id = r.text("db-instance-identifier");
  if (find_instance(id, r.region) != nullptr) {
    return Outcome::failure(AwsErrorCode::kDBInstanceAlreadyExists,
                            fmt::format("DB instance {} already exists.", id));
  }
  DbInstance db;
  db.config.id = id;
  db.config.region = r.region;
  db.config.az = r.region + "a";
  db.config.instance_class =
      r.text("db-instance-class").empty() ? "db.r6g.large" : r.text("db-instance-class");
  db.config.engine = r.text("engine").empty() ? "postgres" : r.text("engine");
  db.config.cluster = r.text("db-cluster-identifier");
  db.exists_from = t;
  const sim::Duration d =
      context_.draw(context_.calibration().rds_create_instance, "rds/create-instance", id);
  if (!db.config.cluster.empty()) {
    DbCluster* cl = find_cluster(db.config.cluster, r.region);
    if (cl == nullptr)
      return Outcome::failure(AwsErrorCode::kDBClusterNotFound,
                              fmt::format("DBCluster {} not found.", db.config.cluster));
    db.config.data_store = cl->data_store;
  } else {
    db.config.data_store = id;
    db.data_as_of = std::numeric_limits<Time>::min();  // a new, empty database holds no data
  }
  db.status = Timeline(t, DbStatus::kCreating);
  db.status.set(t + d, DbStatus::kAvailable);
  add_restored(std::move(db));
  return Outcome::success(
      Value::object({{"DBInstance", instance_value(instances_.back(), t, r.fields)}}));
}

}  // namespace drsim::models
