#include "sim/monte_carlo.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "sim/distribution.hpp"
#include "sim/environment.hpp"
#include "sim/statistics.hpp"

namespace drsim::sim {
namespace {

// A small but real trial: a process races a lognormal restore against a timeout.
Process restore(Environment& env, Duration restore_ms, Duration deadline, Duration& out) {
  Event done(env);
  struct Finisher {
    static Process run(Environment& env, Event& e, Duration d) {
      co_await env.timeout(d);
      e.succeed();
    }
  };
  ProcessRef finisher = env.start(Finisher::run(env, done, restore_ms));
  const int first = co_await any_of(env, done, env.timeout(deadline));
  out = first == 0 ? env.now() : kInfinite;
  env.interrupt(finisher, "deadline passed");  // `done` dies with this frame
}

struct Worker : TrialWorker {
  Worker(std::uint64_t seed, std::vector<Duration>& out) : seed(seed), out(out) {}
  void run_trial(std::uint64_t trial) override {
    Stream s(seed, trial, stream_id("restore"));
    const Duration d = dist.sample_duration(s);
    env.reset(0);
    env.start(restore(env, d, 2 * kHour, out[trial]));
    env.run();
    env.reset(0);
  }
  std::uint64_t seed;
  std::vector<Duration>& out;
  Environment env;
  Distribution dist = Distribution::lognormal_p50_p95(15 * kMinute, 45 * kMinute);
};

std::vector<Duration> run_with(unsigned threads, std::uint64_t trials, std::uint64_t seed) {
  std::vector<Duration> out(trials, -1);
  RunOptions o;
  o.trials = trials;
  o.seed = seed;
  o.threads = threads;
  const RunSummary r = run_trials(o, [&] { return std::make_unique<Worker>(seed, out); });
  EXPECT_EQ(r.completed, trials);
  EXPECT_FALSE(r.partial);
  EXPECT_EQ(r.threads, std::min<unsigned>(threads, static_cast<unsigned>(trials)));
  return out;
}

TEST(MonteCarlo, ResultsAreIdenticalForOneTwoAndEightThreads) {
  const auto one = run_with(1, 20000, 42);
  const auto two = run_with(2, 20000, 42);
  const auto eight = run_with(8, 20000, 42);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, eight);
  EXPECT_NE(one, run_with(2, 20000, 43)) << "the seed must matter";
  Sample s;
  for (Duration d : one) s.add(d);
  EXPECT_GT(s.infinite_count(), 0u) << "some restores exceed the 2 h deadline";
  EXPECT_NEAR(static_cast<double>(s.quantile(0.5)), 15.0 * kMinute, 0.03 * 15 * kMinute);
}

TEST(MonteCarlo, ATrialReplayedAloneMatchesItsRunResult) {
  const auto all = run_with(2, 500, 9);
  std::vector<Duration> single(500, -1);
  Worker w(9, single);
  w.run_trial(321);
  EXPECT_EQ(single[321], all[321]);
}

struct Exploding : TrialWorker {
  void run_trial(std::uint64_t trial) override {
    if (trial == 17 || trial == 401) throw std::runtime_error("boom at step restore");
  }
};

TEST(MonteCarlo, AnExceptionFailsOnlyItsTrialAndNamesTrialAndSeed) {
  RunOptions o;
  o.trials = 1000;
  o.seed = 5;
  o.threads = 2;
  const RunSummary r = run_trials(o, [] { return std::make_unique<Exploding>(); });
  EXPECT_EQ(r.completed, 1000u);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_EQ(r.failures[0].trial, 17u);
  EXPECT_EQ(r.failures[0].message, "trial 17 (seed 5): boom at step restore");
  EXPECT_EQ(r.failures[1].trial, 401u);
  EXPECT_EQ(r.status[17], TrialStatus::kFailed);
  EXPECT_EQ(r.status[18], TrialStatus::kOk);
}

struct Stopper : TrialWorker {
  explicit Stopper(std::atomic<bool>& stop) : stop(stop) {}
  void run_trial(std::uint64_t trial) override {
    if (trial == 100) stop = true;
  }
  std::atomic<bool>& stop;
};

TEST(MonteCarlo, AStopRequestEndsEarlyAndMarksThePartialResult) {
  std::atomic<bool> stop{false};
  RunOptions o;
  o.trials = 1'000'000;
  o.threads = 2;
  o.stop = &stop;
  const RunSummary r = run_trials(o, [&] { return std::make_unique<Stopper>(stop); });
  EXPECT_TRUE(r.partial);
  EXPECT_GT(r.completed, 100u);
  EXPECT_LT(r.completed, 1'000'000u);
  std::uint64_t ok = 0;
  for (TrialStatus s : r.status) ok += s == TrialStatus::kOk;
  EXPECT_EQ(ok, r.completed);
}

}  // namespace
}  // namespace drsim::sim
