# Loads every driver function. ./mercato and bench/_lib.sh (for the bench cases) source this with REPO set.
# shellcheck source-path=SCRIPTDIR/..
for _f in "$REPO"/scripts/lib/common.sh "$REPO"/scripts/*.sh; do
  # shellcheck disable=SC1090
  source "$_f"
done
unset _f
