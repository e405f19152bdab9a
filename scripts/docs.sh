# ./mercato docs regenerates what the repository generates from its code: README.md's
# configuration table, from every module's config declarations (mercato-config-table). The ctest
# readme_config_table fails while the README differs, so run this after adding or changing a
# variable, and commit the result.

cmd_docs() {
  (($#)) && usage_error "docs takes no arguments"
  local log="$VAR_ROOT/docs/build.log"
  build_preset release "$log" mercato-config-table || die "$FAILED_WHY (log: $(rel "$log"))"
  "$REPO/build/release/bin/mercato-config-table" --write "$REPO/README.md" || die "README.md was not updated"
  say "README.md: configuration table regenerated from the declarations"
}
