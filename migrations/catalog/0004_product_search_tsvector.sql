-- Full-text search for `q` (issue #15): a tsvector of name (weight A) and description (B),
-- kept by PostgreSQL itself, and a GIN index over live rows, so a word search reads posting
-- lists instead of every match's text. The trigram index of 0002 stays: it serves substrings,
-- SKUs and (through `<%`) misspellings, which a tsvector cannot.
--
-- The 'simple' configuration: lower-cased words, no stemming and no stop words, the same for
-- every store and language. A generated column needs an immutable expression, so a
-- configuration per store would need a trigger and the store's configuration in every query;
-- 'simple' keeps a query's words matching in any language, and stop-word-only queries
-- ("the", "and") still match rather than silently becoming empty.
--
-- Cost on an existing table: ADD COLUMN … STORED rewrites `products` under an ACCESS EXCLUSIVE
-- lock (reads and writes of products wait), and CREATE INDEX then blocks writes until it is
-- built. Migrations run in one transaction each (src/db/migrations.hpp), so CREATE INDEX
-- CONCURRENTLY is not possible here. On 1M products (2 cores shared with other work) the ALTER
-- took 43 s (it also rebuilds every index of products) and the index 2 s: an old instance still
-- serving waits that long for products. For a larger catalog, run the ALTER by hand in a
-- maintenance window and the index with CREATE INDEX CONCURRENTLY first; both say IF NOT EXISTS,
-- so the service then records this file without redoing them (docs/architecture.md).
ALTER TABLE products ADD COLUMN IF NOT EXISTS search_tsv tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, name), 'A') ||
  setweight(to_tsvector('simple'::regconfig, description), 'B')) STORED;

-- Every search statement has `deleted_at IS NULL`: a partial index skips deleted products.
CREATE INDEX IF NOT EXISTS products_live_fts ON products USING gin (search_tsv) WHERE deleted_at IS NULL;
