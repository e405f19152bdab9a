-- wrk script: each request takes the next path from the file named by BENCH_PATHS (one path
-- per line, e.g. "/api/v1/products/<id>"), cycling. With more distinct paths than connections,
-- no two requests in flight ask for the same thing (so nothing can be coalesced). With
-- BENCH_TOKEN set, every request carries "Authorization: Bearer $BENCH_TOKEN".
local file = os.getenv("BENCH_PATHS") or error("BENCH_PATHS is not set")
local paths = {}
for line in io.lines(file) do
  if line ~= "" then paths[#paths + 1] = line end
end
if #paths == 0 then error("no paths in " .. file) end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
