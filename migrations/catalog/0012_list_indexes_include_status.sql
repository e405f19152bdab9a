-- mercato:no-transaction
-- The six list indexes carry the product's status (INCLUDE), so a list of active products reads
-- the index alone.
--
-- Public reads list active products only (drafts are private), with `status = 'active'` beside
-- the store and the order (the *_status statements of products_repository.cpp). The indexes of
-- 0002 hold no status: each entry the scan walks, including every row an OFFSET skips, cost a
-- visit to the table to read it. At 1,000,000 products a public page 2,000 deep (OFFSET 39,980)
-- took 24.8 ms in an index scan against 6.9 ms in an index-only scan of the same index with
-- the status included (EXPLAIN ANALYZE, bench/results.md), and the v1-page2000 bench fell from
-- 638 to 219 req/s once public lists filtered by status. Staff lists (every status) use the
-- same indexes as before: the included column is not part of the order.
--
-- Each index is built anew beside the old one and takes its name, CONCURRENTLY (writes go on
-- while it builds), so the statements that name their index keep naming it. A run stopped
-- midway is safe to run again: an unfinished build is dropped and redone (migrations.cpp), and
-- each step is IF [NOT] EXISTS.

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_created_next ON products (store_id, created_at, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_created;
ALTER INDEX products_live_created_next RENAME TO products_live_created;

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_price_next ON products (store_id, price_cents, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_price;
ALTER INDEX products_live_price_next RENAME TO products_live_price;

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_name_next ON products (store_id, name, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_name;
ALTER INDEX products_live_name_next RENAME TO products_live_name;

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_category_created_next ON products (store_id, category_id, created_at, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_category_created;
ALTER INDEX products_live_category_created_next RENAME TO products_live_category_created;

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_category_price_next ON products (store_id, category_id, price_cents, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_category_price;
ALTER INDEX products_live_category_price_next RENAME TO products_live_category_price;

CREATE INDEX CONCURRENTLY IF NOT EXISTS products_live_category_name_next ON products (store_id, category_id, name, id) INCLUDE (status) WHERE deleted_at IS NULL;
DROP INDEX CONCURRENTLY IF EXISTS products_live_category_name;
ALTER INDEX products_live_category_name_next RENAME TO products_live_category_name;
