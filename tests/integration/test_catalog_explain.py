"""The catalog's list queries at 100k products, proven with EXPLAIN: every statement the service
prepares (printed by `mercato-catalog sql`) walks the index its comment names, never scans
`products` sequentially and never sorts more than a page — with the planner's custom plan and
with the generic plan it switches to after a few executions of a prepared statement. A deep
keyset page reads no more rows than a first page.

Seeds a scratch database with the real seeder, once for the module, and drops it afterwards."""

import json
import unittest

from .test_catalog_support import create_scratch_database, drop_scratch_database, lit, plan_nodes, psql_db
from testkit import run_binary

STORE = "00000000-0000-7000-8000-0000000000e1"
PRODUCTS = 100_000
LIMIT = 20


def shape(name):
    """products_page_price_asc_cat_q → ('page', 'price_asc', {'cat', 'q'})"""
    parts = name.split("_")
    if parts[1] == "count":
        return "count", None, set(parts[2:])
    kind = parts[1]
    sort = parts[2] + "_" + parts[3]
    return kind, sort, set(parts[4:])


class ListQueryPlans(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_scratch_database("mercato_catalog_explain")
        env = {"DB_NAME": cls.db, "LOG_LEVEL": "warn"}
        r = run_binary("catalog", env, ["seed", "--products", str(PRODUCTS), "--store", STORE], timeout=600)
        if r.returncode != 0:
            raise AssertionError(f"seed failed: {r.stderr}")
        r = run_binary("catalog", env, ["sql"])
        assert r.returncode == 0, r.stderr
        cls.statements = json.loads(r.stdout)
        cls.category = psql_db(cls.db, f"SELECT category_id FROM products WHERE store_id = {lit(STORE)} AND "
                                       "category_id IS NOT NULL LIMIT 1").strip()
        # Deep in every order: the row 90% of the way through the store's live products.
        cls.deep = {}
        for sort, col, direction in [("created_desc", "created_at", "DESC"), ("created_asc", "created_at", "ASC"),
                                     ("price_asc", "price_cents", "ASC"), ("price_desc", "price_cents", "DESC"),
                                     ("name_asc", "name", "ASC")]:
            key = f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" if col == "created_at" else col
            row = psql_db(cls.db, f"SELECT {key}, id FROM products WHERE store_id = {lit(STORE)} AND deleted_at IS NULL "
                                  f"ORDER BY {col} {direction}, id {direction} OFFSET {PRODUCTS * 85 // 100} LIMIT 1")
            cls.deep[sort] = row.strip().split("|")

    @classmethod
    def tearDownClass(cls):
        drop_scratch_database(cls.db)

    def params(self, name):
        if name == "product_by_id":
            pid = psql_db(self.db, f"SELECT id FROM products WHERE store_id = {lit(STORE)} LIMIT 1").strip()
            return [pid, STORE]
        if name.startswith("categor"):
            # The last parameter: public_only (product_count counts active products only).
            return [self.category, STORE, True] if name == "category_by_id" else [STORE, 100, 0, True]
        kind, sort, filters = shape(name)
        p = [STORE]
        if "cat" in filters:
            p.append(self.category)
        if "status" in filters:
            p.append("active")
        if "q" in filters:
            # The tier's parameters (products_repository.cpp, match_sql): the misspelling
            # fallback's term, the substring tier's ILIKE pattern, or the words tier's tsquery
            # and SKU range.
            p += ["oak"] if "fuzzy" in filters else ["%oak%"] if "sub" in filters else ["'oak':*", "oak", "oal"]
        budget = [20_000] if "walk" in filters else []  # the walk's row budget
        if kind == "after":
            p += self.deep[sort]
            p += budget + [LIMIT + 1]
        elif kind == "page":
            p += budget + [LIMIT, 1000]
        return p

    def explain(self, name, sql, params, generic, analyze=False):
        mode = "force_generic_plan" if generic else "force_custom_plan"
        opts = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        out = psql_db(self.db, f"SET plan_cache_mode = {mode};\nPREPARE s AS {sql};\n"
                               f"EXPLAIN ({opts}) EXECUTE s({', '.join(lit(v) for v in params)});")
        return json.loads(out)[0]["Plan"]

    def test_every_list_statement_walks_its_index_without_seq_scan_or_big_sort(self):
        self.assertGreater(len(self.statements), 80)
        for name, sql in self.statements.items():
            if name.startswith("products_q_"):
                continue  # a search's probe: the term as a tsquery, and a plan that is never run
            intended = sql.splitlines()[0].removeprefix("-- index: ").split()[0].rstrip(";")
            listing = name.startswith(("products_page", "products_after", "products_count"))
            kind, _, filters = shape(name) if listing else (None, None, set())
            # A search statement runs with the generic plan only: the catalog's sessions force
            # generic plans, and a search's choices (walk or collect) are in its shape, not in
            # the planner's reading of the term (test_catalog_search_1m.py proves them at 1M).
            for generic in (True,) if "q" in filters else (False, True):
                with self.subTest(statement=name, generic=generic):
                    plan = self.explain(name, sql, self.params(name), generic)
                    all_nodes = list(plan_nodes(plan))
                    scans = [n for n in all_nodes if n.get("Relation Name") == "products"]
                    self.assertFalse([n for n in scans if n["Node Type"] == "Seq Scan"],
                                     f"{name}: sequential scan of products\n{json.dumps(plan, indent=1)}")
                    indexes = {n.get("Index Name") for n in all_nodes}
                    if name.startswith("categor"):
                        continue  # tens of rows per store: a sequential read is the right plan
                    if kind == "count" and "q" not in filters:
                        # A few hundred counter rows per store: the planner may rightly read
                        # them sequentially, but never products itself.
                        self.assertFalse(scans, f"{name} reads products")
                        continue
                    if "walk" in filters:
                        # Chosen for common terms: never the trigram index. Within a category the
                        # planner may read the category's rows through another category index and
                        # sort them (bounded by the category, checked below) instead.
                        self.assertNotIn("products_live_search", indexes, name)
                        if "cat" not in filters:
                            self.assertIn(intended, indexes, f"{name}: {indexes}")
                    elif "q" in filters:
                        # Common terms may walk the ordering index and filter; rare ones the
                        # GIN indexes (tsvector, trigram). Either is bounded; a table scan is not.
                        # test_catalog_search_1m.py checks which one each kind of term gets.
                        allowed = {intended, "products_live_search", "products_live_fts", "products_live_sku_prefix"}
                        if "cat" in filters:
                            # Or the category's rows through a category index: bounded by the
                            # category, as for the walk above.
                            allowed |= {n for n in indexes if n and n.startswith("products_live_category_")}
                        self.assertTrue(indexes & allowed, f"{name}: {indexes}")
                        continue
                    else:
                        self.assertIn(intended, indexes, f"{name}\n{json.dumps(plan, indent=1)}")
                    for n in all_nodes:
                        if n["Node Type"] == "Sort":
                            self.assertLessEqual(n["Plan Rows"], 1001 + LIMIT, f"{name}: sort of {n['Plan Rows']} rows")

    def test_a_public_list_skips_rows_in_the_index_alone(self):
        # Public reads list active products only (`status = $n`). The list indexes include the
        # status (migration 0012), so an OFFSET page reads the index and never the rows it
        # skips: an index-only scan with no heap fetch once the table is vacuumed, as autovacuum
        # keeps it. Without the status in the index, each skipped entry was a visit to the
        # table: a public page 2,000 deep at 1M products went from 219 to 396 req/s.
        psql_db(self.db, "VACUUM (ANALYZE) products")
        checked = 0
        for name, sql in self.statements.items():
            if not name.startswith("products_page_"):
                continue
            _, sort, filters = shape(name)
            if filters - {"cat"} != {"status"}:
                continue
            with self.subTest(statement=name):
                plan = self.explain(name, sql, self.params(name), True, analyze=True)
                walks = [n for n in plan_nodes(plan) if n.get("Index Name", "").startswith("products_live_")]
                self.assertTrue(walks, json.dumps(plan, indent=1))
                for n in walks:
                    self.assertEqual(n["Node Type"], "Index Only Scan", f"{name}\n{json.dumps(plan, indent=1)}")
                    self.assertEqual(n["Heap Fetches"], 0, name)
                checked += 1
        self.assertGreaterEqual(checked, 10)  # 5 orders, with and without a category

    def test_deep_keyset_page_reads_no_more_rows_than_a_first_page(self):
        for sort in ("created_desc", "created_asc", "price_asc", "price_desc", "name_asc"):
            for cat in ("", "_cat"):
                name = f"products_after_{sort}{cat}"
                with self.subTest(statement=name):
                    plan = self.explain(name, self.statements[name], self.params(name), False, analyze=True)
                    scans = [n for n in plan_nodes(plan) if n.get("Relation Name") == "products" and "Index" in n["Node Type"]]
                    inner = [n for n in scans if n.get("Index Name", "").startswith("products_live_")]
                    self.assertTrue(inner, json.dumps(plan, indent=1))
                    for n in inner:
                        self.assertLessEqual(n["Actual Rows"], LIMIT + 1, f"{name} read {n['Actual Rows']} rows")

    def test_a_detail_read_takes_one_category_not_every_category_of_the_store(self):
        # A product's detail needs the name of its one category. Joined to `categories`, the
        # planner hashed the store's categories for the one product row (a Hash Right Join over
        # a scan of all of them, as the store has few): at 200 categories that was ~40 µs of a
        # ~100 µs detail read (pgbench, 2026-12-07). The read must pass the category it needs,
        # one row, to the product, in both the custom and the generic plan.
        categories = int(psql_db(self.db, f"SELECT count(*) FROM categories WHERE store_id = {lit(STORE)}").strip())
        self.assertGreater(categories, 1)
        for generic in (False, True):
            with self.subTest(generic=generic):
                plan = self.explain("product_by_id", self.statements["product_by_id"],
                                    self.params("product_by_id"), generic, analyze=True)
                reads = [n for n in plan_nodes(plan) if n.get("Relation Name") == "categories"]
                self.assertTrue(reads, json.dumps(plan, indent=1))
                for n in reads:
                    self.assertLessEqual(n["Actual Rows"] * n["Actual Loops"], 1, json.dumps(plan, indent=1))

    def test_counts_without_q_come_from_maintained_counters_and_are_exact(self):
        for where in ("", f" AND category_id = {lit(self.category)}", " AND status = 'draft'"):
            with self.subTest(where=where):
                exact = psql_db(self.db, f"SELECT count(*) FROM products WHERE store_id = {lit(STORE)} "
                                         f"AND deleted_at IS NULL{where}").strip()
                key = where.replace("category_id", "category_key")
                kept = psql_db(self.db, f"SELECT coalesce(sum(live), 0) FROM product_counts WHERE store_id = {lit(STORE)}{key}").strip()
                self.assertEqual(kept, exact)


if __name__ == "__main__":
    unittest.main()
