// The hold model as a command, for whole-process timings against the SimPy peer:
//   drsim_hold [callbacks|coroutines|bare] PENDING EVENTS
// prints "<mode> pending=P events=E seconds=S events_per_second=R".
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "bench/hold_model.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    fmt::print(stderr, "usage: drsim_hold callbacks|coroutines|bare PENDING EVENTS\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int pending = std::atoi(argv[2]);
  const auto events = std::strtoull(argv[3], nullptr, 10);
  drsim::sim::Environment env;
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t processed = 0;
  if (mode == "callbacks") {
    processed = drsim::bench::hold_callbacks(env, pending, events);
  } else if (mode == "coroutines") {
    processed = drsim::bench::hold_coroutines(env, pending, events);
  } else if (mode == "bare") {
    processed = drsim::bench::hold_bare_heap(pending, events);
  } else {
    fmt::print(stderr, "unknown mode {}\n", mode);
    return 2;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("{} pending={} events={} seconds={:.3f} events_per_second={:.0f}\n", mode, pending,
             processed, seconds, processed / seconds);
}
