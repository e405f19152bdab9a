-- wrk script: every request carries "Authorization: Bearer $BENCH_TOKEN".
local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
wrk.headers["Authorization"] = "Bearer " .. token
