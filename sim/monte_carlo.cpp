#include "sim/monte_carlo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

namespace drsim::sim {

unsigned effective_threads(unsigned requested, std::uint64_t trials) {
  unsigned threads = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(
      std::max<std::uint64_t>(1, std::min<std::uint64_t>(threads, trials)));
}

namespace {

void draw_progress(std::uint64_t done, std::uint64_t total, bool final) {
  constexpr int kWidth = 30;
  const double fraction = total ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  fmt::print(stderr, "\r[{:#<{}}{:<{}}] {:3.0f}% {}/{} trials", "", filled, "", kWidth - filled,
             100 * fraction, done, total);
  if (final) fmt::print(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace

RunSummary run_trials(const RunOptions& options,
                      const std::function<std::unique_ptr<TrialWorker>()>& make_worker) {
  RunSummary summary;
  summary.requested = options.trials;
  summary.threads = effective_threads(options.threads, options.trials);
  summary.status.assign(options.trials, TrialStatus::kNotRun);
  if (options.trials == 0) return summary;

  // Chunks small enough to balance threads and to stop promptly, large enough that the
  // shared counter is not contended.
  const std::uint64_t chunk =
      std::clamp<std::uint64_t>(options.trials / (summary.threads * 64ULL), 1, 1024);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::mutex mutex;  // guards failures, finished_threads
  std::condition_variable finished;
  unsigned finished_threads = 0;
  std::vector<TrialFailure> failures;
  auto stopping = [&] { return options.stop && options.stop->load(std::memory_order_relaxed); };

  auto work = [&] {
    std::unique_ptr<TrialWorker> worker = make_worker();
    while (!stopping()) {
      const std::uint64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
      if (begin >= options.trials) break;
      const std::uint64_t end = std::min(options.trials, begin + chunk);
      for (std::uint64_t trial = begin; trial < end; ++trial) {
        try {
          worker->run_trial(trial);
          summary.status[trial] = TrialStatus::kOk;
        } catch (const std::exception& e) {
          summary.status[trial] = TrialStatus::kFailed;
          std::lock_guard lock(mutex);
          const std::uint64_t global = options.first_trial + trial;
          failures.push_back(
              {global, fmt::format("trial {} (seed {}): {}", global, options.seed, e.what())});
        }
      }
      done.fetch_add(end - begin, std::memory_order_relaxed);
    }
    std::lock_guard lock(mutex);
    ++finished_threads;
    finished.notify_all();
  };

  std::vector<std::jthread> threads;
  threads.reserve(summary.threads);
  for (unsigned i = 0; i < summary.threads; ++i) threads.emplace_back(work);
  {
    std::unique_lock lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(100),
                              [&] { return finished_threads == summary.threads; })) {
      if (options.progress) draw_progress(done.load(), options.trials, false);
    }
  }
  threads.clear();  // join
  if (options.progress) draw_progress(done.load(), options.trials, true);

  summary.completed = static_cast<std::uint64_t>(
      std::count_if(summary.status.begin(), summary.status.end(),
                    [](TrialStatus s) { return s != TrialStatus::kNotRun; }));
  summary.partial = summary.completed < options.trials;
  std::sort(failures.begin(), failures.end(),
            [](const TrialFailure& a, const TrialFailure& b) { return a.trial < b.trial; });
  summary.failures = std::move(failures);
  return summary;
}

}  // namespace drsim::sim
