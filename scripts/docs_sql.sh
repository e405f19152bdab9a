# ./mercato docs sql — docs/sql/catalog.sql: every statement the catalog prepares, whole, by name
# and with the index it relies on (scripts/sql_listing.py writes it from `mercato-catalog sql`).
# tests/docs/test_sql_listing.py fails when the file is out of date.

docs_sql() {
  (($# == 0)) || usage_error "docs sql takes no arguments"
  local log=$VAR_ROOT/docs/build.log bin=$REPO/build/release/bin/mercato-catalog out=$REPO/docs/sql/catalog.sql
  build_preset release "$log" mercato-catalog || die "the build failed (log: $(rel "$log"))"
  mkdir -p "$(dirname "$out")"
  if ! python3 "$REPO/scripts/sql_listing.py" render "$bin" > "$out.tmp"; then
    rm -f "$out.tmp"
    die "could not list the catalog's statements"
  fi
  mv "$out.tmp" "$out" || die "cannot write $(rel "$out")"
  say "wrote $(rel "$out") ($(grep -c '^-- name: ' "$out") statements)"
}
