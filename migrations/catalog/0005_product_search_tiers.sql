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
-- Cost on an existing table: the index is built in ~2 s at 1M products (writes to products
-- wait meanwhile). For a larger catalog, build it by hand first with CREATE INDEX
-- CONCURRENTLY; IF NOT EXISTS then skips it here (docs/architecture.md).
CREATE OR REPLACE FUNCTION product_search_tsquery(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN regexp_replace(websearch_to_tsquery('simple'::regconfig, q)::text,
                        '(''(?:[^'']|'''')*'')([^'']*)$', '\1:*\2')::tsquery;

CREATE INDEX IF NOT EXISTS products_live_sku_prefix ON products (store_id, (lower(sku)) COLLATE "C")
  WHERE deleted_at IS NULL;
