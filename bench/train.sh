#!/usr/bin/env bash
# The training run of the profile-guided build (`make bench`): every scenario of the library,
# 3,000 trials each on one thread, run by the instrumented drsim of BUILD_DIR (configured with
# -DDRSIM_PGO=generate). The profiles land beside the objects (*.gcda); older ones are removed
# first, so that they describe the code just built.
#   bash bench/train.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: bench/train.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
find "$build" -name '*.gcda' -delete
for scenario in "$here"/../scenarios/library/*.json; do
  "$build/apps/drsim/drsim" run "$scenario" --trials 3000 --threads 1 -q >/dev/null
done
echo "trained on $(ls "$here"/../scenarios/library/*.json | wc -l) scenarios:" \
  "$(find "$build" -name '*.gcda' | wc -l) profiles"
