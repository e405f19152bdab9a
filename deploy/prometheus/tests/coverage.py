"""Checks that the rule unit tests cover every rule: each alert of ../rules has at least one
alert_rule_test that expects it to fire and one that expects it silent, and each recording rule
is checked by value in some promql_expr_test. promtool itself only runs the tests it is given.
Run by `./mercato test` (suite "prometheus rules"); exits 1 with the gaps listed."""

import glob
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    alerts, records = set(), set()
    for path in glob.glob(os.path.join(HERE, "..", "rules", "*.yml")):
        with open(path) as f:
            for group in yaml.safe_load(f)["groups"]:
                for rule in group["rules"]:
                    (alerts if "alert" in rule else records).add(rule.get("alert") or rule["record"])
    fired, silent, exprs = set(), set(), []
    for path in glob.glob(os.path.join(HERE, "*.yml")):
        with open(path) as f:
            for test in yaml.safe_load(f).get("tests", []):
                for t in test.get("alert_rule_test", []):
                    (fired if t.get("exp_alerts") else silent).add(t["alertname"])
                exprs += [t["expr"] for t in test.get("promql_expr_test", [])]
    gaps = [f"alert {a}: no test fires it" for a in sorted(alerts - fired)]
    gaps += [f"alert {a}: no test keeps it silent" for a in sorted(alerts - silent)]
    gaps += [f"unknown alert {a} in a test" for a in sorted((fired | silent) - alerts)]
    checked = {name for e in exprs for name in re.findall(r"[a-z_]+:[a-z_:0-9]+", e)}
    gaps += [f"recording rule {r}: no promql_expr_test checks its value" for r in sorted(records - checked)]
    for g in gaps:
        print(g)
    print(f"{len(alerts)} alerts, {len(records)} recording rules: " + ("covered" if not gaps else f"{len(gaps)} gaps"))
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
