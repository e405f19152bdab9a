-- Catalog schema: stores, categories, products, images, audit log.
--
-- Ids are UUIDv7 made by the service (ids::uuid_v7), so rows are time-ordered without a
-- sequence and cannot be guessed. Every catalog row carries store_id (tenant and shard key).
-- The CHECK constraints repeat the service's validation as a second line of defence: a bug in
-- the C++ validators, or a hand-written UPDATE, still cannot store a negative price or a
-- status the API does not know.

-- Trigram indexes back the `q` search (pg_trgm is a trusted extension since PostgreSQL 13).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE stores (
  id          uuid PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 64),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The well-known default store: requests without X-Store-ID (and tokens without a store) use
-- it, so its id is fixed rather than generated. Kept in step with kDefaultStoreId in
-- src/services/catalog/store_scope.hpp.
INSERT INTO stores (id, slug, name) VALUES ('00000000-0000-7000-8000-000000000001', 'default', 'Default store');

CREATE TABLE categories (
  id          uuid PRIMARY KEY,
  store_id    uuid NOT NULL REFERENCES stores (id),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 120),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  version     integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);

-- Slugs are unique among a store's live categories; a deleted one frees its slug.
CREATE UNIQUE INDEX categories_store_slug_live ON categories (store_id, slug) WHERE deleted_at IS NULL;
-- GET /api/v1/categories orders by name.
CREATE INDEX categories_store_name_live ON categories (store_id, name, id) WHERE deleted_at IS NULL;

CREATE TABLE products (
  id          uuid PRIMARY KEY,
  store_id    uuid NOT NULL REFERENCES stores (id),
  category_id uuid REFERENCES categories (id),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  slug        text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND char_length(slug) <= 120),
  sku         text NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$' AND char_length(sku) <= 64),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
  -- Money in integer minor units with its ISO 4217 code: never a float.
  price_cents bigint NOT NULL CHECK (price_cents BETWEEN 0 AND 100000000000),
  currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  stock       integer NOT NULL DEFAULT 0 CHECK (stock >= 0),
  attributes  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  version     integer NOT NULL DEFAULT 1 CHECK (version >= 1)
);

CREATE TABLE product_images (
  id          uuid PRIMARY KEY,
  product_id  uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  url         text NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
  alt_text    text NOT NULL DEFAULT '' CHECK (char_length(alt_text) <= 300),
  position    integer NOT NULL CHECK (position >= 0),
  UNIQUE (product_id, position)  -- also the index a page's image lookup walks
);

-- One row per write, committed in the same transaction as the write it describes.
CREATE TABLE audit_log (
  id          uuid PRIMARY KEY,
  store_id    uuid NOT NULL,
  actor       text NOT NULL,          -- the token's subject (user id)
  actor_role  text NOT NULL,
  action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),  -- product.update, category.delete …
  entity_type text NOT NULL,
  entity_id   uuid NOT NULL,
  before      jsonb,                  -- NULL for a create
  after       jsonb,
  request_id  text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity ON audit_log (entity_id, created_at);

-- Live product counts per (store, category, status), maintained by statement-level triggers in
-- the writing transaction, so `total_items` of every list without `q` is exact and costs a few
-- index lookups instead of a COUNT(*) over the table. Products without a category count under
-- the nil uuid. Statement-level triggers with transition tables make a COPY of a million rows
-- one aggregate upsert instead of a million row triggers.
CREATE TABLE product_counts (
  store_id     uuid NOT NULL,
  category_key uuid NOT NULL,
  status       text NOT NULL,
  live         bigint NOT NULL,
  PRIMARY KEY (store_id, category_key, status)
);

CREATE FUNCTION product_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One upsert of the net change per key, in key order so concurrent writers lock counter rows
  -- in the same order (no deadlock). HAVING drops keys whose count did not change, so an update
  -- of price or stock touches no counter row at all.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO product_counts AS c (store_id, category_key, status, live)
    SELECT store_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000'), status, count(*)
      FROM new_rows WHERE deleted_at IS NULL
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (store_id, category_key, status) DO UPDATE SET live = c.live + EXCLUDED.live;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO product_counts AS c (store_id, category_key, status, live)
    SELECT store_id, category_key, status, sum(delta) FROM (
      SELECT store_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000') AS category_key, status, -1 AS delta
        FROM old_rows WHERE deleted_at IS NULL
      UNION ALL
      SELECT store_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000'), status, 1
        FROM new_rows WHERE deleted_at IS NULL) d
     GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (store_id, category_key, status) DO UPDATE SET live = c.live + EXCLUDED.live;
  ELSE
    INSERT INTO product_counts AS c (store_id, category_key, status, live)
    SELECT store_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000'), status, -count(*)
      FROM old_rows WHERE deleted_at IS NULL
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (store_id, category_key, status) DO UPDATE SET live = c.live + EXCLUDED.live;
  END IF;
  RETURN NULL;
END
$$;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per event.
CREATE TRIGGER product_counts_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER product_counts_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
CREATE TRIGGER product_counts_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION product_counts_apply();
