#!/usr/bin/python3
"""Checks the shipped checklists and the example drill records against their JSON Schemas,
and that each schema rejects a misspelt field. Exits 77 (CTest: skipped) without Debian's
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
failed = 0
for schema_name, files, typo in [
    ("checklist.schema.json", sorted((root / "scenarios" / "checklists").glob("*.json")),
     lambda j: j["items"][0].update({"chek": {}})),
    ("drill-record.schema.json", sorted((root / "tests" / "drill").glob("*.json")),
     lambda j: j["steps"][0].update({"outcom": "ok"})),
]:
    schema = json.loads((root / "schema" / schema_name).read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    if not files:
        print(f"{schema_name}: no files to check")
        failed += 1
    for path in files:
        errors = list(validator.iter_errors(json.loads(path.read_text())))
        for e in errors:
            print(f"{path.name}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
        failed += bool(errors)
    bad = json.loads(files[0].read_text())
    typo(bad)
    if not list(validator.iter_errors(bad)):
        print(f"{schema_name} accepted a misspelt field")
        failed += 1
    print(f"{schema_name}: {len(files)} files checked")
sys.exit(1 if failed else 0)
