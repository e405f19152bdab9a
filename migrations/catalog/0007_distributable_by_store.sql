-- Every catalog table distributable by store_id (docs/scaling.md#sharding-by-store-with-citus):
-- Citus can then shard categories, products, product_images, audit_log and product_counts by
-- store (create_distributed_table(t, 'store_id')) and replicate stores to every node
-- (create_reference_table). A store's rows then live together on one node, and every statement
-- of a request, which names its store, runs on that node alone.
--
-- Citus enforces a key or a unique index on a node only over the rows that node holds, so it
-- refuses one that does not include the distribution column, and a foreign key between two
-- distributed tables that does not pair their distribution columns at the same position. Hence:
--
-- - The primary keys of categories, products, product_images and audit_log become
--   (store_id, id). The ids stay unique by themselves (UUIDv7, made by the service); the key
--   only says so in a form a shard can check. product_counts' key already leads with store_id;
--   the live SKU and slug indexes (0001, 0002) too.
-- - products (store_id, category_id) REFERENCES categories (store_id, id): a product's category
--   is a category of the product's own store, which the service already checks
--   (hold_category) and the database now does too. A product without a category is not checked
--   (MATCH SIMPLE skips a key with a NULL), as before.
-- - product_images gets store_id, filled from its product's row, and
--   (store_id, product_id) REFERENCES products (store_id, id) ON DELETE CASCADE. Its unique
--   (product_id, position), the index a page's image lookup walks, becomes
--   (store_id, product_id, position); the lookup filters by store_id to keep walking it
--   (products_repository.cpp, kColumns).
-- - stores keeps its own key and UNIQUE (slug): a reference table is whole on every node.
--
-- Statements that looked a row up by id alone would no longer find a key that leads with it,
-- so every catalog statement names the store as well. The rules, and the statements the
-- catalog prepares, are checked by tests/integration/test_catalog_distributable.py.
--
-- Cost on an existing catalog: every statement below holds an ACCESS EXCLUSIVE lock on its
-- table until the migration commits (reads and writes of the catalog wait meanwhile), and the
-- UPDATE writes a new version of every image row. On 1M products, 1.5M images and 100k audit
-- rows (2 cores shared with another build) the file took 29 s: the UPDATE 14 s, product_images'
-- keys and foreign key 7.5 s, products' key 1.4 s, the rest under a second each. The old
-- versions of the image rows are dead afterwards: VACUUM product_images (outside a
-- transaction, so not here) returns their space, or autovacuum does in its time.

-- product_images first: its keys and its foreign key go before the UPDATE, so the UPDATE
-- maintains no index at all (the new keys are built once, afterwards), and products' key on
-- (id), which that foreign key depended on, can then be replaced.
ALTER TABLE product_images
  DROP CONSTRAINT product_images_product_id_fkey,
  DROP CONSTRAINT product_images_product_id_position_key,
  DROP CONSTRAINT product_images_pkey,
  ADD COLUMN store_id uuid;

-- One pass: a hash join of the images with their products (products_pkey on id still exists,
-- but every row is wanted, so the planner reads both tables once). Every image has its product
-- (the foreign key dropped above held until this transaction began), so none stays NULL.
UPDATE product_images i SET store_id = p.store_id FROM products p WHERE p.id = i.product_id;
ALTER TABLE product_images ALTER COLUMN store_id SET NOT NULL;

-- The keys that lead with store_id, in foreign-key order: a referenced key must exist before
-- the foreign key that points at it.
ALTER TABLE products DROP CONSTRAINT products_category_id_fkey;

ALTER TABLE categories DROP CONSTRAINT categories_pkey,
  ADD CONSTRAINT categories_pkey PRIMARY KEY (store_id, id);

ALTER TABLE products DROP CONSTRAINT products_pkey,
  ADD CONSTRAINT products_pkey PRIMARY KEY (store_id, id);
-- Validated here, one join of products with categories: a product whose category belongs to
-- another store (only a hand-written UPDATE could have made one) fails the migration, naming
-- this constraint, rather than stay a row no shard could check.
ALTER TABLE products ADD CONSTRAINT products_category_fkey
  FOREIGN KEY (store_id, category_id) REFERENCES categories (store_id, id);

ALTER TABLE product_images
  ADD CONSTRAINT product_images_pkey PRIMARY KEY (store_id, id),
  ADD CONSTRAINT product_images_store_product_position_key UNIQUE (store_id, product_id, position),
  ADD CONSTRAINT product_images_product_fkey
    FOREIGN KEY (store_id, product_id) REFERENCES products (store_id, id) ON DELETE CASCADE;

-- The audit trail is written in its write's transaction, on the write's shard.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey,
  ADD CONSTRAINT audit_log_pkey PRIMARY KEY (store_id, id);

-- Statistics for the new column (ANALYZE samples, so this is cheap at any size): the planner
-- otherwise guesses at product_images.store_id until autovacuum gets to the table.
ANALYZE product_images;
