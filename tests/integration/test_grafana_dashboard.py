"""The Grafana dashboard of deploy/grafana/mercato.json, against the stack's real Prometheus:
it is a well-formed dashboard (unique panel ids, a grid position and a datasource reference on
every panel, the `${datasource}` variable on every query), its template variables' label_values
queries answer the services, every panel target's PromQL runs without an error once the
variables are substituted the way Grafana does ("All" → `.*`) and its legend names only labels
its series carry, and every metric name a query reads is one the services export (seen by the
stack's Prometheus after real traffic) or a recording rule of deploy/prometheus/rules/."""

import glob
import json
import os
import re
import unittest
import urllib.parse
import uuid

from testkit import PROMETHEUS_URL, REPO, prometheus_api, request, wait_until

DASHBOARD = os.path.join(REPO, "deploy", "grafana", "mercato.json")
RULES = glob.glob(os.path.join(REPO, "deploy", "prometheus", "rules", "*.yml"))
GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
# A simulated user of its own (README, Ports: tests bind 127.0.0.10 and up).
CLIENT = "127.0.0.40"
# A few 2 s scrapes (the test stack's interval) with a generous margin.
WAIT_S = 30
# Series Prometheus writes itself rather than scrapes: ALERTS exists only while an alert is
# pending or firing, so it may be absent from the name index of a quiet stack.
PROMETHEUS_OWN = {"ALERTS"}

# What Grafana puts in place of its own variables, with "All" selected for the dashboard's.
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "__range_s": "3600",
                     "__interval_ms": "15000", "__range_ms": "3600000"}

# PromQL words that are not metric names (aggregations and functions are recognised by the
# parenthesis that follows them, even after a `by (…)` clause).
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan", "atan2", "sum", "min", "max", "avg", "count", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values", "group"}
# Hand-written: no PromQL parser is packaged for Python here. Order matters: strings first (they
# may hold anything), then label matchers, ranges and label lists, then what is left is names.
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGE = re.compile(r"\[[^\]]*\]")
LABEL_LIST = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
OFFSET = re.compile(r"\boffset\s+-?\w+")
TOKEN = re.compile(r"(?P<number>(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))"
                   r"|(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?P<call>\s*\()?")


def metric_names(expr):
    """The metric names an expression reads (a name before `{`, or alone)."""
    text = STRING.sub('""', expr)
    text = MATCHERS.sub(" ", text)
    text = RANGE.sub(" ", text)
    text = LABEL_LIST.sub(" ", text)
    text = OFFSET.sub(" ", text)
    names = set()
    for m in TOKEN.finditer(text):
        name = m.group("name")
        if name and not m.group("call") and name.lower() not in KEYWORDS:
            names.add(name)
    return names


def substitute(text, variables):
    """Grafana's interpolation of `$name`, `${name}` and `[[name]]`; unknown names (a
    label_replace's `${1}`) are left alone, as Grafana does."""
    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        return variables.get(name, m.group(0))
    return re.sub(r"\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]", repl, text)


def recording_rules():
    names = set()
    for path in RULES:
        with open(path) as f:
            names.update(re.findall(r"^\s*-?\s*record:\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$", f.read(), re.M))
    return names


def all_panels(dashboard):
    for p in dashboard["panels"]:
        yield p
        yield from p.get("panels", [])  # a collapsed row holds its panels


def targets(dashboard):
    """(panel title, target) of every query target."""
    for p in all_panels(dashboard):
        for t in p.get("targets", []):
            yield p["title"], t


def load_dashboard():
    with open(DASHBOARD) as f:
        return json.load(f)


def instant_query(promql):
    """(series, None) or (None, Prometheus' error) for an instant query."""
    r = request(PROMETHEUS_URL, "GET", "/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
    body = r.json()
    if r.status == 200 and body.get("status") == "success":
        return body["data"]["result"], None
    return None, f"{r.status} {body.get('errorType')}: {body.get('error')}"


def send_traffic():
    """Requests that make every service write each kind of metric the dashboard reads: catalog
    reads through the gateway (upstreams, cache, database, rate limiter), a failed sign-in
    (logins, password verification), a refresh without a token, a bad access token, and a Web
    Vitals report with a timing and CLS. From a source address of its own and an email never
    used before, so no other test's traffic can have rate-limited it."""
    def send(method, path, body=None, headers=None):
        return request(GATEWAY, method, path, body=body, headers=headers, source=CLIENT).status

    return {
        "list": send("GET", "/api/v1/products"),
        "missing": send("GET", "/api/v1/products/00000000-0000-0000-0000-000000000000"),
        "login": send("POST", "/api/v1/auth/login",
                      {"email": f"grafana-{uuid.uuid4().hex[:12]}@example.com", "password": "not the password"}),
        # A second status of the same class on the same route: a query that relabels statuses
        # into classes must not collide on it.
        "login_empty": send("POST", "/api/v1/auth/login", {}),
        "refresh": send("POST", "/api/v1/auth/refresh", {}),
        "me": send("GET", "/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"}),
        "rum": send("POST", "/api/v1/rum", {"page": "/", "metrics": [
            {"name": "LCP", "value": 900.0, "rating": "good"}, {"name": "CLS", "value": 0.02, "rating": "good"}]}),
    }


class GrafanaDashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dashboard = load_dashboard()
        cls.rules = recording_rules()
        cls.statuses = send_traffic()
        # The queries see the traffic once its series have two samples in a rate window.
        login = 'http_requests_total{service="gateway", route="/api/v1/auth/login", method="POST", status=~"401|422"}'
        wait_until(lambda: len(prometheus_api("/api/v1/query", query=f"rate({login}[1m])")["result"]) == 2,
                   timeout=WAIT_S, interval=0.5)

    def test_the_dashboard_is_well_formed(self):
        d = self.dashboard
        self.assertGreaterEqual(d["schemaVersion"], 38)
        self.assertTrue(d.get("uid") and d.get("title"))
        variables = {v["name"]: v for v in d["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        for name in ("service", "instance"):
            self.assertEqual(variables[name]["type"], "query")
            self.assertTrue(variables[name]["definition"].startswith("label_values("), variables[name])
            self.assertEqual(variables[name]["datasource"], {"type": "prometheus", "uid": "${datasource}"})
        panels = list(all_panels(d))
        ids = [p["id"] for p in panels]
        self.assertEqual(len(ids), len(set(ids)), "panel ids are not unique")
        cells = set()
        for p in panels:
            with self.subTest(panel=p.get("title")):
                self.assertTrue(p.get("title"))
                self.assertEqual(p.get("datasource"), {"type": "prometheus", "uid": "${datasource}"})
                pos = p.get("gridPos", {})
                self.assertTrue({"h", "w", "x", "y"} <= pos.keys(), pos)
                self.assertTrue(0 <= pos["x"] and pos["x"] + pos["w"] <= 24 and pos["h"] > 0, pos)
                # No two panels cover the same grid cell.
                mine = {(pos["x"] + i, pos["y"] + j) for i in range(pos["w"]) for j in range(pos["h"])}
                self.assertFalse(cells & mine, f"{p['title']} overlaps another panel")
                cells |= mine
                if p["type"] == "row":
                    continue
                self.assertTrue(p.get("targets"), "a panel without a query")
                refs = [t["refId"] for t in p["targets"]]
                self.assertEqual(len(refs), len(set(refs)))
                for t in p["targets"]:
                    self.assertEqual(t.get("datasource"), {"type": "prometheus", "uid": "${datasource}"})
                    self.assertTrue(t.get("expr", "").strip())

    def test_the_tokenizer_finds_metric_names_and_nothing_else(self):
        self.assertEqual(metric_names(
            'histogram_quantile(0.99, sum by (service, le) (rate(http_request_duration_seconds_bucket'
            '{service=~"$service", route!~"/health/.*|/metrics"}[1m])))'), {"http_request_duration_seconds_bucket"})
        self.assertEqual(metric_names(
            'sum(rate(a_total{x="y"}[5m] offset 1h)) by (le) / on (service) group_left (instance) '
            'max without (pool) (b:c:rate5m) > bool 1e3 and label_replace(c, "s", "${1}xx", "status", "(.)..")'),
            {"a_total", "b:c:rate5m", "c"})
        self.assertEqual(metric_names('topk(10, sum by (route) (d{route="sum(x) by (y)"})) or vector(0)'), {"d"})

    def test_every_panel_query_runs_and_its_legend_names_labels_it_returns(self):
        self.assertEqual(request(PROMETHEUS_URL, "GET", "/-/ready").status, 200)
        subs = dict(GRAFANA_VARIABLES, service=".*", instance=".*", datasource="prometheus")
        failures = []
        for title, t in targets(self.dashboard):
            expr = substitute(t["expr"], subs)
            self.assertNotRegex(expr, r"\$(?!\{\d+\})", f"{title}: a variable was left in {expr}")
            series, error = instant_query(expr)
            if error:
                failures.append(f"{title} ({t['refId']}): {error}\n  {expr}")
            elif series:
                # A legend naming a label no series has would show an empty name.
                have = set().union(*(x["metric"] for x in series))
                missing = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", t.get("legendFormat", ""))) - have
                if missing:
                    failures.append(f"{title} ({t['refId']}): the legend names {sorted(missing)}, "
                                    f"the series have {sorted(have)}\n  {expr}")
        self.assertEqual(failures, [], "\n".join(failures))

    def test_every_metric_a_panel_reads_is_exported_by_the_services(self):
        self.assertEqual(self.statuses, {"list": 200, "missing": 404, "login": 401, "login_empty": 422, "refresh": 401,
                                         "me": 401, "rum": 204})
        wanted = set()
        for _, t in targets(self.dashboard):
            wanted |= metric_names(t["expr"])
        wanted -= self.rules | PROMETHEUS_OWN

        def exported():
            return set(prometheus_api("/api/v1/label/__name__/values"))

        # Wait until Prometheus has scraped what the traffic made; anything still missing then is
        # a name no service exports.
        wait_until(lambda: wanted <= exported(), timeout=WAIT_S, interval=0.5)
        self.assertEqual(sorted(wanted - exported()), [], "the dashboard reads metrics no service exports")

    def test_the_variables_answer_the_services_and_their_instances(self):
        # label_values(…) as Grafana runs it: through the label values API, with a series match.
        variables = {v["name"]: v for v in self.dashboard["templating"]["list"] if v["type"] == "query"}
        def label_values(name):
            m = re.fullmatch(r"label_values\((?:(.*),\s*)?(\w+)\)", variables[name]["definition"])
            self.assertIsNotNone(m, variables[name]["definition"])
            params = {"match[]": substitute(m.group(1), {"service": ".*"})} if m.group(1) else {}
            return prometheus_api(f"/api/v1/label/{m.group(2)}/values", **params)

        # Every service answers requests (the driver's health probes at least) once scraped.
        wait_until(lambda: {"gateway", "catalog", "identity"} <= set(label_values("service")), timeout=WAIT_S,
                   interval=0.5)
        values = {name: label_values(name) for name in ("service", "instance")}
        self.assertTrue({"gateway", "catalog", "identity"} <= set(values["service"]), values["service"])
        self.assertTrue(values["instance"])
        # One service's instances are a part of all of them.
        params = {"match[]": substitute(re.search(r"\((.*),", variables["instance"]["definition"]).group(1),
                                        {"service": "catalog"})}
        catalog = prometheus_api("/api/v1/label/instance/values", **params)
        self.assertTrue(catalog and set(catalog) < set(values["instance"]), (catalog, values["instance"]))

if __name__ == "__main__":
    unittest.main()
