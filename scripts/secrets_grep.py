#!/usr/bin/env python3
"""No secrets in any signal: looks for every secret a test run handled in every signal the stack
produced, and fails on any hit. The last step of `./mercato test` (scripts/test.sh) runs it
after every suite, before the stack stops.

Secrets looked for:
  - each value in --seen (`kind<TAB>test<TAB>value` lines): the passwords, access and refresh
    tokens and cookies the tests sent or received (tests/testkit.py records them), and the
    passwords of the admins the driver made for the API contract and browser suites;
  - the stack's own credentials: every file of --secrets-dir (*.password, pgpass), and the
    private part ("d") of every signing key in --keys-dir;
  - shapes of secrets whatever their value: a JWT, `Bearer <credential>`, a refresh_token or
    password field with a value that is not "[redacted]", a PEM private key.
Signals searched:
  - the components' logs in --logs (services, PostgreSQL, Redis, the receiver, Prometheus, the
    dashboard; not the suites' own output);
  - the exported spans (--spans: the receiver's spans.jsonl files);
  - a fresh scrape of every --metrics URL, and every label value Prometheus holds (--prometheus).

A hit names the signal, where in it, the kind of secret and the test that made it, with an
excerpt in which every secret is replaced by a marker: the secret itself is never printed.
Fixed strings are searched with `grep -F -f` (Aho-Corasick: thousands of secrets over a large
log in seconds; Python's `in` per secret would take minutes). Exit: 0 clean, 1 a hit or a signal
that could not be read, 2 bad arguments.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

MIN_LENGTH = 10  # as tests/testkit.py SECRET_MIN_LENGTH: shorter values would match unrelated text

# Shapes (extended regular expressions, for grep -E and Python's re alike).
SHAPES = {
    "JWT": r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}",
    "bearer credential": r"[Bb]earer[ =:]+[A-Za-z0-9._~+/-]{20,}",
    "refresh_token value": r'refresh_token["\']?[ ]*[=:][ ]*["\']?[A-Za-z0-9._~%+/-]{16,}',
    "password value": r'"(password|new_password|current_password)"[ ]*:[ ]*"[^"\[][^"]{3,}"',
    "PEM private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
}

# Log files that are not signals of the stack: the build, the installer, and the suites' output.
NOT_SIGNALS = ("build", "install", "ctest-", "python", "fuzz", "api-contract", "prometheus-rules", "k8s-manifests", "web-test",
               "web-e2e", "web-build", "web-install", "secrets-grep", "demo-data")


class Secrets:
    def __init__(self):
        self.kind = {}  # value -> (kind, origin)

    def add(self, value, kind, origin):
        value = value.strip("\r\n")
        if len(value) < MIN_LENGTH or "\n" in value or value in self.kind:
            return
        self.kind[value] = (kind, origin)
        # A JSON log line or span escapes quotes, backslashes and control characters.
        escaped = json.dumps(value, ensure_ascii=False)[1:-1]
        if escaped != value:
            self.kind[escaped] = (kind, origin)
        ascii_escaped = json.dumps(value)[1:-1]
        if ascii_escaped not in self.kind:
            self.kind[ascii_escaped] = (kind, origin)

    def read_seen(self, path):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t", 2)
                    if len(parts) == 3:
                        self.add(parts[2], parts[0], parts[1])
        except FileNotFoundError:
            pass

    def read_secrets_dir(self, path):
        for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
            full = os.path.join(path, name)
            if not os.path.isfile(full):
                continue
            with open(full, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if name == "pgpass":  # host:port:db:user:password
                for line in text.splitlines():
                    if line.count(":") >= 4:
                        self.add(line.split(":", 4)[4], "stack credential", f"{name}")
            else:
                self.add(text.strip(), "stack credential", name)

    def read_keys_dir(self, path):
        for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
            full = os.path.join(path, name)
            try:
                with open(full, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except (IsADirectoryError, PermissionError):
                continue
            try:
                jwk = json.loads(text)
            except ValueError:
                jwk = None
            if isinstance(jwk, dict):
                for field in ("d", "p", "q", "dp", "dq", "qi", "k"):  # RFC 7518: the private members
                    if isinstance(jwk.get(field), str):
                        self.add(jwk[field], "signing key (private part)", name)
            elif "PRIVATE KEY" in text:
                body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
                for i in range(0, len(body), 40):
                    self.add(body[i:i + 40], "signing key (private part)", name)


def redact(line, secrets, limit=200):
    """The line with every known secret and every secret shape replaced by a marker, cut to
    `limit` characters around the first marker."""
    out = line
    for value in sorted((v for v in secrets.kind if v in out), key=len, reverse=True):
        out = out.replace(value, f"[{secrets.kind[value][0]}: {len(value)} chars]")
    for name, rx in SHAPES.items():
        out = re.sub(rx, f"[{name}]", out)
    first = out.find("[")
    start = max(0, first - limit // 2) if len(out) > limit else 0
    cut = out[start:start + limit]
    return ("…" if start else "") + cut + ("…" if start + limit < len(out) else "")


def grep(args, path):
    """(line number, matched text) pairs of grep -n -o."""
    r = subprocess.run(["grep", "-a", "-n", "-o"] + args + ["--", path], capture_output=True)
    if r.returncode > 1:
        raise OSError(f"grep failed on {path}: {r.stderr.decode(errors='replace').strip()}")
    out = []
    for line in r.stdout.decode("utf-8", errors="replace").splitlines():
        n, _, match = line.partition(":")
        out.append((int(n), match))
    return out


def search(signal, path, secrets, patterns_file, report):
    """Appends one report line per hit in `path` (a file holding that signal's text)."""
    hits = {}  # line number -> [(kind, origin)]
    if secrets.kind:
        for n, match in grep(["-F", "-f", patterns_file], path):
            kind, origin = secrets.kind.get(match, ("secret", "?"))
            hits.setdefault(n, []).append((kind, f"recorded by {origin}"))
    for name, rx in SHAPES.items():
        for n, _ in grep(["-E", "-e", rx], path):
            hits.setdefault(n, []).append((name, "shape"))
    if not hits:
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if n in hits:
                what = "; ".join(sorted({f"{k} ({o})" for k, o in hits[n]}))
                report.append(f"{signal}, line {n}: {what}\n      {redact(line.rstrip(), secrets)}")


def fetch(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8", errors="replace")


def main(argv=None):
    p = argparse.ArgumentParser(description="fail when a secret of the test run is in a log, span or metric")
    p.add_argument("--seen", action="append", default=[], help="secrets recorded by the run (kind\\ttest\\tvalue)")
    p.add_argument("--secrets-dir", help="the stack's generated credentials")
    p.add_argument("--keys-dir", help="the signing keys (JWKs)")
    p.add_argument("--logs", help="the stack's log directory")
    p.add_argument("--spans", action="append", default=[], help="spans.jsonl files")
    p.add_argument("--metrics", action="append", default=[], help="a /metrics URL to scrape now")
    p.add_argument("--prometheus", help="the stack's Prometheus (every label value is searched)")
    args = p.parse_args(argv)

    secrets = Secrets()
    for path in args.seen:
        secrets.read_seen(path)
    if args.secrets_dir:
        secrets.read_secrets_dir(args.secrets_dir)
    if args.keys_dir:
        secrets.read_keys_dir(args.keys_dir)

    report, problems, searched = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        patterns = os.path.join(tmp, "patterns")
        with open(patterns, "w", encoding="utf-8") as f:
            f.write("".join(v + "\n" for v in secrets.kind))
        files = []
        if args.logs:
            for name in sorted(os.listdir(args.logs)) if os.path.isdir(args.logs) else []:
                if name.endswith(".log") and not name.startswith(NOT_SIGNALS):
                    files.append((f"log {name}", os.path.join(args.logs, name)))
        for path in args.spans:
            if os.path.exists(path):
                files.append((f"spans {os.path.basename(path)}", path))
        for i, url in enumerate(args.metrics):
            try:
                text = fetch(url)
            except (OSError, urllib.error.URLError) as e:
                problems.append(f"cannot scrape {url}: {e}")
                continue
            path = os.path.join(tmp, f"metrics-{i}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            files.append((f"metrics {url}", path))
        if args.prometheus:
            try:
                labels = json.loads(fetch(args.prometheus + "/api/v1/labels"))["data"]
                path = os.path.join(tmp, "prometheus-labels")
                with open(path, "w", encoding="utf-8") as f:
                    for label in labels:
                        q = urllib.parse.quote(label, safe="")
                        for v in json.loads(fetch(f"{args.prometheus}/api/v1/label/{q}/values"))["data"]:
                            f.write(f"{label}={v}\n")
                files.append((f"Prometheus label values ({len(labels)} labels)", path))
            except (OSError, urllib.error.URLError, ValueError, KeyError) as e:
                problems.append(f"cannot read the label values of {args.prometheus}: {e}")
        for signal, path in files:
            try:
                search(signal, path, secrets, patterns, report)
                searched.append(signal)
            except OSError as e:
                problems.append(str(e))

    print(f"secrets grep: {len(set(o for _, o in secrets.kind.values()))} sources, "
          f"{len(secrets.kind)} secret spellings, {len(searched)} signals: {', '.join(searched) or 'none'}")
    for line in problems:
        print(f"  cannot check: {line}")
    for line in report:
        print(f"  SECRET FOUND in {line}")
    if report or problems:
        print(f"FAIL: {len(report)} lines of signals carry a secret" if report else "FAIL: a signal could not be read")
        return 1
    print("no secret in any signal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
