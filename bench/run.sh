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

echo
mangu=${MANGU_TRIALS:-20000}
echo "== MANGU regional failover, $mangu trials on one core: drsim vs the SimPy twin =="
scenario="$here/../scenarios/library/mangu-regional-failover.json"
drsim_rate() {
  local start end
  start=$(date +%s.%N)
  "$build/apps/drsim/drsim" run "$scenario" --trials "$mangu" --threads 1 -q --json /tmp/drsim-mangu.$$.json >/dev/null
  end=$(date +%s.%N)
  awk -v n="$mangu" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f\n", n / (b - a) }'
}
twin=$(/usr/bin/python3 "$here/simpy_mangu.py" "$mangu" 7)
drsim_tps=$(for _ in 1 2 3; do drsim_rate; done | sort -n | tail -1)
twin_tps=$(sed -n 's/.*trials_per_second=\([0-9.]*\).*/\1/p' <<<"$twin")
echo "SimPy twin: $twin"
python3 - "/tmp/drsim-mangu.$$.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r, p = j["rto"], j["rpo"]["mangu-db"]
print(f"drsim:      rto_p50_s={r['p50_s']:.0f} p_rto_met={r['p_meet']:.4f} "
      f"(95% CI {r['p_meet_ci'][0]:.4f}-{r['p_meet_ci'][1]:.4f}) rpo_p50_s={p['p50_s']:.0f} "
      f"never={r['infinite']} rto_mean_finite_s={r['mean_s']:.0f} rpo_mean_finite_s={p['mean_s']:.0f}")
PY
rm -f "/tmp/drsim-mangu.$$.json"
awk -v d="$drsim_tps" -v s="$twin_tps" 'BEGIN {
  printf "trials/s on one core: drsim %d, SimPy twin %d: ratio %.1fx\n", d, s, d / s }'
