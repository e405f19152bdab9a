"""The catalog's schema can be sharded by store with Citus (docs/scaling.md#sharding-by-store-with-citus).
Citus is not a Debian package, so it does not run here: these tests read the migrated schema
from pg_catalog and fail, naming the table and the constraint or index, on whatever
create_distributed_table(t, 'store_id') or create_reference_table('stores') would refuse:

- a table of the catalog's schema that is not classified below (a table added later must be
  given a place: distributed by store_id, reference, or local to the coordinator);
- a distributed table without a NOT NULL store_id column (Citus cannot place a row without
  it), or whose store_id has another type than the others' (co-located tables hash one type);
- a distributed table without a primary key (Citus moves shards between nodes by logical
  replication, which needs one to replay updates and deletes);
- a primary key, unique or exclusion constraint, or unique index on a distributed table whose
  key columns do not include store_id (a node can only check uniqueness among its own rows);
- a foreign key between distributed tables that does not pair store_id with store_id at the
  same position (a node can only check a reference among its own rows), or that sets, cascades
  or defaults store_id on delete or update (a row cannot change shards);
- a foreign key from the reference table to a distributed table, or any foreign key to or
  from a table that is neither.

A second test checks the SQL the catalog prepares (`mercato-catalog sql`): every distributed
table a statement reads is constrained by store_id, so each statement runs on one store's
shard. A third, that each trigger and function of the schema, which Citus runs differently, is
named in docs/scaling.md.

The schema is a scratch database migrated by the catalog's own migrator, or the database named
by MERCATO_CATALOG_SCHEMA_DB when set (a database already migrated, such as a copy of
production, or one at an older migration to see what it lacks)."""

import json
import os
import re
import unittest

from .test_catalog_support import create_scratch_database, drop_scratch_database, psql_db
from testkit import REPO, run_binary

DIST_COLUMN = "store_id"
# create_distributed_table(t, 'store_id'), co-located with each other.
DISTRIBUTED = ("categories", "products", "product_images", "audit_log", "product_counts")
# create_reference_table: a copy on every node, which distributed tables may reference.
REFERENCE = ("stores",)
# Left on the coordinator: the migrator's own bookkeeping (src/db/migrations.cpp), the jobs
# queue (0009_jobs.sql), which workers claim across stores, and CSV imports' staging
# (0010_imports.sql), keyed by import; no statement joins them with a sharded table on more
# than one store's rows.
LOCAL = ("schema_migrations", "jobs", "imports", "import_rows", "import_errors")

# pg_constraint.confdeltype / confupdtype
ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

# Everything the checks read, as one JSON document: the tables of the schema (not those of an
# extension), the distribution column of each, every primary key, unique, exclusion and foreign
# key constraint with its columns in order, and every unique index with its key columns
# (an expression is NULL).
SCHEMA_SQL = r"""
WITH tables AS (
  SELECT c.oid, c.relname, c.relkind FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'f')
     -- A partition goes where its partitioned table goes (audit_log's months, 0008): Citus
     -- distributes a partitioned table with its partitions, which share its keys.
     AND NOT c.relispartition
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                 AND d.deptype = 'e')),
cols AS (
  SELECT t.relname, a.attnotnull, format_type(a.atttypid, a.atttypmod) AS type
    FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'store_id' AND NOT a.attisdropped),
cons AS (
  SELECT con.conname, con.contype, t.relname, ref.relname AS refname, ref.relnamespace = current_schema()::regnamespace AS ref_here,
         con.confdeltype, con.confupdtype,
         (SELECT json_agg(a.attname ORDER BY k.n) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
         (SELECT json_agg(a.attname ORDER BY k.n) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS refcolumns,
         (SELECT json_agg(o.oprname ORDER BY k.n) FROM unnest(con.conexclop) WITH ORDINALITY k(op, n)
            JOIN pg_operator o ON o.oid = k.op) AS operators
    FROM pg_constraint con JOIN tables t ON t.oid = con.conrelid LEFT JOIN pg_class ref ON ref.oid = con.confrelid
   WHERE con.contype IN ('p', 'u', 'x', 'f')
  UNION ALL  -- a foreign key into the schema from a table outside it
  SELECT con.conname, con.contype, src.relnamespace::regnamespace || '.' || src.relname, t.relname, true,
         con.confdeltype, con.confupdtype, '[]', '[]', NULL
    FROM pg_constraint con JOIN tables t ON t.oid = con.confrelid JOIN pg_class src ON src.oid = con.conrelid
   WHERE con.contype = 'f' AND src.relnamespace <> current_schema()::regnamespace),
idx AS (
  SELECT i.relname AS indexname, t.relname,
         (SELECT json_agg(a.attname ORDER BY k.n) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, n)
            LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
           WHERE k.n <= ix.indnkeyatts) AS columns
    FROM pg_index ix JOIN tables t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
   WHERE ix.indisunique
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x')))
SELECT json_build_object(
  'tables', (SELECT coalesce(json_agg(relname ORDER BY relname), '[]') FROM tables),
  'store_id', (SELECT coalesce(json_object_agg(relname, json_build_object('not_null', attnotnull, 'type', type)), '{}') FROM cols),
  'constraints', (SELECT coalesce(json_agg(cons ORDER BY relname, conname), '[]') FROM cons),
  'unique_indexes', (SELECT coalesce(json_agg(idx ORDER BY relname, indexname), '[]') FROM idx),
  'triggers', (SELECT coalesce(json_agg(json_build_object('table', t.relname, 'trigger', tg.tgname) ORDER BY t.relname, tg.tgname), '[]')
                 FROM pg_trigger tg JOIN tables t ON t.oid = tg.tgrelid WHERE NOT tg.tgisinternal),
  'functions', (SELECT coalesce(json_agg(p.proname ORDER BY p.proname), '[]') FROM pg_proc p
                 WHERE p.pronamespace = current_schema()::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                                               AND d.deptype = 'e')))
"""


def kind(table):
    if table in DISTRIBUTED:
        return "distributed"
    if table in REFERENCE:
        return "reference"
    if table in LOCAL:
        return "local"
    return None


class CatalogSchemaIsDistributable(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = None
        cls.db = os.environ.get("MERCATO_CATALOG_SCHEMA_DB")
        if not cls.db:
            cls.scratch = cls.db = create_scratch_database("mercato_catalog_distributable")
            # Migrates it, as the service does at start (seeding nothing).
            r = run_binary("catalog", {"DB_NAME": cls.db, "LOG_LEVEL": "warn"},
                           ["seed", "--products", "0", "--no-vacuum"], timeout=120)
            assert r.returncode == 0, r.stderr
        cls.schema = json.loads(psql_db(cls.db, SCHEMA_SQL))

    @classmethod
    def tearDownClass(cls):
        if cls.scratch:
            drop_scratch_database(cls.scratch)

    def assert_none(self, problems, rule):
        if problems:
            self.fail(f"{len(problems)} {rule} (database {self.db}):\n  " + "\n  ".join(problems))

    def test_every_table_is_classified_and_every_classified_table_exists(self):
        tables = set(self.schema["tables"])
        problems = [f"{t}: a table of the catalog's schema this test does not classify; add it to DISTRIBUTED, "
                    f"REFERENCE or LOCAL (and to docs/scaling.md)" for t in sorted(tables) if kind(t) is None]
        problems += [f"{t}: classified here but not in the schema" for t in DISTRIBUTED + REFERENCE + LOCAL
                     if t not in tables]
        self.assert_none(problems, "tables out of step with the classification")

    def test_distributed_tables_have_a_not_null_store_id_of_one_type(self):
        problems, types = [], {}
        for t in DISTRIBUTED:
            col = self.schema["store_id"].get(t)
            if col is None:
                problems.append(f"{t}: no {DIST_COLUMN} column to distribute by")
                continue
            if not col["not_null"]:
                problems.append(f"{t}.{DIST_COLUMN}: nullable (Citus cannot place a row without it)")
            types.setdefault(col["type"], []).append(t)
        if len(types) > 1:
            problems.append(f"{DIST_COLUMN} has several types, so the tables cannot be co-located: {types}")
        self.assert_none(problems, "distribution columns Citus would refuse")

    def test_distributed_tables_have_a_primary_key(self):
        keyed = {c["relname"] for c in self.schema["constraints"] if c["contype"] == "p"}
        problems = [f"{t}: no primary key (shard moves replicate updates and deletes by it)"
                    for t in DISTRIBUTED if t not in keyed]
        self.assert_none(problems, "distributed tables without a primary key")

    def test_keys_and_unique_constraints_include_store_id(self):
        problems = []
        names = {"p": "primary key", "u": "unique constraint", "x": "exclusion constraint"}
        for c in self.schema["constraints"]:
            if c["contype"] not in names or kind(c["relname"]) != "distributed":
                continue
            cols = c["columns"] or []
            what = f"{c['relname']}.{c['conname']}: {names[c['contype']]} ({', '.join(cols)})"
            if DIST_COLUMN not in cols:
                problems.append(f"{what} does not include {DIST_COLUMN}")
            elif c["contype"] == "x" and c["operators"][cols.index(DIST_COLUMN)] != "=":
                problems.append(f"{what} excludes on {DIST_COLUMN} with {c['operators'][cols.index(DIST_COLUMN)]}, not =")
        self.assert_none(problems, "keys Citus would refuse on a distributed table")

    def test_unique_indexes_include_store_id(self):
        problems = []
        for i in self.schema["unique_indexes"]:
            if kind(i["relname"]) != "distributed":
                continue
            cols = [c or "(expression)" for c in i["columns"]]
            if DIST_COLUMN not in cols:
                problems.append(f"{i['relname']}.{i['indexname']}: unique index ({', '.join(cols)}) "
                                f"does not include {DIST_COLUMN}")
        self.assert_none(problems, "unique indexes Citus would refuse on a distributed table")

    def test_foreign_keys_are_colocated_or_point_at_reference_tables(self):
        problems = []
        for c in self.schema["constraints"]:
            if c["contype"] != "f":
                continue
            src, dst = c["relname"], c["refname"] if c["ref_here"] else f"{c['refname']} (another schema)"
            cols, refcols = c["columns"] or [], c["refcolumns"] or []
            what = f"{src}.{c['conname']}: ({', '.join(cols)}) REFERENCES {dst} ({', '.join(refcols)})"
            src_kind, dst_kind = kind(src), kind(dst)
            if src_kind == "reference" and dst_kind == "reference":
                continue
            if src_kind == "reference" and dst_kind == "distributed":
                problems.append(f"{what}: from the reference table to a distributed table")
                continue
            if src_kind != "distributed" or dst_kind not in ("distributed", "reference"):
                problems.append(f"{what}: from a {src_kind or 'unclassified'} table to a "
                                f"{dst_kind or 'unclassified'} one (Citus tables reference Citus tables only)")
                continue
            if DIST_COLUMN in cols:
                # The row would have to change shards: Citus refuses these actions on store_id.
                if c["confdeltype"] in ("n", "d"):
                    problems.append(f"{what}: ON DELETE {ACTIONS[c['confdeltype']]} would change {DIST_COLUMN}")
                if c["confupdtype"] in ("n", "d", "c"):
                    problems.append(f"{what}: ON UPDATE {ACTIONS[c['confupdtype']]} would change {DIST_COLUMN}")
            if dst_kind == "distributed":
                here = cols.index(DIST_COLUMN) if DIST_COLUMN in cols else None
                there = refcols.index(DIST_COLUMN) if DIST_COLUMN in refcols else None
                if here is None or there is None:
                    problems.append(f"{what}: between distributed tables without {DIST_COLUMN} on both sides")
                elif here != there:
                    problems.append(f"{what}: {DIST_COLUMN} at position {here + 1} here, {there + 1} there")
        self.assert_none(problems, "foreign keys Citus would refuse")

    def test_triggers_and_functions_are_named_in_the_scaling_notes(self):
        """Citus runs a trigger on each shard, and a function where it is called (the
        coordinator, unless distributed): docs/scaling.md says what each of these needs."""
        with open(os.path.join(REPO, "docs", "scaling.md"), encoding="utf-8") as f:
            notes = f.read()
        problems = [f"{t['table']}.{t['trigger']}: trigger not named in docs/scaling.md"
                    for t in self.schema["triggers"] if t["trigger"] not in notes]
        problems += [f"{p}(): function not named in docs/scaling.md" for p in self.schema["functions"]
                     if p not in notes]
        self.assert_none(problems, "triggers and functions the Citus notes do not cover")


# A reference to a distributed table in a statement: FROM or JOIN, the table, and its alias if
# one follows (a keyword is not an alias).
TABLE_REF = re.compile(r"\b(?:FROM|JOIN)\s+(" + "|".join(DISTRIBUTED) + r")\b(?:\s+(?:AS\s+)?([a-z_][a-z0-9_]*))?")
NEXT_REF = re.compile(r"\b(?:FROM|JOIN)\s")


class CatalogStatementsNameTheStore(unittest.TestCase):
    """Every statement the catalog prepares names the store of each distributed table it reads:
    `alias.store_id = …` (or `… = alias.store_id`) for an aliased table, `store_id =` before the
    next FROM or JOIN for a bare one. A statement that joined two tables on id alone, or read
    images by product alone, would ask every shard under Citus, and since 0007 would no longer
    find a key that leads with the id. The statements of a write's transaction (lock, insert,
    update, images, audit) are written inline in the repositories and not printed; they name the
    store as well."""

    def test_every_distributed_table_a_statement_reads_is_constrained_by_store_id(self):
        r = run_binary("catalog", {}, ["sql"])
        self.assertEqual(r.returncode, 0, r.stderr)
        statements = json.loads(r.stdout)
        self.assertGreater(len(statements), 100, "the catalog printed too few statements")
        problems, seen = {}, set()  # what is missing → the statements it is missing from
        for name, sql in sorted(statements.items()):
            for m in TABLE_REF.finditer(sql):
                table, alias = m.group(1), m.group(2)
                seen.add(table)
                if alias:
                    a = re.escape(alias)
                    if not re.search(rf"\b{a}\.store_id\s*=|=\s*{a}\.store_id\b", sql):
                        problems.setdefault(f"{table} {alias} without {alias}.store_id = …", []).append(name)
                else:
                    nxt = NEXT_REF.search(sql, m.end())
                    clause = sql[m.end():nxt.start() if nxt else len(sql)]
                    if not re.search(r"(?<![.\w])store_id\s*=", clause):
                        problems.setdefault(f"{table} without store_id = … before the next FROM/JOIN", []).append(name)
        # Not vacuous: the statements read products, their categories, images and counters.
        self.assertTrue({"products", "categories", "product_images", "product_counts"} <= seen, seen)
        if problems:
            self.fail(f"{sum(map(len, problems.values()))} table references without their store:\n  " +
                      "\n  ".join(f"{what}: {len(names)} statements ({', '.join(names[:3])}"
                                   f"{', …' if len(names) > 3 else ''})" for what, names in problems.items()))


if __name__ == "__main__":
    unittest.main()
