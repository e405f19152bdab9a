-- Every statement catalog prepares, whole, sorted by name. GENERATED: do not edit.
--
-- The service assembles them in src/services/catalog/*_repository.cpp; this file shows
-- each one as the database receives it, so `grep` finds the SQL behind a request. The
-- first line of each text names the index the statement relies on.
--
-- Regenerate after changing a statement: ./mercato docs sql
-- Checked by tests/docs/test_sql_listing.py (fails when this file is out of date).
-- 303 statements.

-- name: categories_page
-- index: categories_store_name_live
SELECT c.id, c.store_id, c.name, c.slug, c.description,
       (SELECT coalesce(sum(pc.live), 0) FROM product_counts pc WHERE pc.store_id = c.store_id AND pc.category_key = c.id AND (NOT $4::boolean OR pc.status = 'active')),
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       c.version, count(*) OVER () FROM categories c WHERE c.store_id = $1 AND c.deleted_at IS NULL ORDER BY c.name, c.id LIMIT $2 OFFSET $3;

-- name: category_by_id
-- index: categories_pkey
SELECT c.id, c.store_id, c.name, c.slug, c.description,
       (SELECT coalesce(sum(pc.live), 0) FROM product_counts pc WHERE pc.store_id = c.store_id AND pc.category_key = c.id AND (NOT $3::boolean OR pc.status = 'active')),
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       c.version FROM categories c WHERE c.id = $1 AND c.store_id = $2 AND c.deleted_at IS NULL;

-- name: product_by_id
-- index: products_pkey
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM products p LEFT JOIN LATERAL (SELECT c.name FROM categories c
                                     WHERE c.store_id = p.store_id AND c.id = p.category_id LIMIT 1) c ON true
 WHERE p.id = $1 AND p.store_id = $2 AND p.deleted_at IS NULL;

-- name: products_after_created_asc
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) > ($2::timestamptz, $3::uuid)
         ORDER BY created_at, id LIMIT $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (created_at, id) > ($6::timestamptz, $7::uuid)
         ORDER BY created_at, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) > ($6::timestamptz, $7::uuid)
         ORDER BY created_at, id LIMIT $8) walked WHERE m
         ORDER BY created_at, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true AND (created_at, id) > ($7::timestamptz, $8::uuid)
         ORDER BY created_at, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) walked WHERE m
         ORDER BY created_at, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) walked WHERE m
         ORDER BY created_at, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_cat_status_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) > ($7::timestamptz, $8::uuid)
         ORDER BY created_at, id LIMIT $9) walked WHERE m
         ORDER BY created_at, id LIMIT $10) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) walked WHERE m
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) walked WHERE m
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) > ($5::timestamptz, $6::uuid)
         ORDER BY created_at, id LIMIT $7) walked WHERE m
         ORDER BY created_at, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) > ($3::timestamptz, $4::uuid)
         ORDER BY created_at, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (created_at, id) > ($6::timestamptz, $7::uuid)
         ORDER BY created_at, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) > ($4::timestamptz, $5::uuid)
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_asc_status_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) > ($6::timestamptz, $7::uuid)
         ORDER BY created_at, id LIMIT $8) walked WHERE m
         ORDER BY created_at, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_after_created_desc
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) < ($2::timestamptz, $3::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (created_at, id) < ($6::timestamptz, $7::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (created_at, id) < ($6::timestamptz, $7::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $8) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true AND (created_at, id) < ($7::timestamptz, $8::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_cat_status_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (created_at, id) < ($7::timestamptz, $8::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $9) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $10) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (created_at, id) < ($5::timestamptz, $6::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) < ($3::timestamptz, $4::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (created_at, id) < ($6::timestamptz, $7::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) < ($4::timestamptz, $5::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_created_desc_status_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (created_at, id) < ($6::timestamptz, $7::uuid)
         ORDER BY created_at DESC, id DESC LIMIT $8) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_after_name_asc
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name, id) > ($2::text, $3::uuid)
         ORDER BY name, id LIMIT $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (name, id) > ($6::text, $7::uuid)
         ORDER BY name, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q_fuzzy_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q_sub_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_q_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name, id) > ($6::text, $7::uuid)
         ORDER BY name, id LIMIT $8) walked WHERE m
         ORDER BY name, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true AND (name, id) > ($7::text, $8::uuid)
         ORDER BY name, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) walked WHERE m
         ORDER BY name, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q_sub_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) walked WHERE m
         ORDER BY name, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_cat_status_q_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name, id) > ($7::text, $8::uuid)
         ORDER BY name, id LIMIT $9) walked WHERE m
         ORDER BY name, id LIMIT $10) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q_fuzzy_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) walked WHERE m
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q_sub_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) walked WHERE m
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_q_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name, id) > ($5::text, $6::uuid)
         ORDER BY name, id LIMIT $7) walked WHERE m
         ORDER BY name, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name, id) > ($3::text, $4::uuid)
         ORDER BY name, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (name, id) > ($6::text, $7::uuid)
         ORDER BY name, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q_fuzzy_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q_sub_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name, id) > ($4::text, $5::uuid)
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_name_asc_status_q_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name, id) > ($6::text, $7::uuid)
         ORDER BY name, id LIMIT $8) walked WHERE m
         ORDER BY name, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_after_price_asc
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) > ($2::bigint, $3::uuid)
         ORDER BY price_cents, id LIMIT $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (price_cents, id) > ($6::bigint, $7::uuid)
         ORDER BY price_cents, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) > ($6::bigint, $7::uuid)
         ORDER BY price_cents, id LIMIT $8) walked WHERE m
         ORDER BY price_cents, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true AND (price_cents, id) > ($7::bigint, $8::uuid)
         ORDER BY price_cents, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) walked WHERE m
         ORDER BY price_cents, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) walked WHERE m
         ORDER BY price_cents, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_cat_status_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) > ($7::bigint, $8::uuid)
         ORDER BY price_cents, id LIMIT $9) walked WHERE m
         ORDER BY price_cents, id LIMIT $10) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) walked WHERE m
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) walked WHERE m
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) > ($5::bigint, $6::uuid)
         ORDER BY price_cents, id LIMIT $7) walked WHERE m
         ORDER BY price_cents, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) > ($3::bigint, $4::uuid)
         ORDER BY price_cents, id LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (price_cents, id) > ($6::bigint, $7::uuid)
         ORDER BY price_cents, id LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) > ($4::bigint, $5::uuid)
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_asc_status_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) > ($6::bigint, $7::uuid)
         ORDER BY price_cents, id LIMIT $8) walked WHERE m
         ORDER BY price_cents, id LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_after_price_desc
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) < ($2::bigint, $3::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (price_cents, id) < ($6::bigint, $7::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (price_cents, id) < ($6::bigint, $7::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $8) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true AND (price_cents, id) < ($7::bigint, $8::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_cat_status_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (price_cents, id) < ($7::bigint, $8::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $9) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $10) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (price_cents, id) < ($5::bigint, $6::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) < ($3::bigint, $4::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true AND (price_cents, id) < ($6::bigint, $7::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) < ($4::bigint, $5::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_after_price_desc_status_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (price_cents, id) < ($6::bigint, $7::uuid)
         ORDER BY price_cents DESC, id DESC LIMIT $8) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_count
-- index: product_counts_pkey
SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1;

-- name: products_count_cat
-- index: product_counts_pkey
SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND category_key = $2;

-- name: products_count_cat_q
-- index: products_live_fts and products_live_sku_prefix; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_cat_q_fuzzy
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_cat_q_sub
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_cat_status
-- index: product_counts_pkey
SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND category_key = $2 AND status = $3;

-- name: products_count_cat_status_q
-- index: products_live_fts and products_live_sku_prefix; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_cat_status_q_fuzzy
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_cat_status_q_sub
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_q
-- index: products_live_fts and products_live_sku_prefix; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_q_fuzzy
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_q_sub
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_status
-- index: product_counts_pkey
SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND status = $2;

-- name: products_count_status_q
-- index: products_live_fts and products_live_sku_prefix; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_status_q_fuzzy
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches LIMIT 1001) m;

-- name: products_count_status_q_sub
-- index: products_live_search; stops after the cap
SELECT count(*) FROM (SELECT 1 FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches LIMIT 1001) m;

-- name: products_page_created_asc
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT $2 OFFSET $3) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at, id LIMIT $4) walked WHERE m
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at, id LIMIT $4) walked WHERE m
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at, id LIMIT $5) walked WHERE m
         ORDER BY created_at, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at, id LIMIT $5) walked WHERE m
         ORDER BY created_at, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_cat_status_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at, id LIMIT $7) walked WHERE m
         ORDER BY created_at, id LIMIT $8 OFFSET $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT $3) walked WHERE m
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT $3) walked WHERE m
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT $5) walked WHERE m
         ORDER BY created_at, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at, id LIMIT $4) walked WHERE m
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY created_at, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at, id LIMIT $4) walked WHERE m
         ORDER BY created_at, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_asc_status_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at, id LIMIT $6) walked WHERE m
         ORDER BY created_at, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at, p.id;

-- name: products_page_created_desc
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q_fuzzy_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q_sub_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_cat_status_q_walk
-- index: products_live_category_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY created_at DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $8 OFFSET $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT $3) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT $3) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q_fuzzy_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, created_at, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q_sub_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_created_desc_status_q_walk
-- index: products_live_created
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, created_at, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY created_at DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.created_at DESC, p.id DESC;

-- name: products_page_name_asc
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY name, id LIMIT $2 OFFSET $3) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY name, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q_fuzzy_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY name, id LIMIT $4) walked WHERE m
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q_sub_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY name, id LIMIT $4) walked WHERE m
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_q_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY name, id LIMIT $5) walked WHERE m
         ORDER BY name, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q_sub_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY name, id LIMIT $5) walked WHERE m
         ORDER BY name, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_cat_status_q_walk
-- index: products_live_category_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY name, id LIMIT $7) walked WHERE m
         ORDER BY name, id LIMIT $8 OFFSET $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q_fuzzy_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY name, id LIMIT $3) walked WHERE m
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q_sub_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY name, id LIMIT $3) walked WHERE m
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_q_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY name, id LIMIT $5) walked WHERE m
         ORDER BY name, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY name, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q_fuzzy_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY name, id LIMIT $4) walked WHERE m
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, name, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY name, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q_sub_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY name, id LIMIT $4) walked WHERE m
         ORDER BY name, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_name_asc_status_q_walk
-- index: products_live_name
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, name, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY name, id LIMIT $6) walked WHERE m
         ORDER BY name, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.name, p.id;

-- name: products_page_price_asc
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents, id LIMIT $2 OFFSET $3) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents, id LIMIT $4) walked WHERE m
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents, id LIMIT $4) walked WHERE m
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents, id LIMIT $5) walked WHERE m
         ORDER BY price_cents, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents, id LIMIT $5) walked WHERE m
         ORDER BY price_cents, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_cat_status_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents, id LIMIT $7) walked WHERE m
         ORDER BY price_cents, id LIMIT $8 OFFSET $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents, id LIMIT $3) walked WHERE m
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents, id LIMIT $3) walked WHERE m
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents, id LIMIT $5) walked WHERE m
         ORDER BY price_cents, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents, id LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents, id LIMIT $4) walked WHERE m
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY price_cents, id LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents, id LIMIT $4) walked WHERE m
         ORDER BY price_cents, id LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_asc_status_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents, id LIMIT $6) walked WHERE m
         ORDER BY price_cents, id LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents, p.id;

-- name: products_page_price_desc
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents DESC, id DESC LIMIT $2 OFFSET $3) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (search_tsv @@ $4::tsquery OR (lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND $4 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q_fuzzy_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $4 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3 AND (name || ' ' || sku) ILIKE $4 OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q_sub_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $4 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_cat_status_q_walk
-- index: products_live_category_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $4::tsquery OR ($5 <> '' AND lower(sku) COLLATE "C" >= $5 AND lower(sku) COLLATE "C" < $6)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND category_id = $2 AND status = $3
         ORDER BY price_cents DESC, id DESC LIMIT $7) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $8 OFFSET $9) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (search_tsv @@ $2::tsquery OR (lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND $2 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $2 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents DESC, id DESC LIMIT $3) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND (name || ' ' || sku) ILIKE $2 OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $2 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents DESC, id DESC LIMIT $3) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $2::tsquery OR ($3 <> '' AND lower(sku) COLLATE "C" >= $3 AND lower(sku) COLLATE "C" < $4)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL
         ORDER BY price_cents DESC, id DESC LIMIT $5) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents DESC, id DESC LIMIT $3 OFFSET $4) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q
-- index: products_live_fts and products_live_sku_prefix
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (search_tsv @@ $3::tsquery OR (lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $6 OFFSET $7) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q_fuzzy
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND $3 <% (name || ' ' || sku) OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q_fuzzy_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, $3 <% (name || ' ' || sku) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q_sub
-- index: products_live_search
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version, page.matched
  FROM (SELECT id, matched FROM (SELECT id, matched FROM (SELECT id, price_cents, count(*) OVER () AS matched FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2 AND (name || ' ' || sku) ILIKE $3 OFFSET 0) matches WHERE true
         ORDER BY price_cents DESC, id DESC LIMIT $4 OFFSET $5) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q_sub_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (name || ' ' || sku) ILIKE $3 AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents DESC, id DESC LIMIT $4) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $5 OFFSET $6) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_page_price_desc_status_q_walk
-- index: products_live_price
SELECT p.id, p.store_id, p.category_id, c.name, p.name, p.slug, p.sku, p.description,
       p.price_cents, p.currency, p.status, p.stock, p.attributes,
       (SELECT coalesce(json_agg(json_build_object('id', i.id, 'url', i.url, 'alt_text', i.alt_text,
                                                   'position', i.position) ORDER BY i.position), '[]')
          FROM product_images i WHERE i.store_id = p.store_id AND i.product_id = p.id),
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(p.deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       p.version
  FROM (SELECT id FROM (SELECT id FROM (SELECT id, price_cents, (search_tsv @@ $3::tsquery OR ($4 <> '' AND lower(sku) COLLATE "C" >= $4 AND lower(sku) COLLATE "C" < $5)) AS m FROM products WHERE store_id = $1 AND deleted_at IS NULL AND status = $2
         ORDER BY price_cents DESC, id DESC LIMIT $6) walked WHERE m
         ORDER BY price_cents DESC, id DESC LIMIT $7 OFFSET $8) ids LIMIT 101) page
  JOIN products p ON p.store_id = $1 AND p.id = page.id LEFT JOIN categories c ON c.store_id = p.store_id AND c.id = p.category_id
 ORDER BY p.price_cents DESC, p.id DESC;

-- name: products_q_probe
-- index: product_counts_pkey (and pg_stats: one row)
SELECT q::text, common, CASE WHEN common THEN product_search_estimate($1, NULL, NULL, q, $3, $4) END,
       (SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1)
  FROM product_search_tsquery($2) q,
       LATERAL (SELECT CASE WHEN querytree(q) = 'T' THEN true ELSE coalesce(
         (SELECT array_to_tsvector(most_common_elems::text::text[]) @@
                 regexp_replace(querytree(q), '<(-|[0-9]+)>', '&', 'g')::tsquery
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'products'
             AND attname = 'search_tsv'), false) END) k(common);

-- name: products_q_probe_cat
-- index: product_counts_pkey (and pg_stats: one row)
SELECT q::text, common, CASE WHEN common THEN product_search_estimate($1, $2, NULL, q, $4, $5) END,
       (SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND category_key = $2)
  FROM product_search_tsquery($3) q,
       LATERAL (SELECT CASE WHEN querytree(q) = 'T' THEN true ELSE coalesce(
         (SELECT array_to_tsvector(most_common_elems::text::text[]) @@
                 regexp_replace(querytree(q), '<(-|[0-9]+)>', '&', 'g')::tsquery
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'products'
             AND attname = 'search_tsv'), false) END) k(common);

-- name: products_q_probe_cat_status
-- index: product_counts_pkey (and pg_stats: one row)
SELECT q::text, common, CASE WHEN common THEN product_search_estimate($1, $2, $3, q, $5, $6) END,
       (SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND category_key = $2 AND status = $3)
  FROM product_search_tsquery($4) q,
       LATERAL (SELECT CASE WHEN querytree(q) = 'T' THEN true ELSE coalesce(
         (SELECT array_to_tsvector(most_common_elems::text::text[]) @@
                 regexp_replace(querytree(q), '<(-|[0-9]+)>', '&', 'g')::tsquery
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'products'
             AND attname = 'search_tsv'), false) END) k(common);

-- name: products_q_probe_status
-- index: product_counts_pkey (and pg_stats: one row)
SELECT q::text, common, CASE WHEN common THEN product_search_estimate($1, NULL, $2, q, $4, $5) END,
       (SELECT coalesce(sum(live), 0)::bigint FROM product_counts WHERE store_id = $1 AND status = $2)
  FROM product_search_tsquery($3) q,
       LATERAL (SELECT CASE WHEN querytree(q) = 'T' THEN true ELSE coalesce(
         (SELECT array_to_tsvector(most_common_elems::text::text[]) @@
                 regexp_replace(querytree(q), '<(-|[0-9]+)>', '&', 'g')::tsquery
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'products'
             AND attname = 'search_tsv'), false) END) k(common);
