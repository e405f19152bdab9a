-- CSV imports of products (src/services/catalog/import_service.hpp, docs/importing.md).
--
-- An upload arrives as numbered parts (each one request body); every part's records are
-- parsed, mapped and checked on receipt and staged here, in one transaction with the import's
-- part counter and its unfinished tail (the bytes of a record, or of a Shopify/Medusa product's
-- rows, that the next part completes). Nothing of the file is ever held whole, in memory or
-- here: the tail is one record (at most 64 KiB) or one product's rows.
--
-- The import itself is a job (kind products.import) of the jobs table: it upserts the valid
-- staged rows by (store, sku) in chunks, each committed with the job's cursor (cursor_line:
-- the last staged line it covered), so a killed worker's successor resumes after it.
-- The worker deletes the staged rows of imports finished IMPORT_RETENTION ago.
--
-- Placement under Citus: local to the coordinator, like jobs (staging is keyed by import, and
-- no statement joins it with a sharded table except through the store's own rows).
CREATE TABLE imports (
  id          uuid PRIMARY KEY,
  store_id    uuid NOT NULL,
  owner       text NOT NULL,
  filename    text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
  mapping     text NOT NULL CHECK (mapping IN ('auto', 'mercato', 'shopify', 'medusa')),
  state       text NOT NULL DEFAULT 'receiving'
              CHECK (state IN ('receiving', 'validated', 'importing', 'succeeded', 'failed')),
  header      jsonb,                    -- the header row's columns (part 1), as in the file
  parts       integer NOT NULL DEFAULT 0,
  bytes       bigint NOT NULL DEFAULT 0,
  tail        bytea NOT NULL DEFAULT '', -- the unfinished record(s) the next part completes
  tail_line   bigint NOT NULL DEFAULT 2, -- the physical line the tail starts on
  skip_line   bigint,                    -- an over-long record being skipped (reported already)
  skip_state  smallint NOT NULL DEFAULT 0, -- where in it the splitter is (csv_reader.hpp CsvScan)
  rows        bigint NOT NULL DEFAULT 0, -- products read (a Shopify/Medusa product counts once)
  valid       bigint NOT NULL DEFAULT 0,
  errors      bigint NOT NULL DEFAULT 0, -- rows with at least one error
  creates     bigint,                    -- the dry run's counts (finish)
  updates     bigint,
  job_id      uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz                -- when its job ended (retention counts from here)
);
CREATE INDEX imports_finished ON imports (finished_at) WHERE finished_at IS NOT NULL;

-- One staged product per row: its checked create body (product_import's JSON), or NULL when
-- it has errors (import_errors). Keyed by the line its record starts on.
CREATE TABLE import_rows (
  import_id uuid NOT NULL,  -- imports (id); no foreign key: local tables take none under Citus
  line      bigint NOT NULL,
  sku       text,
  slug      text,
  product   jsonb,
  PRIMARY KEY (import_id, line)
);

-- Every problem of every row: the physical line, the CSV column (as in the file), the message.
-- seq orders a row's problems; the error report pages by (line, seq).
CREATE TABLE import_errors (
  import_id uuid NOT NULL,  -- imports (id); no foreign key: local tables take none under Citus
  line      bigint NOT NULL,
  seq       integer NOT NULL,
  field     text NOT NULL,
  message   text NOT NULL,
  PRIMARY KEY (import_id, line, seq)
);

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check,
  ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('products.bulk', 'products.import')),
  ADD COLUMN cursor_line bigint;  -- products.import: the last staged line a committed chunk covered
