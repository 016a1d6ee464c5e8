// The classic hold model, used to measure the kernel: `pending` events are outstanding; each
// one that comes due schedules one more at an exponentially distributed delay. Written three
// ways so their costs can be compared: plain callbacks, coroutine processes (one per pending
// event, as a SimPy model would be written), and a bare std::priority_queue — the floor.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "sim/sim.hpp"

namespace drsim::bench {

// Mean delay 1 s in integer milliseconds: fine enough that ties are rare, as with doubles.
inline constexpr double kMeanDelayMs = 1000.0;

inline sim::Duration exponential_delay(sim::Stream& s) {
  return static_cast<sim::Duration>(-kMeanDelayMs * std::log1p(-s.uniform01())) + 1;
}

/// Callbacks: returns events processed.
inline std::uint64_t hold_callbacks(sim::Environment& env, int pending, std::uint64_t events) {
  struct Context {
    sim::Environment* env;
    sim::Stream stream;
  } context{&env, sim::Stream(1, 0, sim::stream_id("hold"))};
  // A self-rescheduling callback: the function pointer must name itself, so spell it as a
  // static member of a local struct.
  struct Rearm {
    static void run(void* p) {
      auto* c = static_cast<Context*>(p);
      c->env->schedule(c->env->now() + exponential_delay(c->stream), sim::Callback{&Rearm::run, p});
    }
  };
  env.reset(0);
  for (int i = 0; i < pending; ++i) {
    env.schedule(exponential_delay(context.stream), sim::Callback{&Rearm::run, &context});
  }
  env.set_event_limit(events);
  try {
    env.run();
  } catch (const sim::EventLimitExceeded&) {
  }
  const std::uint64_t processed = env.events_processed() - 1;  // the one over the limit ran not
  env.reset(0);
  return processed;
}

inline sim::Process holder(sim::Environment& env, sim::Stream& stream, std::uint64_t rounds) {
  for (std::uint64_t i = 0; i < rounds; ++i) co_await env.timeout(exponential_delay(stream));
}

/// Coroutine processes: returns events processed.
inline std::uint64_t hold_coroutines(sim::Environment& env, int pending, std::uint64_t events) {
  sim::Stream stream(1, 0, sim::stream_id("hold"));
  env.reset(0);
  for (int i = 0; i < pending; ++i) env.start(holder(env, stream, events / pending));
  env.run();
  const std::uint64_t processed = env.events_processed();
  env.reset(0);
  return processed;
}

// `env` is unused in the body, but as the first argument it gives the frame its arena.
inline sim::Process pinger([[maybe_unused]] sim::Environment& env, sim::Event& mine,
                           sim::Event& theirs, std::uint64_t rounds) {
  for (std::uint64_t i = 0; i < rounds; ++i) {
    co_await mine;
    mine.reset();
    theirs.succeed();
  }
}

/// Two processes hand control back and forth through events: returns events processed.
inline std::uint64_t ping_pong(sim::Environment& env, std::uint64_t rounds) {
  env.reset(0);
  sim::Event a(env), b(env);
  env.start(pinger(env, a, b, rounds));
  env.start(pinger(env, b, a, rounds));
  a.succeed();
  env.run();
  const std::uint64_t processed = env.events_processed();
  env.reset(0);
  return processed;
}

/// The floor: a bare binary heap of times with the same draws and no callbacks.
inline std::uint64_t hold_bare_heap(int pending, std::uint64_t events) {
  sim::Stream stream(1, 0, sim::stream_id("hold"));
  std::priority_queue<sim::Time, std::vector<sim::Time>, std::greater<>> heap;
  for (int i = 0; i < pending; ++i) heap.push(exponential_delay(stream));
  for (std::uint64_t i = 0; i < events; ++i) {
    const sim::Time now = heap.top();
    heap.pop();
    heap.push(now + exponential_delay(stream));
  }
  return events + static_cast<std::uint64_t>(heap.top() & 0);  // keep the loop observable
}

}  // namespace drsim::bench
