"""CSV import of products (POST /api/v1/imports, parts, finish, run; docs/importing.md) through a
real gateway, catalog, identity, PostgreSQL and Redis: the dry run reports every bad row with
its line and column and changes nothing; the run creates and updates by SKU, once each, with
audit rows; running the same file again changes nothing; parts resume, repeat harmlessly and
refuse gaps and late parts; another store's import is absent, a viewer is refused; Shopify and
Medusa samples; the error report as pages and as a CSV attachment; the job's progress. The
import whose catalog is killed mid-run (kill -9) is the last class, on a scratch database."""

import csv
import io
import os
import signal
import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, PsqlSession, ScratchCatalogs, SilentBusListener, new_store
from testkit import Service, request, wait_until

HEADER = "id,sku,name,slug,description,price_cents,currency,status,stock,category_id,attributes,images,updated_at\n"


def native_rows(prefix, n, price=100, start=1):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for i in range(start, start + n):
        w.writerow(["", f"{prefix}-{i}", f"Imported {prefix} {i}", "", f"desc, {i}", price, "EUR", "active", i, "",
                    '{"n": %d}' % i, f"https://img.test/{prefix}/{i}.jpg", ""])
    return out.getvalue()


class Client:
    def __init__(self, gateway, store, token):
        self.gateway, self.store, self.token = gateway, store, token

    def call(self, method, path, body=None, token=None, store=None, content_type=None):
        h = {"X-Store-ID": store or self.store}
        tok = self.token if token is None else token
        if tok:
            h["Authorization"] = "Bearer " + tok
        if content_type:
            h["Content-Type"] = content_type
        return request(self.gateway.url, method, path, body=body, headers=h, timeout=60)

    def create(self, mapping="auto", filename="products.csv", **kw):
        r = self.call("POST", "/api/v1/imports", {"filename": filename, "mapping": mapping}, **kw)
        assert r.status == 201, r.body
        return r.json()["data"]["id"]

    def part(self, iid, n, text, **kw):
        data = text if isinstance(text, bytes) else text.encode()
        return self.call("PUT", f"/api/v1/imports/{iid}/parts/{n}", data, content_type="text/csv", **kw)

    def upload(self, text, parts=1, mapping="auto"):
        iid = self.create(mapping)
        data = text.encode()
        size = max(1, -(-len(data) // parts))
        for n, at in enumerate(range(0, len(data), size), start=1):
            r = self.part(iid, n, data[at:at + size])
            assert r.status == 200, r.body
        r = self.call("POST", f"/api/v1/imports/{iid}/finish")
        assert r.status == 200, r.body
        return iid, r.json()["data"]

    def run(self, iid):
        r = self.call("POST", f"/api/v1/imports/{iid}/run")
        assert r.status == 202, r.body
        return r.json()["data"]

    def wait(self, iid, timeout=60):
        def ended():
            s = self.call("GET", f"/api/v1/imports/{iid}").json()["data"]
            return s if s["state"] in ("succeeded", "failed") else None
        return wait_until(ended, timeout=timeout, interval=0.1)

    def errors(self, iid):
        out, cursor = [], None
        while True:
            q = f"?limit=2" + (f"&cursor={cursor}" if cursor else "")
            r = self.call("GET", f"/api/v1/imports/{iid}/errors{q}")
            assert r.status == 200, r.body
            body = r.json()
            out += [(e["line"], e["field"]) for e in body["data"]]
            cursor = body["meta"]["next_cursor"]
            if not cursor:
                return out


class ImportApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.catalog = Service("catalog", env={**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "import",
                                              "IMPORT_CHUNK_SIZE": "50", "JOBS_POLL_INTERVAL": "100ms"},
                              wait_ready=True)
        cls.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.issuer.identity.port),
            "RATE_LIMIT_PER_MINUTE": "1000000"}, wait_ready=True)
        cls.db = PsqlSession()

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.gateway.stop()
        cls.catalog.stop()
        cls.issuer.close()

    def setUp(self):
        self.store = new_store()
        self.api = Client(self.gateway, self.store, self.issuer.token("editor", store=self.store))

    def fingerprint(self):
        return self.db(f"""SELECT (SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || coalesce(sum(price_cents), 0)
                                  FROM products WHERE store_id = '{self.store}') || ' ' ||
                                 (SELECT count(*) FROM audit_log WHERE store_id = '{self.store}')""")

    def test_the_dry_run_reports_every_bad_row_with_its_line_and_column_and_changes_nothing(self):
        text = (HEADER + native_rows("OK", 2) +
                ',bad sku,Bad,,,12.5,EUR,active,,,,,\n'           # line 4: sku, price_cents
                ',DUP-1,"Two\nlines",,,100,EUR,sold,,,,,\n'        # line 5-6: status
                ',OK-1,Again,,,100,EUR,active,,,,,\n'              # line 7: OK-1 again
                ',Q-1,"open quote,,,100,EUR,active,,,,,\n')        # line 8: never closed
        before = self.fingerprint()
        iid, s = self.api.upload(text, parts=3)
        self.assertEqual((s["state"], s["rows"], s["valid"], s["errors"], s["creates"], s["updates"]),
                         ("validated", 6, 2, 4, 2, 0), s)
        self.assertEqual(s["mapping"], "mercato")
        errors = self.api.errors(iid)
        self.assertIn((4, "sku"), errors)
        self.assertIn((4, "price_cents"), errors)
        self.assertIn((5, "status"), errors)
        self.assertIn((7, "sku"), errors)
        self.assertIn((8, "(record)"), errors)
        self.assertEqual(self.fingerprint(), before, "a dry run writes no product")

    def test_the_run_creates_then_updates_by_sku_and_running_the_same_file_again_changes_nothing(self):
        iid, s = self.api.upload(HEADER + native_rows("RUN", 120), parts=4)
        self.assertEqual((s["creates"], s["updates"]), (120, 0))
        started = self.api.run(iid)
        self.assertIsNotNone(started["job_id"])
        done = self.api.wait(iid)
        self.assertEqual((done["state"], done["done"]), ("succeeded", 120), done)
        self.assertEqual(self.db(f"SELECT count(*) FROM products WHERE store_id = '{self.store}' AND sku LIKE 'RUN-%'"), "120")
        self.assertEqual(self.db(f"SELECT count(*) FROM product_images WHERE store_id = '{self.store}'"), "120")
        self.assertEqual(self.db(f"SELECT count(*) FROM audit_log WHERE store_id = '{self.store}' AND action = 'product.create'"), "120")
        # The same file again: nothing changes (no version, no audit row).
        after_first = self.fingerprint()
        iid2, s2 = self.api.upload(HEADER + native_rows("RUN", 120), parts=2)
        self.assertEqual((s2["creates"], s2["updates"]), (0, 120))
        self.api.run(iid2)
        self.assertEqual(self.api.wait(iid2)["state"], "succeeded")
        self.assertEqual(self.fingerprint(), after_first)
        # A new price for ten of them: ten updates, audited with before and after.
        iid3, _ = self.api.upload(HEADER + native_rows("RUN", 10, price=999))
        self.api.run(iid3)
        self.api.wait(iid3)
        self.assertEqual(self.db(f"SELECT count(*) || '/' || min(version) FROM products WHERE store_id = '{self.store}' "
                                 f"AND price_cents = 999"), "10/2")
        self.assertEqual(self.db(f"SELECT count(*) FROM audit_log WHERE store_id = '{self.store}' AND action = 'product.update' "
                                 f"AND before->>'price_cents' = '100' AND after->>'price_cents' = '999'"), "10")
        # The job's progress reads like any job's.
        job = self.api.call("GET", f"/api/v1/jobs/{started['job_id']}").json()["data"]
        self.assertEqual((job["kind"], job["state"], job["progress"]["done"], job["progress"]["total"]),
                         ("products.import", "succeeded", 120, 120))
        # Read back through the gateway as the API shows it.
        r = self.api.call("GET", "/api/v1/products?q=RUN-7")
        self.assertEqual(r.status, 200, r.body)

    def test_an_import_reads_as_ended_only_after_its_last_chunks_invalidation(self):
        # As a bulk job's (test_catalog_bulk.py): the job must still be running while the
        # invalidation of its last written chunk goes out, or a client that saw it end could
        # read an instance's old cached copy.
        iid, s = self.api.upload(HEADER + native_rows("END", 30), parts=1)
        self.assertEqual(s["valid"], 30)
        listener = SilentBusListener()
        try:
            job = self.api.run(iid)["job_id"]
            self.assertIsNotNone(listener.first_naming([self.store]), "no invalidation of the import's products")
            self.assertEqual(self.db(f"SELECT state FROM jobs WHERE id = '{job}'"), "running")
        finally:
            listener.close()
        s = self.api.wait(iid)
        self.assertEqual((s["state"], s["done"]), ("succeeded", 30), s)

    def test_a_sku_spelled_null_is_found_again_by_the_next_import(self):
        # A SKU array sent unquoted read the SKU NULL as a null: the second import then tried
        # to create it again and failed on the live-SKU index.
        text = HEADER + ",NULL,Null product,,,100,EUR,active,,,,,\n"
        for price in (100, 200):
            iid, s = self.api.upload(text.replace(",100,", f",{price},"))
            self.api.run(iid)
            done = self.api.wait(iid)
            self.assertEqual((done["state"], done["errors"]), ("succeeded", 0), done)
        self.assertEqual(self.db(f"SELECT count(*) || '/' || max(price_cents) FROM products WHERE store_id = "
                                 f"'{self.store}' AND sku = 'NULL'"), "1/200")

    def test_parts_resume_repeat_harmlessly_and_refuse_gaps_and_late_parts(self):
        iid = self.api.create("mercato")
        text = (HEADER + ',P-1,"A name, with ""quotes""",,"and a\nline",100,EUR,,,,,,\n').encode()
        cut = text.index(b"quotes") + 2  # inside the quoted field
        self.assertEqual(self.api.part(iid, 1, text[:cut]).status, 200)
        again = self.api.part(iid, 1, text[:cut])
        self.assertEqual(again.status, 200, again.body)
        self.assertEqual(again.json()["data"]["parts"], 1)
        self.assertEqual(self.api.part(iid, 3, b"x").status, 409)
        self.assertEqual(self.api.part(iid, 2, text[cut:]).status, 200)
        s = self.api.call("POST", f"/api/v1/imports/{iid}/finish").json()["data"]
        self.assertEqual((s["rows"], s["valid"], s["bytes"], s["parts"]), (1, 1, len(text), 2), s)
        self.assertEqual(self.api.part(iid, 3, b"x").status, 409)
        self.assertEqual(self.api.call("POST", f"/api/v1/imports/{iid}/finish").status, 409)
        self.api.run(iid)
        self.assertEqual(self.api.call("POST", f"/api/v1/imports/{iid}/run").status, 409)
        self.api.wait(iid)
        self.assertEqual(self.db(f"SELECT name || '|' || description FROM products WHERE store_id = '{self.store}' "
                                 f"AND sku = 'P-1'"), 'A name, with "quotes"|and a\nline')

    def test_a_header_that_fits_no_mapping_is_refused_and_the_import_stays_empty(self):
        iid = self.api.create("mercato")
        r = self.api.part(iid, 1, "sku,name,prise\nA,B,1\n")
        self.assertEqual(r.status, 422, r.body)
        self.assertEqual(self.api.call("GET", f"/api/v1/imports/{iid}").json()["data"]["parts"], 0)
        self.assertEqual(self.api.part(iid, 1, "sku,name,price_cents\n", ).status, 200)
        bad_type = self.api.call("PUT", f"/api/v1/imports/{iid}/parts/2", b"x", content_type="application/json")
        self.assertEqual(bad_type.status, 415)

    def test_another_stores_import_is_absent_a_viewer_is_refused_and_anonymous_needs_a_token(self):
        iid, _ = self.api.upload(HEADER + native_rows("ISO", 1))
        other = new_store()
        attacker = self.issuer.token("editor", store=other)
        viewer = self.issuer.token("viewer", store=self.store)
        for method, path in (("GET", ""), ("GET", "/errors"), ("GET", "/errors.csv"), ("POST", "/run"), ("POST", "/finish")):
            r = self.api.call(method, f"/api/v1/imports/{iid}{path}", token=attacker, store=other)
            self.assertEqual(r.status, 404, (method, path, r.body))
            self.assertEqual(self.api.call(method, f"/api/v1/imports/{iid}{path}", token=viewer).status, 403, path)
            self.assertEqual(self.api.call(method, f"/api/v1/imports/{iid}{path}", token="").status, 401, path)
        self.assertEqual(self.api.part(iid, 2, "x", token=attacker, store=other).status, 404)
        self.assertEqual(self.api.call("POST", "/api/v1/imports", {"filename": "x.csv"}, token=viewer).status, 403)
        self.assertEqual(self.api.call("GET", f"/api/v1/imports/{iid}").json()["data"]["state"], "validated")

    def test_a_shopify_export_is_one_product_per_handle(self):
        text = ("Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Variant SKU,Variant Price,Variant Inventory Qty,"
                "Image Src,Image Position,Status\n"
                "red-shoe,Red Shoe,<p>Light</p>,Acme,Shoes,\"red, shoe\",TRUE,RS-40,49.90,3,https://img.test/rs2.jpg,2,active\n"
                "red-shoe,,,,,,,RS-41,49.90,2,https://img.test/rs1.jpg,1,\n"
                "blue-hat,Blue Hat,,Acme,Hats,,FALSE,BH-1,12,0,,,draft\n"
                "bad-one,Bad,,,,,,,,,,,active\n")
        iid, s = self.api.upload(text, parts=5)
        self.assertEqual((s["mapping"], s["rows"], s["valid"], s["errors"]), ("shopify", 3, 2, 1), s)
        self.assertIn((5, "Variant SKU"), self.api.errors(iid))
        self.api.run(iid)
        self.api.wait(iid)
        row = self.db(f"SELECT name || '|' || slug || '|' || price_cents || '|' || currency || '|' || stock || '|' || "
                      f"status || '|' || (attributes->>'vendor') FROM products WHERE store_id = '{self.store}' AND sku = 'RS-40'")
        self.assertEqual(row, "Red Shoe|red-shoe|4990|USD|3|active|Acme")
        self.assertEqual(self.db(f"SELECT string_agg(url, ' ' ORDER BY position) FROM product_images WHERE store_id = "
                                 f"'{self.store}'"), "https://img.test/rs1.jpg https://img.test/rs2.jpg")

    def test_a_medusa_export_maps_its_statuses_and_prices(self):
        text = ("Product Id,Product Handle,Product Title,Product Subtitle,Product Description,Product Status,"
                "Product Thumbnail,Variant Id,Variant Title,Variant Sku,Variant Price EUR,Variant Price USD,"
                "Product Image 1 Url\n"
                ",medusa-tee,Medusa Tee,Soft,A tee,published,https://img.test/t.jpg,,S,TEE-S,19.50,21.00,https://img.test/t2.jpg\n"
                ",medusa-tee,Medusa Tee,Soft,A tee,published,https://img.test/t.jpg,,M,TEE-M,19.50,21.00,https://img.test/t2.jpg\n"
                ",medusa-mug,Medusa Mug,,,proposed,,,One,MUG-1,8.00,,\n")
        iid, s = self.api.upload(text, parts=2)
        self.assertEqual((s["mapping"], s["rows"], s["valid"]), ("medusa", 2, 2), s)
        self.api.run(iid)
        self.api.wait(iid)
        self.assertEqual(self.db(f"SELECT string_agg(sku || ':' || price_cents || currency || ':' || status, ' ' ORDER BY sku) "
                                 f"FROM products WHERE store_id = '{self.store}'"), "MUG-1:800EUR:draft TEE-S:2100USD:active")

    def test_the_error_report_is_a_csv_attachment_with_every_error(self):
        text = HEADER + ',=1+2,Evil,,,1,EUR,,,,,,\n' + native_rows("E", 1) + ',,,,,,,,,,,,\n'
        iid, s = self.api.upload(text)
        r = self.api.call("GET", f"/api/v1/imports/{iid}/errors.csv")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        self.assertIn("attachment", r.header("Content-Disposition"))
        rows = list(csv.reader(io.StringIO(r.body.decode())))
        self.assertEqual(rows[0], ["line", "field", "message"])
        self.assertEqual({(int(x[0]), x[1]) for x in rows[1:]}, set(self.api.errors(iid)))
        self.assertIn((2, "sku"), {(int(x[0]), x[1]) for x in rows[1:]})
        self.assertTrue(all(not x[2].startswith("=") for x in rows[1:]), "no cell a spreadsheet would run")
        self.assertEqual(self.api.call("GET", f"/api/v1/imports/{iid}/errors?cursor=nope").status, 422)


PRODUCTS = 6000
CHUNK = 100


def start_import(test, svc, prefix):
    """A store of `test`'s scratch database and an import of PRODUCTS rows into it, uploaded
    and run through `svc`: (the client, import id, job id)."""
    store = str(uuid.uuid4())
    test.sql(f"INSERT INTO stores (id, slug, name) VALUES ('{store}', 'imp-{store[:8]}', 'Import {prefix}')")
    api = Client(svc, store, test.issuer.token("editor", store=store))
    iid, s = api.upload(HEADER + native_rows(prefix, PRODUCTS), parts=3)
    test.assertEqual(s["valid"], PRODUCTS)
    return api, iid, api.run(iid)["job_id"]


class ImportWorkerKilled(ScratchCatalogs):
    """kill -9 the catalog working an import; another instance finishes it, each product written
    once (one create and one audit row each), resumed after the last committed chunk."""

    SCRATCH_DB = "mercato_catalog_import_chaos"
    ENV = {"CATALOG_CURSOR_SECRET": "import-chaos", "IMPORT_CHUNK_SIZE": str(CHUNK)}

    def test_a_killed_catalogs_import_resumes_and_writes_each_product_once(self):
        first = self.start_catalog()
        api, iid, job = start_import(self, first, "K")
        store = api.store

        def progress():
            return self.job_progress(job)

        wait_until(lambda: int(progress()[1]) >= 5 * CHUNK, timeout=60, interval=0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.proc.wait(10)
        state, done_at_kill, locked_by, attempts = progress()
        self.assertEqual(state, "running")
        self.assertIn(f"catalog-{first.pid}-", locked_by)
        self.assertLess(int(done_at_kill), PRODUCTS, "killed before the end")
        print(f"\n  killed pid {first.pid} at {done_at_kill}/{PRODUCTS}", end=" ")

        second = self.start_catalog()
        api.gateway = second
        s = api.wait(iid, timeout=120)
        self.assertEqual((s["state"], s["done"]), ("succeeded", PRODUCTS), s)
        self.assertEqual(self.sql(f"SELECT attempts FROM jobs WHERE id = '{job}'"), "2")
        self.assertEqual(self.sql(f"SELECT count(*) || '/' || count(DISTINCT sku) || '/' || max(version) FROM products "
                                  f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}/1")
        self.assertEqual(self.sql(f"SELECT count(*) || '/' || count(DISTINCT entity_id) FROM audit_log "
                                  f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}")
        self.assertEqual(self.sql(f"SELECT count(*) FROM product_images WHERE store_id = '{store}'"), str(PRODUCTS))


class ImportWorkerStopped(ScratchCatalogs):
    """SIGTERM to the catalog working an import (a rolling restart): it hands the job over after
    the chunk under way and exits 0; the other instance resumes it at once, although a dead
    worker's job would wait ten minutes for its heartbeat to go stale here."""

    SCRATCH_DB = "mercato_catalog_import_handover"
    ENV = {"CATALOG_CURSOR_SECRET": "import-handover", "IMPORT_CHUNK_SIZE": str(CHUNK),
           "JOBS_HEARTBEAT_TIMEOUT": "600s"}

    def test_a_stopped_catalog_hands_its_import_over_and_the_other_finishes_it_at_once(self):
        a, b = self.start_catalog(), self.start_catalog()
        api, iid, job = start_import(self, a, "H")
        store = api.store

        def progress():
            return self.job_progress(job)

        holder, (other,) = self.stop_job_holder(job, [a, b], after_done=5 * CHUNK)
        state, done_at_stop, locked_by, attempts = progress()
        self.assertLess(int(done_at_stop), PRODUCTS, "stopped before the end")
        print(f"\n  stopped pid {holder.pid} at {done_at_stop}/{PRODUCTS}", end=" ")

        api.gateway = other
        s = api.wait(iid, timeout=60)
        self.assertIsNotNone(s, f"the other instance did not finish the import within 60 s: job {progress()}")
        self.assertEqual((s["state"], s["done"]), ("succeeded", PRODUCTS), s)
        # Only `other` was left to finish it, long before a stale heartbeat would have let it.
        self.assertEqual(progress()[3], "1", "a handover does not count as a failed attempt")
        self.assertEqual(self.sql(f"SELECT count(*) || '/' || count(DISTINCT sku) || '/' || max(version) FROM products "
                                  f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}/1")
        self.assertEqual(self.sql(f"SELECT count(*) || '/' || count(DISTINCT entity_id) FROM audit_log "
                                  f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}")

if __name__ == "__main__":
    unittest.main()
