-- product_search_tsquery (0005) in PL/pgSQL, the same statements. A SQL function that PostgreSQL
-- cannot inline (this one reads pg_stats, a view of five joins) is planned again on every
-- execution of the statement that calls it: 0.8 of the probe's 1.1 ms at 1M products.
-- PL/pgSQL keeps its statements' plans for the session, and the catalog's sessions live long.
CREATE OR REPLACE FUNCTION product_search_tsquery(q text) RETURNS tsquery
  LANGUAGE plpgsql STABLE PARALLEL SAFE STRICT AS $f$
DECLARE
  t text;     -- the web-search query, a hyphenated word as its compound lexeme
  last text;  -- its last lexeme of 3 characters or more, unquoted
BEGIN
  t := regexp_replace(websearch_to_tsquery('simple'::regconfig, q)::text,
                      '''([^'' ]+)-([^'' ]+)'' <-> ''\1'' <-> ''\2''', '''\1-\2''', 'g');
  last := replace((regexp_match(t, '''((?:[^'']|''''){3,})''[^'']*$'))[1], '''''', '''');
  IF last IS NULL OR EXISTS (
       SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'products'
          AND s.attname = 'search_tsv' AND last = ANY (s.most_common_elems::text::text[])) THEN
    RETURN t::tsquery;
  END IF;
  RETURN regexp_replace(t, '(''(?:[^'']|''''){3,}'')([^'']*)$', '\1:*\2')::tsquery;
END
$f$;
