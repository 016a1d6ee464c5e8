// The mock cloud's hottest operations, as the Monte Carlo loop calls them (Google Benchmark):
// describe calls, a restore, and a whole restore-then-wait as one trial would run it.
#include <benchmark/benchmark.h>

#include "models/mock_cloud.hpp"
#include "models/waiters.hpp"
#include "scenarios/query.hpp"

namespace drsim::bench {
namespace {

using models::Param;
using models::Request;

Request req(std::string service, std::string op, std::string region,
            std::initializer_list<Param> params) {
  return Request{std::move(service), std::move(op), std::move(region), params};
}

/// The MANGU shape: a 200 GB primary in us-west-2, snapshots every 15 minutes kept 7 days
/// and copied to us-east-1.
struct World {
  World() : cloud(env, calibration) {}
  void apply(std::uint64_t trial, bool schedule) {
    env.reset(0);
    cloud.reset(1, trial);
    cloud.context().add_region("us-west-2");
    cloud.context().add_region("us-east-1");
    cloud.kms().add_key("us-east-1", "k", "alias/dr");
    models::DbInstanceConfig db;
    db.id = "prod-db";
    db.region = "us-west-2";
    db.size_gb = 200;
    cloud.rds().add_instance(db, -30 * sim::kDay);
    cloud.rds().add_snapshot({.id = "snap",
                              .region = "us-east-1",
                              .instance_id = "prod-db",
                              .data_time = -sim::kHour,
                              .available_at = -sim::kHour,
                              .exists_from = -sim::kHour,
                              .kms_key = "alias/dr",
                              .size_gb = 200});
    if (schedule) {
      cloud.rds().add_schedule({.instance_id = "prod-db",
                                .every = 15 * sim::kMinute,
                                .offset = 0,
                                .retention = 7 * sim::kDay,
                                .type = "manual",
                                .id_prefix = "mangu-",
                                .copy_to = "us-east-1",
                                .copy_kms_key = "alias/dr"});
    }
  }
  models::Calibration calibration;
  sim::Environment env;
  models::MockCloud cloud;
};

void BM_DescribeOneInstance(benchmark::State& state) {
  World w;
  w.apply(0, false);
  const Request r =
      req("rds", "describe-db-instances", "us-west-2", {{"db-instance-identifier", "prod-db"}});
  for (auto _ : state) benchmark::DoNotOptimize(w.cloud.invoke(r));
}
BENCHMARK(BM_DescribeOneInstance);

/// A listing made `again` in the same trial finds its snapshots built by the first one (a
/// trial keeps what it built); otherwise each listing is the first of a new trial.
void list_snapshots(benchmark::State& state, bool again, const scenarios::Query* query) {
  World w;
  std::uint64_t trial = 0;
  auto fresh = [&] {
    w.apply(trial++, true);
    w.env.run_until(8 * sim::kDay);
  };
  fresh();
  const Request r = req("rds", "describe-db-snapshots", "us-east-1", {});
  for (auto _ : state) {
    if (!again) {
      state.PauseTiming();
      fresh();
      state.ResumeTiming();
    }
    const models::Outcome o = w.cloud.invoke(r);
    if (query != nullptr) {
      benchmark::DoNotOptimize(query->evaluate(o.result));
    } else {
      benchmark::DoNotOptimize(o.result["DBSnapshots"].size());
    }
  }
}

// 7 days of 15-minute snapshots: ~670 copies in the DR region, every one built (what a
// query that needs them all, or printing the response, costs).
void BM_ListEverySnapshotOfAFifteenMinuteSchedule(benchmark::State& state) {
  list_snapshots(state, state.range(0) != 0, nullptr);
}
BENCHMARK(BM_ListEverySnapshotOfAFifteenMinuteSchedule)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMicrosecond);

// The same listing read by MANGU's query for the newest `mangu` snapshot.
void BM_NewestSnapshotByTheRunbooksQuery(benchmark::State& state) {
  const scenarios::Query q = scenarios::Query::compile(
      "DBSnapshots[?starts_with(DBSnapshotIdentifier, `mangu`)] | "
      "sort_by(@, &SnapshotCreateTime) | [-1].DBSnapshotIdentifier");
  list_snapshots(state, state.range(0) != 0, &q);
}
BENCHMARK(BM_NewestSnapshotByTheRunbooksQuery)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_RestoreFromSnapshot(benchmark::State& state) {
  World w;
  std::uint64_t trial = 0;
  const Request r = req("rds", "restore-db-instance-from-db-snapshot", "us-east-1",
                        {{"db-instance-identifier", "dr"}, {"db-snapshot-identifier", "snap"}});
  for (auto _ : state) {
    state.PauseTiming();
    w.apply(trial++, false);
    state.ResumeTiming();
    benchmark::DoNotOptimize(w.cloud.invoke(r));
  }
}
BENCHMARK(BM_RestoreFromSnapshot);

sim::Process restore_and_wait(sim::Environment& env, models::MockCloud& cloud, Request restore,
                              Request poll, models::WaitResult& out) {
  co_await env.timeout(cloud.invoke(restore).latency);
  const models::WaiterSpec& spec = *models::find_waiter("rds", "db-instance-available");
  out = co_await models::wait_for(env, cloud, spec, poll, spec.delay, spec.max_attempts);
}

void BM_TrialOfRestoreThenWait(benchmark::State& state) {
  // What one trial of a restore runbook step costs: fresh world, restore, waiter polls.
  World w;
  std::uint64_t trial = 0;
  models::WaitResult result;
  for (auto _ : state) {
    w.apply(trial++, false);
    w.env.start(restore_and_wait(
        w.env, w.cloud,
        req("rds", "restore-db-instance-from-db-snapshot", "us-east-1",
            {{"db-instance-identifier", "dr"}, {"db-snapshot-identifier", "snap"}}),
        req("rds", "describe-db-instances", "us-east-1", {{"db-instance-identifier", "dr"}}),
        result));
    w.env.run();
    benchmark::DoNotOptimize(result.attempts);
  }
}
BENCHMARK(BM_TrialOfRestoreThenWait)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace drsim::bench

BENCHMARK_MAIN();
