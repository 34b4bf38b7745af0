"""Validates the SARIF log on standard input against sarif-2.1.0-rtm.5.json; prints every error, exits 1 on any."""
import json
import pathlib
import sys

import jsonschema

schema = json.loads((pathlib.Path(__file__).parent / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
log = json.load(sys.stdin)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(log), key=lambda error: list(error.absolute_path))
for error in errors:
    print("/".join(str(part) for part in error.absolute_path) + ": " + error.message)
if errors:
    sys.exit(1)
# A check that the format checker really checks URIs (rfc3987 present): a bad one must fail.
bad = {"version": "2.1.0", "runs": [], "$schema": "not a uri"}
if not list(validator.iter_errors(bad)):
    print("the validator does not check URI formats (is rfc3987 installed?)")
    sys.exit(1)
print("valid SARIF 2.1.0")
