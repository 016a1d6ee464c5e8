#!/usr/bin/python3
"""Runs `drsim run --json` on library scenarios of every shape (recovered, never recovered,
several data stores or none) and validates each result against schema/result.schema.json;
also checks that the schema rejects a result with a misspelt field. Exits 77 (CTest:
skipped) without Debian's python3-jsonschema, saying so.

usage: check_result_schema.py SOURCE_DIR DRSIM_BINARY"""
import json
import pathlib
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed (scripts/bootstrap.sh installs it)")
    sys.exit(77)

root, drsim = pathlib.Path(sys.argv[1]), sys.argv[2]
schema = json.loads((root / "schema" / "result.schema.json").read_text())
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failed = 0
results = []
with tempfile.TemporaryDirectory() as tmp:
    for name in ("mangu-regional-failover", "maestrohwithit-region-failure",
                 "muejam-deployment-rollback", "muejam-security-breach"):
        out = pathlib.Path(tmp) / f"{name}.json"
        subprocess.run([drsim, "run", str(root / "scenarios" / "library" / f"{name}.json"),
                        "--trials", "300", "--quiet", "--json", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        result = json.loads(out.read_text())
        results.append(result)
        for e in validator.iter_errors(result):
            print(f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
            failed += 1
bad = dict(results[0])
bad["rto"] = dict(bad["rto"], p95s=1.0)  # a misspelt field the schema must flag
if not list(validator.iter_errors(bad)):
    print("the schema accepted an unknown field")
    failed += 1
print(f"{len(results)} results checked, {failed} problems")
sys.exit(1 if failed else 0)
