// RDS in the mock cloud: DB instances, snapshots (manual, automated, scheduled), cross-region
// copies, restores, point-in-time restore, read replicas, Multi-AZ failover, and Aurora
// clusters with Global Database — with the preconditions and errors AWS applies.
//
// State is kept as timelines, not simulated event by event: an instance holds the instants
// at which its status changes ("creating" until 10:42, "backing-up" until 13:05, then
// "available"), so a restore costs a few stored numbers and a describe call reads the status
// at the current instant. Scheduled snapshots and their cross-region copies are produced on
// demand from the schedule, each drawing its own durations from streams named after the
// snapshot, so the set that exists at any instant does not depend on when anyone looked.
//
// Data: every instance and snapshot carries `data_as_of`, the instant of the newest write it
// holds (kNever for a primary that keeps taking writes). That is what RPO is measured from.
#pragma once

#include <boost/container/flat_map.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/cloud_context.hpp"
#include "models/kms.hpp"
#include "sim/slot_vector.hpp"

namespace drsim::models {

enum class DbStatus : std::uint8_t {
  kCreating,
  kBackingUp,
  kAvailable,
  kModifying,
  kRebooting,
  kRenaming,
  kDeleting,
  kDeleted,
  kFailed,
  kIncompatibleRestore,  // a restore that failed and must be retried
  kStorageFailure,
  kInaccessible,  // its region or AZ is down
  kResettingMasterCredentials,
};
std::string_view db_status_name(DbStatus s);
/// Whether clients can connect in this state (a master password reset keeps it serving).
inline bool accepts_connections(DbStatus s) {
  return s == DbStatus::kAvailable || s == DbStatus::kResettingMasterCredentials;
}

/// Status as a step function of time.
class Timeline {
 public:
  Timeline() = default;
  explicit Timeline(sim::Time from, DbStatus s) { set(from, s); }
  /// From `from` on the status is `s` (later changes are dropped: they are superseded).
  void set(sim::Time from, DbStatus s);
  DbStatus at(sim::Time t) const;
  /// The first instant after `t` at which the status changes, or kNever.
  sim::Time next_change(sim::Time t) const;
  sim::Time start() const { return points_.empty() ? sim::kNever : points_.front().first; }
  /// The first instant >= t at which the status is `s` and stays so, or kNever.
  sim::Time when(DbStatus s, sim::Time t) const;

 private:
  std::vector<std::pair<sim::Time, DbStatus>> points_;
};

struct DbInstanceConfig {
  std::string id;
  std::string region;
  std::string az;  // default: the region's first AZ
  std::string engine = "postgres";
  std::string instance_class = "db.r6g.large";
  double size_gb = 100;
  bool multi_az = false;
  bool encrypted = true;
  std::string kms_key = "alias/aws/rds";
  int backup_retention_days = 7;
  std::string data_store;  // the logical data it holds (for RPO), default: the id
  std::string replica_of;  // source instance id for a read replica, else empty
  std::string cluster;     // Aurora cluster id, else empty
};

struct DbInstance {
  DbInstanceConfig config;
  Timeline status;
  sim::Time exists_from = 0;
  sim::Time deleted_at = sim::kNever;
  /// Newest write held, or kNever while it takes writes (a primary). For a replica it is
  /// derived from its source and lag, see Rds::data_as_of.
  sim::Time data_as_of = sim::kNever;
  sim::Time promoted_at = sim::kNever;  // a replica promoted to standalone
  sim::Time failed_at = sim::kNever;    // instance or storage failure
  // Security: the master credentials leaked at `credentials_leaked_since`; the newest master
  // password took effect at `credentials_changed_at` (modify-db-instance --master-user-password).
  sim::Time credentials_leaked_since = sim::kNever;
  sim::Time credentials_changed_at = sim::kNever;
  sim::Time log_phase = 0;     // transaction-log upload phase (PITR)
  std::uint32_t restores = 0;  // for naming the streams of repeated operations
};

struct DbSnapshot {
  std::string id;
  std::string region;
  std::string instance_id;
  std::string data_store;
  std::string type = "manual";  // "manual" | "automated"
  sim::Time data_time = 0;      // SnapshotCreateTime: the data it holds is as of this instant
  sim::Time available_at = 0;   // kNever: never completes (a failed or stalled copy)
  sim::Time exists_from = 0;
  sim::Time deleted_at = sim::kNever;
  bool failed = false;
  bool encrypted = true;
  std::string kms_key;
  double size_gb = 0;
  std::string source_region;  // for copies
  std::string source_id;
};

/// A backup schedule: automated daily backups, or "every 15 minutes", with an optional
/// cross-region copy of each snapshot.
struct SnapshotSchedule {
  std::string instance_id;
  sim::Duration every = sim::kDay;
  sim::Duration offset = 3 * sim::kHour;  // time of day (for daily) of the first snapshot
  sim::Duration retention = 7 * sim::kDay;
  std::string type = "automated";
  std::string id_prefix;  // default "rds:<instance>-" for automated, "<instance>-" otherwise
  // Cross-region copy of each snapshot (empty: none).
  std::string copy_to;
  std::string copy_id_prefix;  // default: the snapshot id with ':' replaced by '-' + suffix
  std::string copy_id_suffix = "-copy";  // used when there is no prefix
  std::string copy_kms_key;              // key in the destination region for encrypted copies
  sim::Time copies_broken_since = sim::kNever;  // injected: copies started after this fail
  double change_gb_per_day = 0;  // data changed per day (incremental copy size); 0: 2% of size
  bool random_window = false;    // automated backups: offset is the start of the 8-hour block
};

struct DbCluster {
  std::string id;
  std::string region;
  std::string engine = "aurora-postgresql";
  int readers = 1;  // replicas in the cluster (failover targets)
  std::string global_cluster;
  bool secondary = false;  // a Global Database secondary (read-only, replicates with lag)
  std::string data_store;
  Timeline status;
  sim::Time exists_from = 0;
  sim::Time data_as_of = sim::kNever;
  sim::Time promoted_at = sim::kNever;
  sim::Time log_phase = 0;
  std::uint32_t operations = 0;
};

class Rds {
 public:
  Rds(CloudContext& context, Kms& kms) : context_(context), kms_(kms) {}

  // Initial state (from the scenario's topology).
  void add_instance(const DbInstanceConfig& config, sim::Time exists_from);
  void add_snapshot(DbSnapshot snapshot);
  /// Copied into the storage of a schedule kept from the last trial, when there is one.
  void add_schedule(const SnapshotSchedule& schedule);
  void add_cluster(DbCluster cluster);
  /// Forgets everything (the mock cloud re-applies the topology for the next trial).
  void clear();
  /// Failure injection: scheduled cross-region copies of `instance`'s snapshots started at
  /// or after `since` fail.
  void break_copies(std::string_view instance, sim::Time since);
  /// Failure injection: the instance fails at `t` (also through an injected failure).
  DbInstance* mutable_instance(std::string_view id);

  /// Handles one rds operation (already admitted by the control plane).
  Outcome handle(const Request& request);
  /// The verdict of `rds wait db-instance-available` on describe-db-instances call
  /// `describe`, from the instances' state; nullopt when the call fails (no such instance).
  std::optional<WaiterState> instances_available(const Request& describe) const;
  /// For describe-db-instances of one instance: the instant before which its status (all a
  /// waiter reads) stays as it is now, unless a call changes it; nullopt when unknown.
  std::optional<sim::Time> unchanged_until(const Request& describe) const;

  // Queries the scenario engine uses to judge service health and RPO.
  const DbInstance* instance(std::string_view id) const;
  /// The newest instance ever named `id`, even if it has been deleted since.
  const DbInstance* instance_ever(std::string_view id) const;
  const DbCluster* cluster(std::string_view id) const;
  /// Status as a client sees it at `t` (kInaccessible when its region or AZ is down).
  DbStatus status(const DbInstance& db, sim::Time t) const;
  DbStatus status(const DbCluster& c, sim::Time t) const;
  /// An Aurora cluster serves when it is available and has an available instance.
  bool can_serve(const DbCluster& c, sim::Time t) const;
  /// The newest write the instance holds at `t` (its recovery point), clamped to `t`.
  sim::Time data_as_of(const DbInstance& db, sim::Time t) const;
  sim::Time data_as_of(const DbCluster& c, sim::Time t) const;
  /// Every snapshot existing in `region` at `t`, oldest first (scheduled ones produced on
  /// demand).
  std::vector<DbSnapshot> snapshots(std::string_view region, sim::Time t);
  /// Calls `visit` with the snapshots existing in `region` at `t` (of `owner` and `type` when
  /// not empty), newest first, until it returns true. Builds only the snapshots it visits.
  void visit_snapshots(std::string_view region, sim::Time t, std::string_view owner,
                       std::string_view type, const std::function<bool(const DbSnapshot&)>& visit);
  /// A lower bound on the first instant >= t at which an instance named `id` accepts
  /// connections, as the timelines stand (kNever: none will).
  sim::Time available_from(std::string_view id, sim::Time t) const;
  /// PITR: the latest restorable time of an instance at `t`, in its own region.
  sim::Time latest_restorable_time(const DbInstance& db, sim::Time t) const;

 private:
  Outcome describe_instances(const Request& r);
  Outcome describe_snapshots(const Request& r);
  Outcome describe_clusters(const Request& r);
  Outcome create_snapshot(const Request& r);
  Outcome copy_snapshot(const Request& r);
  Outcome delete_snapshot(const Request& r);
  Outcome restore_from_snapshot(const Request& r);
  Outcome restore_to_point_in_time(const Request& r);
  Outcome create_read_replica(const Request& r);
  Outcome promote_read_replica(const Request& r);
  Outcome reboot(const Request& r);
  Outcome modify(const Request& r);
  Outcome delete_instance(const Request& r);
  Outcome failover_cluster(const Request& r);
  Outcome failover_global(const Request& r, bool planned);
  Outcome restore_cluster(const Request& r, bool point_in_time);
  Outcome create_instance(const Request& r);

  DbInstance* find_instance(std::string_view id, std::string_view region);
  /// Sets `out` to instance `id` in `region`; returns the error AWS gives when it is missing
  /// or, with `available`, not in the `available` state.
  std::optional<Outcome> require_instance(std::string_view id, std::string_view region,
                                          bool available, DbInstance*& out);
  std::optional<Outcome> require_cluster(std::string_view id, std::string_view region,
                                         bool available, DbCluster*& out);
  DbCluster* find_cluster(std::string_view id, std::string_view region);
  DbSnapshot* find_snapshot(std::string_view id, std::string_view region);
  struct ScheduleState;
  /// The instance named `id` that existed at `t`, or nullptr.
  const DbInstance* instance_at(std::string_view id, sim::Time t) const;
  /// Scheduled snapshot `index` of a schedule (or its cross-region copy), as it is whenever it
  /// exists; nullptr when it was never taken (the instance or its region was down). Built
  /// once a trial (a listing and the lookups after it ask for the same ones).
  const DbSnapshot* scheduled(ScheduleState& state, std::int64_t index, bool copy);
  /// scheduled() without the memo: sets every member of `out` (whatever it held) and returns
  /// true, or returns false when the snapshot was never taken.
  bool build_scheduled(ScheduleState& state, std::int64_t index, bool copy, DbSnapshot& out);
  /// What decides the fate of scheduled snapshot `index` (nullopt: never taken), without
  /// building it; `id` is set to its identifier.
  struct Taken {
    const DbInstance* db;
    sim::Time at;            // when it was taken: the time of its data
    sim::Time available_at;  // when it completed (or would have)
    bool failed;             // its region went down while it was being made
  };
  std::optional<Taken> take_scheduled(const ScheduleState& state, std::int64_t index,
                                      std::string& id) const;
  /// Whether the cross-region copy of a snapshot of `db`, started at `ready`, fails.
  bool copy_fails(const ScheduleState& state, const DbInstance& db, sim::Time ready) const;
  /// Whether some copy before `index` succeeded (the copy of `index` is then incremental).
  bool copied_before(ScheduleState& state, std::int64_t index);
  int copies_in_progress(std::string_view region, sim::Time t);
  /// The part of a restore that grows with the database: `gb` times the calibration's
  /// per-TB draw.
  sim::Duration size_time(double gb, Purpose purpose, std::string_view id,
                          std::uint64_t occurrence);
  sim::Duration copy_duration(double gb, std::string_view from, std::string_view to,
                              std::string_view stream_name);
  Value instance_value(const DbInstance& db, sim::Time t,
                       std::span<const std::string_view> fields = {}) const;
  Value snapshot_value(const DbSnapshot& s, sim::Time t,
                       std::span<const std::string_view> fields = {}) const;
  Value cluster_value(const DbCluster& c, sim::Time t) const;
  std::optional<Outcome> check_kms(bool encrypted, const std::string& key,
                                   const std::string& region);
  void add_restored(DbInstance db);

  CloudContext& context_;
  Kms& kms_;
  // Insertion-ordered; ids are unique per region. Few per trial: linear search is fine.
  std::vector<DbInstance> instances_;
  // Explicit snapshots, and scheduled ones once looked up by identifier (a deque: pointers
  // handed out stay valid as more are added).
  std::deque<DbSnapshot> snapshots_;
  std::vector<DbCluster> clusters_;
  // Scheduled snapshots are not stored: snapshot `index` of a schedule is a pure function of
  // the schedule, the instance and the outages (its durations drawn from streams named after
  // it), built when a call needs it. Once looked up by identifier (to restore, copy or delete
  // it) it is kept in `snapshots_` and the schedule skips it.
  struct ScheduleState {  // add_schedule sets every member (a kept one holds the last trial's)
    SnapshotSchedule schedule;
    std::int64_t first_index;  // the oldest snapshot still retained when the trial starts
    std::optional<std::int64_t> first_good_copy;      // the first copy that succeeded, once known
    std::int64_t no_good_copy_before = 0;             // no copy succeeded below this index
    std::vector<std::pair<std::int64_t, bool>> kept;  // (index, copy) moved to `snapshots_`
    // scheduled()'s answers this trial, by (index, copy): kNeverTaken or the snapshot's place
    // in `pool`. Newest first, the order listings ask in, so that they add at the end.
    static constexpr std::int32_t kNeverTaken = -1;
    boost::container::flat_map<std::pair<std::int64_t, bool>, std::int32_t, std::greater<>> built;
    // The snapshots built, kept from trial to trial so that their strings keep their memory
    // (a deque: pointers handed out stay valid as more are built).
    std::deque<DbSnapshot> pool;
    std::size_t pool_used = 0;
    void forget_built() {
      built.clear();
      pool_used = 0;
    }
  };
  sim::SlotVector<ScheduleState> schedules_;  // kept across clear(): the same every trial
  std::uint64_t generation_ = 0;  // bumped by clear(): listings handed out before are stale
  std::string stamp_scratch_;     // identifiers that are only hashed, never kept
  friend class SnapshotListing;
};

}  // namespace drsim::models
