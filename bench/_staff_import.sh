# shellcheck shell=bash
# The CSV import benchmark of the "staff at scale" issue (sourced by the staff case; never run on
# its own: `./mercato bench` skips bench/_*.sh). Goal: 100,000 products imported from CSV in
# under 20 s on this 2-core box, the catalog's memory bounded.
#
#   staff_import GATEWAY_URL TOKEN STORE CATALOG_PID [ROWS] [PREFIX]
#
# Against a running stack: writes a ROWS-row (100,000) native CSV (the export's columns, unique
# SKUs PREFIX-1 … PREFIX-ROWS, one image each; row i is "Imported product i", price 100 + i % 9000,
# stock i % 500: staff_import_expected checks a product against it) into $WORK (or a temporary directory), uploads it through the
# gateway in 1 MiB parts with curl (POST /api/v1/imports, PUT …/parts/N, POST …/finish: the dry
# run), runs it (POST …/run) and polls the import until it succeeded. TOKEN: an editor's or
# admin's of STORE. The catalog's peak RSS is reset first (/proc/PID/clear_refs) so VmHWM is the
# import's peak. Prints
#
#   BENCH staff-import rows= seconds_upload= seconds_import= seconds_total= catalog_peak_rss_kb=
#     parts= valid= errors=
#
# seconds_upload: the create, every part and the finish (the parts are parsed, checked and
# staged as they arrive, so this includes all of the validation); seconds_import: from the run
# to the job's end (upserts, images, audit rows, invalidations). Returns 1 when the import did
# not succeed or a request failed.

staff_import() {
  local url=$1 token=$2 store=$3 pid=$4 rows=${5:-100000} prefix=${6:-IMP$(date +%s)}
  local dir=${WORK:-$(mktemp -d)}/staff-import part n id state t0 t1 t2 summary valid errors
  local -a auth=(-H "Authorization: Bearer $token" -H "X-Store-ID: $store")
  rm -rf "$dir" && mkdir -p "$dir" || return 1
  # The export's columns; descriptions with a comma and a quote, so the parser's quoted path runs.
  awk -v n="$rows" -v p="$prefix" 'BEGIN {
    print "id,sku,name,slug,description,price_cents,currency,status,stock,category_id,attributes,images,updated_at"
    for (i = 1; i <= n; i++)
      printf ",%s-%d,Imported product %d,,\"A product, \"\"number\"\" %d\",%d,EUR,active,%d,,\"{\"\"n\"\": %d}\",https://img.example/%s/%d.jpg,\n",
        p, i, i, i, 100 + i % 9000, i % 500, i, p, i
  }' > "$dir/products.csv" || return 1
  split -b 1048576 -d -a 4 "$dir/products.csv" "$dir/part." || return 1
  [[ -r /proc/$pid/clear_refs ]] && echo 5 > "/proc/$pid/clear_refs" 2> /dev/null

  t0=$(date +%s.%N)
  id=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' --data '{"filename":"bench.csv","mapping":"mercato"}' \
    "$url/api/v1/imports" | jq -er .data.id) || { echo "staff_import: create failed" >&2; return 1; }
  n=0
  for part in "$dir"/part.*; do
    n=$((n + 1))
    curl -fsS -o /dev/null "${auth[@]}" -H 'Content-Type: text/csv' -X PUT --data-binary "@$part" \
      "$url/api/v1/imports/$id/parts/$n" || { echo "staff_import: part $n failed" >&2; return 1; }
  done
  summary=$(curl -fsS "${auth[@]}" -X POST "$url/api/v1/imports/$id/finish") || { echo "staff_import: finish failed" >&2; return 1; }
  valid=$(jq -r .data.valid <<< "$summary")
  errors=$(jq -r .data.errors <<< "$summary")
  t1=$(date +%s.%N)
  curl -fsS -o /dev/null "${auth[@]}" -X POST "$url/api/v1/imports/$id/run" || { echo "staff_import: run failed" >&2; return 1; }
  state=importing
  while [[ $state == importing ]]; do
    sleep 0.1
    state=$(curl -fsS "${auth[@]}" "$url/api/v1/imports/$id" | jq -r .data.state) || return 1
  done
  t2=$(date +%s.%N)
  local hwm
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2> /dev/null)
  printf 'BENCH staff-import rows=%s seconds_upload=%.2f seconds_import=%.2f seconds_total=%.2f catalog_peak_rss_kb=%s parts=%s valid=%s errors=%s\n' \
    "$rows" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$(echo "$t2 - $t0" | bc)" "${hwm:-?}" "$n" "$valid" "$errors"
  [[ $state == succeeded && $valid == "$rows" ]]
}

# Reads product JSON documents (one a line, GET /api/v1/products/{id} answers) and prints how many
# differ from the row of the file staff_import wrote with PREFIX (name, price, stock), and how
# many were read: "stale read".
staff_import_expected() {
  local prefix=$1
  jq -r --arg p "$prefix-" '.data // {} | [.sku // "", .name // "", .price_cents // -1, .stock // -1] | @tsv' |
    awk -F'\t' -v p="$prefix-" '{
      n++
      i = substr($1, length(p) + 1) + 0
      if (index($1, p) != 1 || $2 != "Imported product " i || $3 != 100 + i % 9000 || $4 != i % 500) stale++
    } END { printf "%d %d\n", stale, n }'
}
