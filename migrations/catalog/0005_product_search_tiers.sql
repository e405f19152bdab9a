-- Search that costs what a page costs (issue #15), in two pieces the repository's search
-- statements use (products_repository.cpp, "Search"):
--
-- 1. product_search_tsquery(q): the web-search query of 0004 with its last word as a prefix
--    ('coffee ta' → 'coffee' & 'ta':*), so a word being typed ("chai", "port") is found by the
--    tsvector's GIN index instead of a trigram scan of every name holding the letters.
--    websearch_to_tsquery never raises a syntax error and writes each lexeme quoted, with a
--    quote inside doubled; the regular expression adds `:*` after the last quoted lexeme, and
--    the result is always a valid tsquery (an empty one for a term without words). IMMUTABLE,
--    so PostgreSQL folds it to a constant when it plans a statement with the term's value: the
--    search's row estimate (EXPLAIN) comes from the tsvector's statistics.
--
-- 2. products_live_sku_prefix: a store's SKUs by lower case, in byte order ("C"), so a SKU or
--    its beginning ("AB12-0", any case) is a range of one B-tree, as a prepared statement with
--    parameters: `lower(sku) COLLATE "C" >= $lo AND lower(sku) COLLATE "C" < $hi`. Before, a
--    whole SKU was a trigram search whose trigrams ("ab1", "b12", "12-") every SKU of the run
--    shares: 10–30 ms of posting lists for one row at 1M products.
--
-- 3. product_search_estimate(…): PostgreSQL's row estimate for the words tier of a search in a
--    list (store, optional category and status), read from the plan of the statement with the
--    values written in (EXPLAIN, never run), so that the planner sees the term: its lexemes
--    against the tsvector's most common elements, the SKU range against the index's histogram.
--    In SQL, so that a search's probe is one statement; the values go through format('%L').
--
-- Cost on an existing table: the index is built in ~2 s at 1M products (writes to products
-- wait meanwhile). For a larger catalog, build it by hand first with CREATE INDEX
-- CONCURRENTLY; IF NOT EXISTS then skips it here (docs/architecture.md).
CREATE OR REPLACE FUNCTION product_search_tsquery(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN regexp_replace(websearch_to_tsquery('simple'::regconfig, q)::text,
                        '(''(?:[^'']|'''')*'')([^'']*)$', '\1:*\2')::tsquery;

CREATE INDEX IF NOT EXISTS products_live_sku_prefix ON products (store_id, (lower(sku)) COLLATE "C")
  WHERE deleted_at IS NULL;

CREATE OR REPLACE FUNCTION product_search_estimate(store uuid, category uuid, status text, q tsquery,
                                                   sku_lo text, sku_hi text) RETURNS double precision
  LANGUAGE plpgsql VOLATILE AS $$  -- VOLATILE: PostgreSQL allows EXPLAIN in no other function
DECLARE
  plan json;
BEGIN
  -- A NULL category or status writes `NULL IS NULL OR …`, which the planner folds away.
  EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM products WHERE store_id = %L AND deleted_at IS NULL'
                 ' AND (%L::uuid IS NULL OR category_id = %L::uuid) AND (%L::text IS NULL OR status = %L::text)'
                 ' AND (search_tsv @@ %L::tsquery OR (lower(sku) COLLATE "C" >= %L AND lower(sku) COLLATE "C" < %L))',
                 store, category, category, status, status, q, sku_lo, sku_hi) INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;

-- 4. The search GIN indexes without a pending list. With fastupdate on (PostgreSQL's default),
--    writes append new entries to a pending list that every search then reads linearly until
--    vacuum merges it, up to gin_pending_list_limit (4 MB): after a write benchmark at 1M
--    products it held 27 and 243 pages, and a one-SKU search took 0.86 ms instead of 0.17. A
--    catalog is read far more than written, so each write pays its index entries at once.
ALTER INDEX products_live_fts SET (fastupdate = off);
ALTER INDEX products_live_search SET (fastupdate = off);
SELECT gin_clean_pending_list('products_live_fts'), gin_clean_pending_list('products_live_search');
