-- A search's estimate (product_search_estimate, 0005) without the SKU range when that range is
-- empty: a term no SKU can begin with (a space, or any character validate.cpp refuses in a
-- SKU) gets the range ['', ''), which matches nothing, but which the planner still estimated at
-- its 0.5 % default for a range. Every such term was then estimated at 0.5 % of the list or
-- more, so a multi-word term whose words are all common walked the sort's index for 2,000 rows,
-- gave up and collected: "modern oak chair", 283 matches at 1M products, was estimated at
-- 4,257. In the mix benchmark that was nearly every rare term (whole product names), on every
-- search. Now such a term is estimated by its words alone, as PostgreSQL multiplies their
-- frequencies.
--
-- What the floor did for phrases, whose words PostgreSQL takes as independent and so
-- estimates low ("coffee table": ~500 for 19,000 matches), the catalog now learns: the first
-- search collects and counts, and the count is kept as the term's estimate for the next ones
-- (products_repository.cpp, learn_count; search_plan.hpp).
CREATE OR REPLACE FUNCTION product_search_estimate(store uuid, category uuid, status text, q tsquery,
                                                   sku_lo text, sku_hi text) RETURNS double precision
  LANGUAGE plpgsql VOLATILE AS $$  -- VOLATILE: PostgreSQL allows EXPLAIN in no other function
DECLARE
  plan json;
  sku text := '';
BEGIN
  IF sku_lo < sku_hi THEN
    sku := format(' OR (lower(sku) COLLATE "C" >= %L AND lower(sku) COLLATE "C" < %L)', sku_lo, sku_hi);
  END IF;
  -- A NULL category or status writes `NULL IS NULL OR …`, which the planner folds away.
  EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM products WHERE store_id = %L AND deleted_at IS NULL'
                 ' AND (%L::uuid IS NULL OR category_id = %L::uuid) AND (%L::text IS NULL OR status = %L::text)'
                 ' AND (search_tsv @@ %L::tsquery%s)',
                 store, category, category, status, status, q, sku) INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
END
$$;
