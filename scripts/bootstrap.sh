#!/usr/bin/env bash
# Installs the Debian 12 packages drsim needs to build, test and benchmark, and nothing
# more. Idempotent and quiet: when everything is present it prints nothing and exits 0.
# Used by `make demo`, `make test` and .ci/run, so a fresh machine needs no manual step.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache make
  libboost-dev libboost-math-dev        # Asio, Beast, Process (headers), Math
  libboost-filesystem-dev               # Boost.Process (1.74) links Boost.Filesystem
  nlohmann-json3-dev libeigen3-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-jsonschema                    # the tests check scenarios against their JSON Schema
  libgoogle-perftools-dev               # tcmalloc: trials allocate many small objects
)
# The SimPy peer is only needed for the benchmarks: `scripts/bootstrap.sh --bench`; a browser
# (two, to compare) and an image reader only for the test that renders the HTML report, and the
# AWS CLI v2, whose service models `drsim lint` checks parameters against: `--test`. Open MPI
# only for the optional MPI build: `--mpi`.
if [[ "${1:-}" == "--bench" ]]; then packages+=(python3 python3-simpy); fi
if [[ "${1:-}" == "--mpi" ]]; then packages+=(libopenmpi-dev openmpi-bin); fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium firefox-esr fonts-dejavu-core python3-pil awscli)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "bootstrap: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
