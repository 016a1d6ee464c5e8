#!/usr/bin/python3
"""Checks every library scenario against schema/scenario.schema.json, and that the schema
rejects a scenario with an unknown field. Exits 77 (CTest: skipped) without Debian's
python3-jsonschema, saying so."""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed (scripts/bootstrap.sh installs it)")
    sys.exit(77)

root = pathlib.Path(sys.argv[1])
schema = json.loads((root / "schema" / "scenario.schema.json").read_text())
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failed = 0
scenarios = sorted((root / "scenarios" / "library").glob("*.json"))
for path in scenarios:
    errors = list(validator.iter_errors(json.loads(path.read_text())))
    for e in errors:
        print(f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
    failed += bool(errors)
bad = json.loads(scenarios[0].read_text())
bad["topology"]["retension"] = "7d"  # a typo the schema must flag
if not list(validator.iter_errors(bad)):
    print("the schema accepted an unknown field")
    failed += 1
print(f"{len(scenarios) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
