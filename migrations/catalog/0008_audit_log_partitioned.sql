-- audit_log becomes a table partitioned by month of created_at (GET /api/v1/audit, retention).
--
-- Why partitions: the trail only grows (one row per catalog write), and AUDIT_RETENTION_MONTHS
-- removes old months by dropping their partitions (DROP TABLE: no DELETE, no dead rows, no
-- vacuum debt, no index bloat). A month is audit_log_pYYYYMM, [first of the month, first of the
-- next) in UTC. The catalog keeps the current month and the next three created
-- (audit_log_maintain, at start and daily: src/services/catalog/audit_partitions.cpp).
--
-- No DEFAULT partition, on purpose: a row it caught would escape retention (only a whole month
-- is dropped), and every later CREATE of a month's partition would have to scan it, under a lock
-- on audit_log, to prove it holds none of that month. With months created three ahead, a write
-- fails for want of a partition only after every catalog instance missed its daily maintenance
-- for three months; that failure is loud (the write is refused, nothing is lost silently).
--
-- Keys: a partitioned table's primary key must include the partition key, so the key becomes
-- (store_id, created_at, id): still led by store_id, the distribution column (0007; Citus
-- distributes a partitioned table with its partitions), and, in this order, the index of a
-- store's trail newest first. Ids stay unique by themselves (UUIDv7).
--
-- Existing rows are copied into their months, in this migration's transaction: audit_log is
-- renamed and locked meanwhile, so catalog writes (which each add an audit row) wait until the
-- commit. Measured on 100k audit rows: see docs/scaling.md#the-audit-trail. The indexes are
-- built after the copy, each once per partition.

ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
-- Index names are per schema: free the ones the partitioned table reuses.
ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
ALTER INDEX audit_log_entity RENAME TO audit_log_unpartitioned_entity;

CREATE TABLE audit_log (
  id             uuid NOT NULL,
  store_id       uuid NOT NULL,
  actor          text NOT NULL,          -- the token's subject (user id)
  actor_role     text NOT NULL,
  action         text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),  -- product.update, category.delete …
  entity_type    text NOT NULL,
  entity_id      uuid NOT NULL,
  before         jsonb,                  -- NULL for a create
  after          jsonb,                  -- the representation after the write (a delete's too)
  request_id     text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now(),
  client_address text NOT NULL DEFAULT ''
) PARTITION BY RANGE (created_at);

-- Creates the partition of `month` (any day of it, taken in UTC) unless it exists; its name
-- when created, NULL otherwise.
CREATE FUNCTION audit_log_create_partition(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := 'audit_log_p' || to_char(first, 'YYYYMM');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)', name,
                 first::timestamp AT TIME ZONE 'UTC', (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  RETURN name;
END
$$;

-- What the catalog runs at start and daily: the partitions of this month and the `ahead`
-- next ones, and with keep_months > 0, the drop of every month that ended keep_months or more
-- months before this one began (keep_months = 12 in December 2026 keeps December 2025 onwards:
-- a row stays at least 12 months and goes in the month after it turns 12 months old). Only
-- partitions named audit_log_pYYYYMM are ever dropped. One row per partition created or
-- dropped. Instances starting together take turns (the transaction's advisory lock); each DDL
-- statement locks audit_log briefly, and waits at most lock_timeout for the writes ahead of it,
-- so it never queues the catalog's writes behind a long reader: it fails and runs again later.
CREATE FUNCTION audit_log_maintain(ahead integer, keep_months integer)
RETURNS TABLE (change text, partition_name text) LANGUAGE plpgsql AS $$
DECLARE
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  created text;
  old record;
BEGIN
  IF ahead < 0 OR keep_months < 0 THEN
    RAISE EXCEPTION 'audit_log_maintain: ahead (%) and keep_months (%) must not be negative', ahead, keep_months;
  END IF;
  -- "audit_log partitions" as a key of its own, apart from the migrator's.
  PERFORM pg_advisory_xact_lock(hashtextextended('mercato audit_log partitions', 0));
  PERFORM set_config('lock_timeout', '5s', true);
  FOR i IN 0..ahead LOOP
    created := audit_log_create_partition((this_month + make_interval(months => i))::date);
    IF created IS NOT NULL THEN
      change := 'created'; partition_name := created; RETURN NEXT;
    END IF;
  END LOOP;
  IF keep_months > 0 THEN
    FOR old IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'audit_log'::regclass AND c.relname ~ '^audit_log_p[0-9]{6}$'
         AND to_date(substr(c.relname, 12), 'YYYYMM') < this_month - make_interval(months => keep_months)
       ORDER BY c.relname
    LOOP
      EXECUTE format('DROP TABLE %I', old.relname);
      change := 'dropped'; partition_name := old.relname; RETURN NEXT;
    END LOOP;
  END IF;
END
$$;

-- Every month the existing rows span, through three months ahead.
SELECT audit_log_create_partition(m::date)
  FROM generate_series(
         date_trunc('month', coalesce((SELECT min(created_at) FROM audit_log_unpartitioned), now()) AT TIME ZONE 'UTC'),
         greatest(date_trunc('month', (SELECT max(created_at) FROM audit_log_unpartitioned) AT TIME ZONE 'UTC'),
                  date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months'),
         interval '1 month') m;

INSERT INTO audit_log (id, store_id, actor, actor_role, action, entity_type, entity_id, before, after, request_id,
                       created_at, client_address)
SELECT id, store_id, actor, actor_role, action, entity_type, entity_id, before, after, request_id, created_at,
       client_address
  FROM audit_log_unpartitioned;
DROP TABLE audit_log_unpartitioned;

-- GET /api/v1/audit (src/services/catalog/audit_repository.cpp): newest first, (created_at, id)
-- descending, and each filter an equality on the columns in front of that order, so a page
-- walks its index from the cursor and stops at the page: one index per scope (all stores for
-- admins, one store) and leading filter. An entity's id is unique in every store, so its index
-- serves both scopes. A partition holds its month's rows only, and a range on created_at
-- (since, until, the cursor) skips whole partitions.
ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey PRIMARY KEY (store_id, created_at, id);  -- one store
CREATE INDEX audit_log_created ON audit_log (created_at, id);                              -- all stores
CREATE INDEX audit_log_entity ON audit_log (entity_id, created_at, id);
CREATE INDEX audit_log_actor ON audit_log (actor, created_at, id);
CREATE INDEX audit_log_store_actor ON audit_log (store_id, actor, created_at, id);
CREATE INDEX audit_log_action ON audit_log (action, created_at, id);
CREATE INDEX audit_log_store_action ON audit_log (store_id, action, created_at, id);

ANALYZE audit_log;
