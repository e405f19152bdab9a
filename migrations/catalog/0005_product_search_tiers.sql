-- Search that costs what a page costs (issue #15), in two pieces the repository's search
-- statements use (products_repository.cpp, "Search"):
--
-- 1. product_search_tsquery(q): the web-search query of 0004 (websearch_to_tsquery never raises
--    a syntax error and writes each lexeme quoted, a quote inside doubled), with two changes:
--    - The last word is a prefix ('coffee tab' → 'coffee' & 'tab':*), so a word being typed
--      ("chai", "port") is found by the tsvector's GIN index instead of a trigram scan of every
--      name holding the letters — unless it has under 3 characters ("Mk 4" as a prefix merged
--      every lexeme beginning with "4": 19 ms at 1M products instead of 6) or is itself one of
--      the tsvector's most common elements (pg_stats): "tea" stays the word tea, where 'tea':*
--      merged the posting lists of tea, teal and teak into a bitmap (100–140 ms at 1M for
--      "compact tea"), and a complete common word is what the shopper typed.
--    - A hyphenated word is its compound lexeme alone: websearch_to_tsquery makes "heavy-duty"
--      the phrase 'heavy-duty' <-> 'heavy' <-> 'duty', which matches exactly the rows holding
--      'heavy-duty' (the parser always writes the parts right after the compound), but which
--      PostgreSQL estimates as rare (3,825 rows at 1M for 27,000 matches) and the GIN index can
--      only check on the heap, row by row.
--    STABLE (it reads pg_stats); the probe evaluates it once per search.
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
  LANGUAGE sql STABLE PARALLEL SAFE STRICT AS $f$
  WITH w AS (
    SELECT regexp_replace(websearch_to_tsquery('simple'::regconfig, q)::text,
                          '''([^'' ]+)-([^'' ]+)'' <-> ''\1'' <-> ''\2''', '''\1-\2''', 'g') AS t),
  l AS (SELECT t, replace((regexp_match(t, '''((?:[^'']|''''){3,})''[^'']*$'))[1], '''''', '''') AS last FROM w)
  SELECT (CASE WHEN last IS NULL OR EXISTS (
                 SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'products'
                    AND s.attname = 'search_tsv' AND last = ANY (s.most_common_elems::text::text[]))
               THEN t ELSE regexp_replace(t, '(''(?:[^'']|''''){3,}'')([^'']*)$', '\1:*\2') END)::tsquery
    FROM l
$f$;

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
