"""Prints consecutive v2 list cursors deep in the catalog, for the bench cases that read deep pages.

    python3 bench/tools/v2_cursors.py BASE_URL DEPTH WALK_LIMIT LIMIT KEEP

follows next_cursor with limit=WALK_LIMIT until DEPTH products are behind it, then prints KEEP
consecutive cursors, each the next page of LIMIT products after the previous one.
"""
import http.client
import json
import sys
import urllib.parse


def main():
    base, depth, walk, limit, keep = sys.argv[1], *map(int, sys.argv[2:])
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def page(n, cursor):
        path = f"/api/v2/products?limit={n}" + (f"&cursor={cursor}" if cursor else "")
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"GET {path}: HTTP {r.status} {body[:200]!r}")
        meta = json.loads(body)["meta"]
        if not meta.get("next_cursor"):
            sys.exit(f"no next_cursor after {path}")
        return meta["next_cursor"]

    cursor = None
    for _ in range(depth // walk):
        cursor = page(walk, cursor)
    for _ in range(keep):
        print(cursor, flush=True)
        cursor = page(limit, cursor)


if __name__ == "__main__":
    main()
