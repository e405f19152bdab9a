-- Background jobs (src/services/catalog/jobs.hpp): a bulk product write selected by a filter
-- ("all 48,211 matching") runs here instead of in its request. Any catalog instance claims a
-- job with FOR UPDATE SKIP LOCKED, works it in chunks by keyset over product id, and commits
-- each chunk's writes together with the job's cursor and progress, so a job whose worker died
-- resumes after the last committed chunk (never redoing or skipping one) on whichever instance
-- claims it once its heartbeat is older than JOBS_HEARTBEAT_TIMEOUT.
--
-- Placement under Citus (tests/integration/test_catalog_distributable.py): local to the
-- coordinator. Workers claim across stores, which a table distributed by store would turn into
-- a query of every shard, and no statement joins jobs with a catalog table.
CREATE TABLE jobs (
  id           uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('products.bulk')),
  store_id     uuid NOT NULL,
  owner        text NOT NULL,          -- the token's subject of who asked
  state        text NOT NULL DEFAULT 'queued'
               CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  done         bigint NOT NULL DEFAULT 0 CHECK (done >= 0),    -- items processed (succeeded or not)
  total        bigint CHECK (total >= 0),                       -- NULL until the first claim counts them
  errors       bigint NOT NULL DEFAULT 0 CHECK (errors >= 0),  -- items that failed
  params       jsonb NOT NULL,         -- the action, its arguments, the filter, who asked (for the audit rows)
  result       jsonb,                  -- {"errors": [first items that failed]}
  error        text,                   -- why the job itself failed
  cursor_id    uuid,                   -- the last product id a committed chunk covered
  upper_id     uuid,                   -- the greatest matching id when the job was counted: later products are not its
  attempts     integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  heartbeat_at timestamptz,
  locked_by    text,                   -- the claiming process; a chunk commits only while it still holds the job
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);

-- What a worker's claim walks: the jobs still to do, oldest first.
CREATE INDEX jobs_open ON jobs (created_at) WHERE state IN ('queued', 'running');
