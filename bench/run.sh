#!/usr/bin/env bash
# Runs the kernel benchmarks and the SimPy peer in one go and prints the ratio.
#   make bench            (builds build-bench/ first), or: bash bench/run.sh BUILD_DIR
# Figures and the machine they were taken on: bench/README.md.
set -euo pipefail
build=${1:-build-bench}
here=$(cd "$(dirname "$0")" && pwd)
events=${HOLD_EVENTS:-2000000}

echo "== Google Benchmark: kernel (events/s) =="
"$build/bench/kernel_bench" --benchmark_min_time=0.5 2>/dev/null | grep -E "^(BM_|-|Benchmark)"

echo
echo "== Hold model, 1000 pending, $events events: drsim vs SimPy (Debian python3-simpy) =="
if ! /usr/bin/python3 -c "import SimPy.Simulation" 2>/dev/null; then
  echo "SimPy is not installed (scripts/bootstrap.sh --bench installs python3-simpy); skipped"
  exit 0
fi
rate() { sed -n 's/.*events_per_second=\([0-9]*\).*/\1/p'; }
best_of_three() { for _ in 1 2 3; do "$@" | rate; done | sort -n | tail -1; }
callbacks=$(best_of_three "$build/bench/drsim_hold" callbacks 1000 "$events")
coroutines=$(best_of_three "$build/bench/drsim_hold" coroutines 1000 "$events")
bare=$(best_of_three "$build/bench/drsim_hold" bare 1000 "$events")
simpy=$(best_of_three /usr/bin/python3 "$here/simpy_hold.py" 1000 "$events")
printf '%-32s %12s events/s\n' "bare std::priority_queue" "$bare" "drsim callbacks" "$callbacks" \
  "drsim coroutine processes" "$coroutines" "SimPy 2.3 processes" "$simpy"
awk -v c="$callbacks" -v p="$coroutines" -v s="$simpy" -v b="$bare" 'BEGIN {
  printf "\nratio drsim coroutines / SimPy:  %.1fx\n", p / s
  printf "ratio drsim callbacks  / SimPy:  %.1fx\n", c / s
  printf "drsim callbacks / bare heap:     %.2f\n", c / b
}'
