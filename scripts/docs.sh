# ./mercato docs [WHAT] regenerates what the repository generates from its code; without WHAT,
# all of it. Each WHAT is a function docs_<what> (this file's, or one in a scripts/docs_*.sh
# of its own), so documents are added without touching the dispatcher:
#   config  README.md's configuration table, from every module's config declarations
#           (mercato-config-table). The ctest readme_config_table fails while the README
#           differs, so run this after adding or changing a variable, and commit the result.
#   sql     docs/sql/catalog.sql (scripts/docs_sql.sh).

cmd_docs() {
  local what available
  available=$(declare -F | awk '$3 ~ /^docs_[a-z0-9_]+$/ { sub(/^docs_/, "", $3); printf "%s ", $3 }')
  if (($# == 0)); then
    for what in $available; do "docs_$what" || return 1; done
    return 0
  fi
  what=$1
  shift
  declare -F "docs_$what" > /dev/null || usage_error "docs: unknown document '$what' (${available% })"
  "docs_$what" "$@"
}

docs_config() {
  (($#)) && usage_error "docs config takes no arguments"
  local log="$VAR_ROOT/docs/build.log"
  build_preset release "$log" mercato-config-table || die "$FAILED_WHY (log: $(rel "$log"))"
  "$REPO/build/release/bin/mercato-config-table" --write "$REPO/README.md" || die "README.md was not updated"
  say "README.md: configuration table regenerated from the declarations"
}
