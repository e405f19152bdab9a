"""GET /api/v1/audit's statements at 120k audit rows of 201 stores over seven monthly partitions, proven with
EXPLAIN: every statement the catalog prepares for the trail (`mercato-catalog sql audit`) walks
the index its comment names in each partition it reads, never scans audit_log sequentially and
never sorts, under the generic plan the catalog's sessions use; and a page deep in the trail
reads no more rows than a first page (the cost of a page does not grow with the table).

Seeds a scratch database (migrated by the catalog's own migrator), drops it afterwards."""

import json
import unittest

from .test_catalog_support import create_scratch_database, drop_scratch_database, lit, plan_nodes, psql_db
from testkit import run_binary

STORE_A = "00000000-0000-7000-8000-0000000000a1"
ROWS = 120_000
LIMIT = 51  # the route asks for one row more than its page
ACTIONS = ("product.create", "product.update", "product.delete", "product.restore", "category.create",
           "category.update", "category.delete")


def sql_value(v):
    return "NULL" if v is None else lit(v)


class AuditQueryPlans(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_scratch_database("mercato_audit_explain")
        env = {"DB_NAME": cls.db, "LOG_LEVEL": "warn"}
        r = run_binary("catalog", env, ["seed", "--products", "0", "--no-vacuum"], timeout=120)
        assert r.returncode == 0, r.stderr
        r = run_binary("catalog", env, ["sql", "audit"])
        assert r.returncode == 0, r.stderr
        cls.statements = json.loads(r.stdout)
        # One row every two minutes back from now (about 5.5 months, so seven partitions), a
        # third in store A and the rest in 200 others (a generic plan weighs a store by the
        # number of stores: with two, walking every store's rows and filtering looked as
        # cheap); 50 users, 20,000 entities, the seven actions.
        psql_db(cls.db, f"""
SELECT audit_log_create_partition((now() - make_interval(months => m))::date) FROM generate_series(1, 7) m;
INSERT INTO audit_log (id, store_id, actor, actor_role, action, entity_type, entity_id, before, after, request_id,
                       created_at, client_address)
SELECT gen_random_uuid(), CASE WHEN i % 3 = 0 THEN {lit(STORE_A)}
                               ELSE '00000000-0000-7000-8000-' || lpad((1000 + i % 200)::text, 12, '0') END::uuid,
       '00000000-0000-7000-8000-' || lpad((i % 50)::text, 12, '0'), 'editor',
       (ARRAY{list(ACTIONS)})[1 + i % 7], 'product',
       ('00000000-0000-7000-9000-' || lpad((i % 20000)::text, 12, '0'))::uuid,
       '{{"v": 1}}', '{{"v": 2}}', 'req', now() - make_interval(mins => 2 * i), '127.0.0.1'
  FROM generate_series(1, {ROWS}) i;
ANALYZE audit_log;""")
        # Each partition's index, by the name of the audit_log index it belongs to.
        rows = psql_db(cls.db, "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                               "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relkind = 'I'")
        cls.parent_index = dict(line.split("|") for line in rows.strip().splitlines())
        # Months without rows (the months made ahead, and the oldest): reading one costs
        # nothing whichever index the planner picks there, and it picks any. Once a month has
        # rows, autovacuum's ANALYZE of it invalidates the cached plans, which are made again.
        cls.empty = set(psql_db(cls.db, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                        "WHERE i.inhparent = 'audit_log'::regclass AND c.reltuples <= 0")
                        .strip().splitlines())

    @classmethod
    def tearDownClass(cls):
        drop_scratch_database(cls.db)

    def lead_values(self, name):
        """The statement's scope and leading filter, as a caller would give them: store A, user
        …001, entity …9000-…007, action product.update."""
        parts = name.split("_")  # audit_page_<all|store>[_<lead>]
        store = parts[2] == "store"
        lead = parts[3] if len(parts) > 3 else None
        value = {"entity": "00000000-0000-7000-9000-000000000007", "user": "00000000-0000-7000-8000-000000000001",
                 "action": "product.update", None: None}[lead]
        column = {"entity": "entity_id", "user": "actor", "action": "action", None: None}[lead]
        return store, lead, value, column

    def params(self, name, after=None):
        """In the order audit_repository.cpp's page_statement() numbers them; the filters
        behind the lead not asked (NULL)."""
        store, lead, value, _ = self.lead_values(name)
        p = [STORE_A] if store else []
        if lead:
            p.append(value)
        residuals = {"entity": 3, "user": 2, "action": 1, None: 1}[lead]
        p += [None] * residuals
        p += ["-infinity"]  # since; `until` is folded into the upper bound (audit_repository.cpp)
        p += list(after) if after else ["infinity", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
        p.append(LIMIT)
        return p

    def deep_position(self, name):
        """The (time, id) 90% of the way through the rows the statement's scope and lead match."""
        store, lead, value, column = self.lead_values(name)
        where = ["true"]
        if store:
            where.append(f"store_id = {lit(STORE_A)}")
        if lead:
            where.append(f"{column} = {lit(value)}")
        cond = " AND ".join(where)
        n = int(psql_db(self.db, f"SELECT count(*) FROM audit_log WHERE {cond}").strip())
        row = psql_db(self.db, f"SELECT created_at, id FROM audit_log WHERE {cond} "
                               f"ORDER BY created_at DESC, id DESC OFFSET {n * 9 // 10} LIMIT 1").strip()
        return row.split("|")

    def explain(self, sql, params):
        out = psql_db(self.db, f"SET plan_cache_mode = force_generic_plan;\nPREPARE s AS {sql};\n"
                               f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE s({', '.join(sql_value(v) for v in params)});")
        return json.loads(out)[0]["Plan"]

    def test_every_statement_walks_its_index_in_order_and_stops_at_the_page(self):
        self.assertEqual(len(self.statements), 8)
        for name, sql in self.statements.items():
            intended = sql.splitlines()[0].removeprefix("-- index: ").strip()
            for depth in ("first", "deep"):
                with self.subTest(statement=name, page=depth):
                    after = self.deep_position(name) if depth == "deep" else None
                    plan = self.explain(sql, self.params(name, after))
                    nodes = list(plan_nodes(plan))
                    shown = json.dumps(plan, indent=1)
                    self.assertFalse([n for n in nodes if n["Node Type"] in ("Seq Scan", "Bitmap Heap Scan", "Sort")],
                                     f"{name}: a scan or a sort\n{shown}")
                    scans = [n for n in nodes if "Index" in n["Node Type"]]
                    self.assertTrue(scans, shown)
                    for n in scans:
                        if n["Relation Name"] in self.empty:
                            continue
                        self.assertEqual(self.parent_index.get(n["Index Name"], n["Index Name"]), intended,
                                         f"{name}\n{shown}")
                    read = sum(n.get("Actual Rows", 0) * n.get("Actual Loops", 1) for n in scans)
                    self.assertLessEqual(read, LIMIT, f"{name} ({depth} page) read {read} rows\n{shown}")
                    if "_entity" not in name:  # an entity's history is six rows here
                        self.assertEqual(plan["Actual Rows"], LIMIT, f"{name}: a full page exists at this depth")


if __name__ == "__main__":
    unittest.main()
