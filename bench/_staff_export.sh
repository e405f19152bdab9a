# shellcheck shell=bash
# The staff export's measurement (sourced, never run: `./mercato bench` skips bench/_*.sh).
# Needs a running bench stack (gateway, catalog, identity) over the seeded catalog, as
# bench/_mix.sh's mix_prepare leaves it, and the driver's functions (svc_pid, service_url).
#
#   staff_export [BASE_URL] [TOKEN] [STORE] [QUERY]
#
# Downloads GET /api/v1/products/export?QUERY of STORE through the gateway at BASE_URL
# (default: the bench stack's gateway) as TOKEN (default $ADMIN_TOKEN: an admin sees every live
# product, drafts included) with curl, while polling the catalog's and the gateway's VmRSS every
# 50 ms, then prints one line:
#   BENCH staff-export rows= bytes= seconds= rows_per_s= catalog_peak_rss_kb= gateway_peak_rss_kb=
# rows excludes the header. Peak RSS is the highest VmRSS seen during the download (VmHWM
# would include whatever the process did before). Returns 1 when the download fails or is
# incomplete (curl checks the chunked framing: a body cut before its last chunk is an error).
# The goal (issue "Staff at scale"): 1,000,000 products in under 20 s, memory flat.

staff_export() {
  local base=${1:-$(service_url gateway)} token=${2:-${ADMIN_TOKEN:-}} store=${3:-${STORE:-00000000-0000-7000-8000-000000000001}}
  local query=${4:-}
  local out=${WORK:-/tmp}/staff-export.csv stats=${WORK:-/tmp}/staff-export.stats
  local cat_pid gw_pid sampler rc
  cat_pid=$(svc_pid catalog) || { echo "staff_export: no catalog pid" >&2; return 1; }
  gw_pid=$(svc_pid gateway) || { echo "staff_export: no gateway pid" >&2; return 1; }

  # The sampler: the highest VmRSS of each process while the download runs, written to $stats
  # on every round (so killing it at any moment leaves the peaks so far).
  (
    cat_peak=0 gw_peak=0
    while :; do
      c=$(awk '/^VmRSS:/ { print $2 }' "/proc/$cat_pid/status" 2> /dev/null) g=$(awk '/^VmRSS:/ { print $2 }' "/proc/$gw_pid/status" 2> /dev/null)
      ((${c:-0} > cat_peak)) && cat_peak=$c
      ((${g:-0} > gw_peak)) && gw_peak=$g
      echo "$cat_peak $gw_peak" > "$stats.tmp" && mv -f "$stats.tmp" "$stats"
      sleep 0.05
    done
  ) &
  sampler=$!

  local auth=()
  [[ -n $token ]] && auth=(-H "Authorization: Bearer $token")
  local timing
  timing=$(curl -sS --fail --no-progress-meter -o "$out" -H "X-Store-ID: $store" "${auth[@]}" \
    -w '%{http_code} %{size_download} %{time_total}' "$base/api/v1/products/export${query:+?$query}")
  rc=$?
  sleep 0.1  # one more round after the end
  kill -KILL "$sampler" 2> /dev/null
  wait "$sampler" 2> /dev/null
  if ((rc != 0)); then
    echo "staff_export: the download failed (curl exit $rc: $timing)" >&2
    return 1
  fi
  local code bytes seconds rows peaks
  read -r code bytes seconds <<< "$timing"
  [[ $code == 200 ]] || { echo "staff_export: HTTP $code" >&2; return 1; }
  # Records, not lines: a quoted description may hold a line break. The export's records end
  # with CRLF, and a line break inside a cell is its own byte sequence, so count CRLF outside
  # quotes: python's csv module does it exactly.
  rows=$(python3 -c 'import csv, sys; r = csv.reader(open(sys.argv[1], newline="", encoding="utf-8")); print(sum(1 for _ in r) - 1)' "$out")
  peaks=$(cat "$stats" 2> /dev/null || echo "0 0")
  awk -v rows="$rows" -v bytes="$bytes" -v s="$seconds" -v peaks="$peaks" 'BEGIN {
    split(peaks, p, " ")
    printf "BENCH staff-export rows=%d bytes=%d seconds=%.2f rows_per_s=%.0f catalog_peak_rss_kb=%d gateway_peak_rss_kb=%d\n",
      rows, bytes, s, (s > 0 ? rows / s : 0), p[1], p[2]
  }'
  rm -f "$out" "$stats"
}
