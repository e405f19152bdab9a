# ./mercato import FILE [--mapping auto|mercato|shopify|medusa] [--dry-run] [--test]
# Imports a CSV file of products into the stack's catalog through its gateway, as a client of
# the API would (docs/importing.md): uploads it in 1 MiB parts (POST /api/v1/imports, PUT
# …/parts/N), finishes it (the dry run: its counts are printed, and its error report saved as
# FILE.errors.csv when it found bad rows), then, unless --dry-run, runs the import and follows
# its progress to the end. Who imports: MERCATO_TOKEN, an editor's or admin's access token
# (POST /api/v1/auth/login); which store: MERCATO_STORE_ID when set (an admin's X-Store-ID),
# else the token's. Each part is one request of the gateway's rate limit.

cmd_import() {
  local stack=dev file='' mapping=auto dry=0 url id n part summary state dir
  while (($#)); do
    case $1 in
      --test) stack='test' ;;
      --mapping) mapping=${2:-}; shift ;;
      --dry-run) dry=1 ;;
      -*) usage_error "unknown option: $1" ;;
      *) [[ -z $file ]] || usage_error "one file at a time"; file=$1 ;;
    esac
    shift
  done
  [[ -n $file ]] || usage_error "import: which file?"
  [[ -r $file ]] || die "cannot read $file"
  [[ -n ${MERCATO_TOKEN:-} ]] || die "import: set MERCATO_TOKEN to an editor's or admin's access token"
  command -v jq > /dev/null || die "import needs jq"
  stack_use "$stack"
  url=$(service_url gateway)/api/v1/imports
  local -a h=(-H "Authorization: Bearer $MERCATO_TOKEN")
  [[ -n ${MERCATO_STORE_ID:-} ]] && h+=(-H "X-Store-ID: $MERCATO_STORE_ID")
  _import_call() {  # curl with the headers; prints the answer, fails with its error message
    local out
    out=$(curl -sS --max-time 120 "${h[@]}" "$@") || return 1
    if [[ $(jq -r .success <<< "$out" 2> /dev/null) != true ]]; then
      warn "$(jq -r '.error.message + ([.error.details[]? | " " + .field + ": " + .message] | join(";"))' <<< "$out" 2> /dev/null || printf '%s' "$out")"
      return 1
    fi
    printf '%s' "$out"
  }
  id=$(_import_call -H 'Content-Type: application/json' \
    --data "$(jq -cn --arg f "$(basename "$file")" --arg m "$mapping" '{filename: $f, mapping: $m}')" "$url" |
    jq -r .data.id) || die "import: the import could not be created"
  dir=$(mktemp -d) || die "cannot make a temporary directory"
  split -b 1048576 -d -a 6 "$file" "$dir/part." || die "cannot split $file"
  n=0
  for part in "$dir"/part.*; do
    n=$((n + 1))
    _import_call -H 'Content-Type: text/csv' -X PUT --data-binary "@$part" "$url/$id/parts/$n" > /dev/null ||
      { rm -rf "$dir"; die "import $id: part $n was refused (send it again to resume: parts/$n)"; }
    printf '\r==> %s: part %d sent' "$file" "$n"
  done
  printf '\n'
  rm -rf "$dir"
  summary=$(_import_call -X POST "$url/$id/finish") || die "import $id: the finish was refused"
  step "import $id: $(jq -r '.data | "\(.rows) rows: \(.valid) valid (\(.creates) new, \(.updates) updates), \(.errors) with errors"' <<< "$summary")"
  if (($(jq -r .data.errors <<< "$summary") > 0)); then
    curl -sS --max-time 120 "${h[@]}" -o "$file.errors.csv" "$url/$id/errors.csv" && step "errors: $file.errors.csv"
  fi
  ((dry)) && return 0
  _import_call -X POST "$url/$id/run" > /dev/null || die "import $id: the run was refused"
  state=importing
  while [[ $state == importing ]]; do
    sleep 0.5
    summary=$(_import_call "$url/$id") || die "import $id: its state could not be read"
    state=$(jq -r .data.state <<< "$summary")
    printf '\r==> import %s: %s of %s' "$id" "$(jq -r .data.done <<< "$summary")" "$(jq -r .data.valid <<< "$summary")"
  done
  printf '\n'
  [[ $state == succeeded ]] || die "import $id: $state"
  step "import $id: succeeded"
}
