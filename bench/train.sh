#!/usr/bin/env bash
# The training run of the profile-guided build (`make bench`): every scenario of the library,
# 3,000 trials each on one thread, run by the instrumented drsim of BUILD_DIR (configured with
# -DDRSIM_PGO=generate). The profiles land beside the objects (*.gcda); older ones are removed
# first, so that they describe the code just built.
#   bash bench/train.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: bench/train.sh BUILD_DIR}
build=${build%/}
here=$(cd "$(dirname "$0")" && pwd)
find "$build" -name '*.gcda' -delete
for scenario in "$here"/../scenarios/library/*.json; do
  "$build/apps/drsim/drsim" run "$scenario" --trials 3000 --threads 1 -q >/dev/null
done
# Every object of the drsim command must have its profile: one without is optimised as if the
# training never ran it (-Wno-missing-profile keeps that quiet), and the build comes out a few
# per cent slower than it should, with nothing said (two builds racing in one directory did it).
# (The benchmarks' own programs, drsim_hold among them, are left out: built after the training.)
missing=$(find "$build" -path "$build/bench" -prune -o -path '*/CMakeFiles/drsim*.dir/*' -name '*.o' \
  -print | sort | while read -r object; do
  [[ -f "${object%.o}.gcda" ]] || echo "  $object"
done)
if [[ -n "$missing" ]]; then
  echo "bench/train.sh: the training left these objects without a profile:" >&2
  echo "$missing" >&2
  exit 1
fi
echo "trained on $(ls "$here"/../scenarios/library/*.json | wc -l) scenarios:" \
  "$(find "$build" -name '*.gcda' | wc -l) profiles"
