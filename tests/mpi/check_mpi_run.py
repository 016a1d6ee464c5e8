#!/usr/bin/python3
"""`mpirun -np 2 drsim run|whatif ... --json` must write the very file one process writes.
Usage: check_mpi_run.py DRSIM SOURCE_DIR. Exits 77 (CTest: skipped) without mpirun."""
import os
import shutil
import subprocess
import sys
import tempfile

drsim, root = sys.argv[1], sys.argv[2]
mpirun = shutil.which("mpirun")
if not mpirun:
    print("skipped: mpirun is not installed (scripts/bootstrap.sh --mpi installs Open MPI)")
    sys.exit(77)
scenario = os.path.join(root, "scenarios", "library", "mangu-regional-failover.json")
env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, args in [("run", ["run", scenario, "-n", "1500", "-q"]),
                       ("whatif", ["whatif", scenario, "--set", "topology.rds.0.size_gb=100,2000",
                                   "-n", "600"])]:
        one, two = os.path.join(tmp, name + "-1.json"), os.path.join(tmp, name + "-2.json")
        subprocess.run([drsim, *args, "--json", one], check=True, stdout=subprocess.DEVNULL, env=env)
        subprocess.run([mpirun, "--oversubscribe", "-np", "2", drsim, *args, "--json", two],
                       check=True, stdout=subprocess.DEVNULL, env=env, timeout=300)
        same = open(one, "rb").read() == open(two, "rb").read()
        print(f"{name}: mpirun -np 2 {'matches' if same else 'DIFFERS FROM'} one process")
        failed += not same
sys.exit(1 if failed else 0)
