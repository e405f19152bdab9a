-- wrk script of bench case "mix" (bench/mix.sh): a model of many users against the gateway.
-- Per 100 requests, drawn at random (fixed seed BENCH_SEED, so runs are reproducible):
--   60 product details, Zipf-like popularity over every product (rank k drawn with density
--      ~1/k, so a few products are hot and the long tail misses the caches)
--   20 cached list pages (v1 and v2, several categories and sorts)
--   10 v2 pages deep in the catalog (cursors)
--    5 searches (v1, common and rare terms)
--    4 GET /api/v1/auth/me, each with the token of one of many users
--    1 write: a create, then a patch, then a delete (each with If-Match) of a product the
--      benchmark owns, in its own store; one write in flight at a time, so none races another
--      (a write due while one is in flight becomes a detail: at many connections writes fall
--      somewhat below 1 %; done() prints how many of each ran).
-- Files (one per line) in BENCH_MIX_DIR: details, lists, deep, searches (paths), tokens (access
-- tokens); BENCH_ADMIN_TOKEN writes. Writes are told apart from reads by their X-Request-ID,
-- which the gateway echoes.
local dir = os.getenv("BENCH_MIX_DIR") or error("BENCH_MIX_DIR is not set")
local admin = os.getenv("BENCH_ADMIN_TOKEN") or error("BENCH_ADMIN_TOKEN is not set")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")

local function lines(name)
  local t = {}
  for line in io.lines(dir .. "/" .. name) do
    if line ~= "" then t[#t + 1] = line end
  end
  if #t == 0 then error("no lines in " .. dir .. "/" .. name) end
  return t
end

local details, lists, deep, searches, tokens = lines("details"), lines("lists"), lines("deep"), lines("searches"),
  lines("tokens")
local log_details = math.log(#details)
local writes, write_in_flight, pending = 0, false, nil

local function pick(t) return t[math.random(#t)] end

local function detail()
  -- exp(u · ln n) for uniform u: ranks 1..n with density ~1/k (Zipf, s = 1).
  local k = math.floor(math.exp(math.random() * log_details))
  return wrk.format("GET", details[k])
end

local function write()
  if write_in_flight then return detail() end
  write_in_flight = true
  local h = { ["Authorization"] = "Bearer " .. admin, ["Content-Type"] = "application/json" }
  if pending and pending.op == "patch" then
    h["If-Match"], h["X-Request-ID"] = pending.etag, "mix-patch"
    return wrk.format("PATCH", "/api/v1/products/" .. pending.id, h, '{"price_cents":1234,"stock":7}')
  elseif pending and pending.op == "delete" then
    h["If-Match"], h["X-Request-ID"] = pending.etag, "mix-delete"
    return wrk.format("DELETE", "/api/v1/products/" .. pending.id, h)
  end
  writes = writes + 1
  h["X-Request-ID"] = "mix-create"
  local body = string.format('{"name":"Mix product %d","sku":"mix-%d-%d-%d","price_cents":999,"currency":"EUR","stock":3}', writes,
    seed, os.time(), writes)
  return wrk.format("POST", "/api/v1/products", h, body)
end

local threads = {}
function setup(thread)
  math.randomseed(seed)
  threads[#threads + 1] = thread
end

function init(args) math.randomseed(seed) end

function request()
  local r = math.random(100)
  if r <= 60 then return detail() end
  if r <= 80 then return wrk.format("GET", pick(lists)) end
  if r <= 90 then return wrk.format("GET", pick(deep)) end
  if r <= 95 then return wrk.format("GET", pick(searches)) end
  if r <= 99 then return wrk.format("GET", "/api/v1/auth/me", { ["Authorization"] = "Bearer " .. pick(tokens) }) end
  return write()
end

local function header(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == name then return v end
  end
  return nil
end

-- Non-2xx answers by status, with the path-free start of one body each, printed by done():
-- the step fails on any, and this says which.
bad = {}
function response(status, headers, body)
  if status >= 300 then
    local key = tostring(status)
    if not bad[key] then bad[key] = 0; bad[key .. "_body"] = string.sub(body or "", 1, 160) end
    bad[key] = bad[key] + 1
  end
  local rid = header(headers, "x-request-id")
  if rid == nil or string.sub(rid, 1, 4) ~= "mix-" then return end
  write_in_flight = false
  if status < 300 then bad[rid] = (bad[rid] or 0) + 1 end  -- writes done, by kind (printed by done())
  if rid == "mix-create" and status == 201 then
    local location = header(headers, "location") or ""
    pending = { op = "patch", id = string.match(location, "([%x-]+)$"), etag = header(headers, "etag") }
    if not pending.id or not pending.etag then pending = nil end
  elseif rid == "mix-patch" and status == 200 and pending then
    pending = { op = "delete", id = pending.id, etag = header(headers, "etag") }
    if not pending.etag then pending = nil end
  else
    pending = nil  -- deleted, or failed (wrk counts the non-2xx answer, which fails the step)
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local b = thread:get("bad")
    for k, v in pairs(b) do
      if type(v) == "number" and string.sub(k, 1, 4) == "mix-" then
        io.stderr:write(string.format("mix: %s writes %s\n", v, string.sub(k, 5)))
      elseif type(v) == "number" then
        io.stderr:write(string.format("mix: %s answers %s: %s\n", v, k, b[k .. "_body"]))
      end
    end
  end
end
