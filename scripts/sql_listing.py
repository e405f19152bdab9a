#!/usr/bin/env python3
"""docs/sql/<service>.sql: every statement a service prepares, whole, by name.

The catalog assembles its list statements from fragments (sort, filters, search), so the SQL a
request runs is found nowhere in one piece in the source. `mercato-catalog sql` prints what the
service prepares, as a JSON object name -> text (each text starts with `-- index: ...`); this
writes it out as a SQL file grep can search. Run through `./mercato docs sql`; the check in
tests/docs/test_sql_listing.py compares the file with the binary's output.

  sql_listing.py render BINARY            the listing, on stdout
  sql_listing.py check BINARY FILE        exit 1 (and a diff) when FILE differs
"""

import difflib
import json
import subprocess
import sys


def statements(binary):
    """name -> SQL text, as the service prepares them."""
    out = subprocess.run([binary, "sql"], check=True, capture_output=True, text=True, timeout=60).stdout
    return json.loads(out)


def render(service, named):
    """The listing's text: a header, then each statement sorted by name."""
    lines = [
        f"-- Every statement {service} prepares, whole, sorted by name. GENERATED: do not edit.",
        "--",
        f"-- The service assembles them in src/services/{service}/*_repository.cpp; this file shows",
        "-- each one as the database receives it, so `grep` finds the SQL behind a request. The",
        "-- first line of each text names the index the statement relies on.",
        "--",
        "-- Regenerate after changing a statement: ./mercato docs sql",
        "-- Checked by tests/docs/test_sql_listing.py (fails when this file is out of date).",
        f"-- {len(named)} statements.",
        "",
    ]
    for name in sorted(named):
        text = named[name].rstrip()
        lines.append(f"-- name: {name}")
        lines.append(text if text.endswith(";") else text + ";")
        lines.append("")
    return "\n".join(lines)


def diff(expected, actual_path):
    """The unified diff from the file to what it should be; empty when they agree."""
    try:
        with open(actual_path, encoding="utf-8") as f:
            actual = f.read()
    except FileNotFoundError:
        actual = ""
    return "".join(difflib.unified_diff(actual.splitlines(True), expected.splitlines(True),
                                        fromfile=actual_path, tofile="generated"))


def main(argv):
    if len(argv) >= 3 and argv[1] == "render":
        sys.stdout.write(render(service_of(argv[2]), statements(argv[2])))
        return 0
    if len(argv) >= 4 and argv[1] == "check":
        d = diff(render(service_of(argv[2]), statements(argv[2])), argv[3])
        sys.stdout.write(d)
        return 1 if d else 0
    sys.stderr.write(__doc__)
    return 2


def service_of(binary):
    """`.../mercato-catalog` -> "catalog"."""
    return binary.rstrip("/").rsplit("/", 1)[-1].removeprefix("mercato-")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
