-- Product indexes, one per query shape the repository runs (products_repository.cpp names the
-- index each statement uses; tests/integration/test_catalog_explain.py proves it with EXPLAIN
-- at 100k rows).
--
-- Every list reads live rows of one store in one order, so each ordering gets a partial index
-- `WHERE deleted_at IS NULL` on (store_id, <sort key>, id): equality on store_id, then the rows
-- already in page order, with id as the tie-breaker that makes the order total. One index
-- serves both directions (a backward scan), v1's OFFSET pages (walk and skip) and v2's keyset
-- pages (seek to (key, id) > ($key, $id), then read `limit` entries).
--
-- The brief's indexes are deliberately absent: (deleted_at, created_at) does not serve its own
-- query — `WHERE deleted_at IS NULL ORDER BY created_at DESC` has no store equality and the
-- NULL test on the leading column leaves PostgreSQL reading every live row and sorting — and
-- (category_id, deleted_at) cannot order a page, so a category page would still sort all the
-- category's rows. The per-category indexes below replace both.

CREATE INDEX products_live_created ON products (store_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_live_price ON products (store_id, price_cents, id) WHERE deleted_at IS NULL;
CREATE INDEX products_live_name ON products (store_id, name, id) WHERE deleted_at IS NULL;

-- Category pages, and the "category still holds live products" check of a category delete.
CREATE INDEX products_live_category_created ON products (store_id, category_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_live_category_price ON products (store_id, category_id, price_cents, id) WHERE deleted_at IS NULL;
CREATE INDEX products_live_category_name ON products (store_id, category_id, name, id) WHERE deleted_at IS NULL;

-- `q`: substring match on name and SKU through trigrams, so `%shirt%` and a partial SKU both
-- use an index. The expression is repeated verbatim in the repository's search statements.
CREATE INDEX products_live_search ON products USING gin ((name || ' ' || sku) gin_trgm_ops) WHERE deleted_at IS NULL;

-- SKU and slug are unique among a store's live products; a soft-deleted product frees them (and
-- restoring it fails with 409 if another product took them meanwhile).
CREATE UNIQUE INDEX products_store_sku_live ON products (store_id, sku) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX products_store_slug_live ON products (store_id, slug) WHERE deleted_at IS NULL;
