// Kernel benchmarks (Google Benchmark). Each reports events per second ("events/s"); see
// bench/README.md for the figures and bench/run.sh for the comparison with SimPy.
#include <benchmark/benchmark.h>

#include "bench/hold_model.hpp"

namespace drsim::bench {
namespace {

constexpr std::uint64_t kEventsPerIteration = 1'000'000;

void BM_HoldCallbacks(benchmark::State& state) {
  sim::Environment env;
  std::uint64_t events = 0;
  for (auto _ : state)
    events += hold_callbacks(env, static_cast<int>(state.range(0)), kEventsPerIteration);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HoldCallbacks)->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_HoldCoroutines(benchmark::State& state) {
  sim::Environment env;
  std::uint64_t events = 0;
  for (auto _ : state)
    events += hold_coroutines(env, static_cast<int>(state.range(0)), kEventsPerIteration);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HoldCoroutines)->Arg(10)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_PingPong(benchmark::State& state) {
  sim::Environment env;
  std::uint64_t events = 0;
  for (auto _ : state) events += ping_pong(env, kEventsPerIteration / 2);
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PingPong)->Unit(benchmark::kMillisecond);

void BM_BarePriorityQueue(benchmark::State& state) {
  std::uint64_t events = 0;
  for (auto _ : state) {
    events += hold_bare_heap(static_cast<int>(state.range(0)), kEventsPerIteration);
    benchmark::ClobberMemory();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BarePriorityQueue)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_StreamAndLognormalDraw(benchmark::State& state) {
  const auto d = sim::Distribution::lognormal_p50_p95(15 * sim::kMinute, 45 * sim::kMinute);
  std::uint64_t trial = 0;
  for (auto _ : state) {
    sim::Stream s(1, trial++, sim::stream_id("rds/restore"));
    benchmark::DoNotOptimize(d.sample_duration(s));
  }
}
BENCHMARK(BM_StreamAndLognormalDraw);

}  // namespace
}  // namespace drsim::bench

BENCHMARK_MAIN();
