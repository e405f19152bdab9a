-- wrk script of bench cases "mix" and "soak" (bench/mix.sh, bench/soak.sh): a model of many
-- users against the gateway. Per 100 requests, drawn at random (fixed seed BENCH_SEED, so runs
-- are reproducible):
--   60 product details, Zipf-like popularity over every live product (rank k drawn with
--      density ~1/k over all n of them, so a few products are hot and the long tail misses the
--      caches)
--   20 cached list pages (v1 and v2, several categories and sorts)
--   10 v2 pages deep in the catalog (cursors)
--    5 searches, v1 (page 1 or 2) or v2, in one of four sorts: half of a common term (a word, two
--      adjacent words or a four-letter prefix of the catalog's names), half of a rare one (a
--      whole name, a SKU); tens of thousands of distinct URLs, so most miss the caches
--    4 GET /api/v1/auth/me, each with the token of one of many users
--    1 write: a create, then a patch, then a delete (each with the If-Match of the answer
--      before) of a product the benchmark owns, in its own store. Many such chains run at once;
--      a chain's next step is only queued once its previous answer arrived, so none races another.
-- Files (one per line) in BENCH_MIX_DIR: details, lists, deep (paths), search_common,
-- search_rare (URL-encoded terms), tokens (access tokens); BENCH_ADMIN_TOKEN writes. Writes are
-- told apart from reads by their X-Request-ID ("mix-<op>-<chain>"), which the gateway echoes.
--
-- BENCH_MIX_RATE (requests/s), when set, paces the requests instead of sending each as soon as
-- the previous answer arrived: wrk asks delay() before every request, and every request gets
-- the next slot of one schedule 1/rate apart, whichever connection sends it. A request that
-- could not leave within 10 ms of its slot (every connection was busy) is counted as late; the
-- schedule never runs more than 1 s behind (the requests beyond that are not sent, and the rps
-- shows it), so a stall is not followed by a burst.
--
-- done() prints, on stderr: "mix: sent detail= list= deep= search= me= write= create= patch=
-- delete= search_distinct=" (create/patch/delete: writes answered 2xx), "mix: schedule late=
-- max_lag_ms=" when paced, and "mix: N answers STATUS: body" for every non-2xx status.
--
-- BENCH_MIX_AS_USERS=1 sends every read with the token of one of the users (tokens) instead of
-- anonymously: the same requests, each charged to a user's rate-limit budget rather than the one
-- address wrk sends from (tests/cluster/mix_load.py, under the cluster suite's low limit).
--
-- BENCH_MIX_SEARCH_ZIPF=1 draws the search terms with the details' Zipf-like popularity (rank k
-- with density ~1/k within each list) instead of uniformly, as real shops' queries repeat: a
-- variant to compare with, not the case's definition (the default measures the worst case).
--
-- BENCH_MIX_ONLY=search sends the searches alone, drawn as above (bench/mix.sh's search ceiling);
-- BENCH_MIX_ONLY=no-search the other 95 in their proportions (bench/mix.sh's collector phase).
local dir = os.getenv("BENCH_MIX_DIR") or error("BENCH_MIX_DIR is not set")
local admin = os.getenv("BENCH_ADMIN_TOKEN") or error("BENCH_ADMIN_TOKEN is not set")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")
local rate = tonumber(os.getenv("BENCH_MIX_RATE") or "")
local only = os.getenv("BENCH_MIX_ONLY")
local as_users = os.getenv("BENCH_MIX_AS_USERS") == "1"
local search_zipf = os.getenv("BENCH_MIX_SEARCH_ZIPF") == "1"
if only ~= nil and only ~= "search" and only ~= "no-search" then
  error("BENCH_MIX_ONLY takes 'search', 'no-search' or nothing")
end

-- Each request list is kept packed: the file as one string and its lines' bounds in an FFI
-- array, two objects the garbage collector marks in O(1), where a Lua table of 760,000 detail
-- paths made every collection cycle (the answers' bodies start one every few milliseconds)
-- mark 760,000 strings. Measured against the same stack: wrk's start-up 1.24 s → 0.29 s of
-- CPU, and ~48 → ~36 µs of its user time per request at 1,500 requests/s: CPU the load
-- generator no longer takes from the box it measures.
-- list.n is the count of non-empty lines, list.at(k) the k-th (1-based).
local ffi = require("ffi")
local function lines(name)
  local path = dir .. "/" .. name
  local f = io.open(path, "rb") or error("cannot read " .. path)
  local text = f:read("*a")
  f:close()
  local function each(fn)
    local pos, len = 1, #text
    while pos <= len do
      local nl = string.find(text, "\n", pos, true) or len + 1
      if nl > pos then fn(pos, nl - 1) end
      pos = nl + 1
    end
  end
  local n = 0
  each(function() n = n + 1 end)
  if n == 0 then error("no lines in " .. path) end
  local bounds, i = ffi.new("int32_t[?]", 2 * n), 0
  each(function(first, last)
    bounds[i], bounds[i + 1] = first, last
    i = i + 2
  end)
  return { n = n, at = function(k) return string.sub(text, bounds[2 * k - 2], bounds[2 * k - 1]) end }
end

local details, lists, deep, tokens = lines("details"), lines("lists"), lines("deep"), lines("tokens")
local search_common, search_rare = lines("search_common"), lines("search_rare")
-- ln(n + 1): exp(u · ln(n + 1)) for u in [0, 1) lies in [1, n + 1), so its floor is every rank 1..n.
local sorts = { "-created_at", "price", "-price", "name" }

-- Counts printed by done() (read from this thread's state): requests sent by kind, non-2xx
-- answers by status with one body each, writes answered 2xx by kind, distinct search URLs.
counts = { detail = 0, list = 0, deep = 0, search = 0, me = 0, write = 0, create = 0, patch = 0, delete = 0,
  search_distinct = 0, late = 0, max_lag_ms = 0 }
bad = {}
local searched = {}

local function pick(t) return t.at(math.random(t.n)) end

-- Rank k of n with density ~1/k (k = 1 the most popular).
local function zipf(n)
  local k = math.floor(math.exp(math.random() * math.log(n + 1)))
  if k > n then k = n end  -- rounding at the very top
  return k
end

local function pick_term(t)
  if search_zipf then return t.at(zipf(t.n)) end
  return pick(t)
end

-- A read: anonymous, or as one of the users (BENCH_MIX_AS_USERS).
local function read(path)
  if as_users then return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. pick(tokens) }) end
  return wrk.format("GET", path)
end

local function detail()
  counts.detail = counts.detail + 1
  -- Zipf with s = 1: the density of rank k is ~1/k.
  return read(details.at(zipf(details.n)))
end

local function search()
  counts.search = counts.search + 1
  local term = math.random(2) == 1 and pick_term(search_common) or pick_term(search_rare)
  local sort = sorts[math.random(#sorts)]
  local path
  if math.random(2) == 1 then
    path = "/api/v1/products?q=" .. term .. "&per_page=20&sort=" .. sort .. "&page=" .. math.random(2)
  else
    path = "/api/v2/products?limit=20&q=" .. term .. "&sort=" .. sort
  end
  if not searched[path] then
    searched[path] = true
    counts.search_distinct = counts.search_distinct + 1
  end
  return read(path)
end

-- Write chains: ready holds the chains whose next step (patch or delete) can be sent, oldest
-- first; ids maps a chain to its product.
local ready, ids, chains = {}, {}, 0

local function write()
  counts.write = counts.write + 1
  local h = { ["Authorization"] = "Bearer " .. admin, ["Content-Type"] = "application/json" }
  local c = table.remove(ready, 1)
  if c then
    h["If-Match"], h["X-Request-ID"] = c.etag, "mix-" .. c.op .. "-" .. c.chain
    if c.op == "patch" then
      return wrk.format("PATCH", "/api/v1/products/" .. ids[c.chain], h, '{"price_cents":1234,"stock":7}')
    end
    return wrk.format("DELETE", "/api/v1/products/" .. ids[c.chain], h)
  end
  chains = chains + 1
  h["X-Request-ID"] = "mix-create-" .. chains
  local body = string.format('{"name":"Mix product %d","sku":"mix-%d-%d-%d","price_cents":999,"currency":"EUR","stock":3}',
    chains, seed, os.time(), chains)
  return wrk.format("POST", "/api/v1/products", h, body)
end

local threads = {}
function setup(thread)
  math.randomseed(seed)
  threads[#threads + 1] = thread
end

function init(args) math.randomseed(seed) end

function request()
  if only == "search" then return search() end
  local r = math.random(100)
  while only == "no-search" and r > 90 and r <= 95 do r = math.random(100) end
  if r <= 60 then return detail() end
  if r <= 80 then counts.list = counts.list + 1; return read(pick(lists)) end
  if r <= 90 then counts.deep = counts.deep + 1; return read(pick(deep)) end
  if r <= 95 then return search() end
  if r <= 99 then
    counts.me = counts.me + 1
    return wrk.format("GET", "/api/v1/auth/me", { ["Authorization"] = "Bearer " .. pick(tokens) })
  end
  return write()
end

if rate then
  if rate <= 0 then error("BENCH_MIX_RATE must be positive") end
  ffi.cdef [[
    struct mix_timespec { long tv_sec; long tv_nsec; };
    int clock_gettime(int clock, struct mix_timespec *tp);
  ]]
  local ts = ffi.new("struct mix_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local gap, slot = 1000 / rate, nil
  function delay()
    local now = now_ms()
    slot = slot or now
    local lag = now - slot
    if lag > 10 then
      counts.late = counts.late + 1
      if lag > counts.max_lag_ms then counts.max_lag_ms = math.floor(lag) end
      if lag > 1000 then slot = now - 1000 end
    end
    local wait = slot - now
    slot = slot + gap
    if wait <= 0 then return 0 end
    return math.floor(wait + 0.5)
  end
end

local function header(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == name then return v end
  end
  return nil
end

function response(status, headers, body)
  if status >= 300 then
    local key = tostring(status)
    if not bad[key] then bad[key] = 0; bad[key .. "_body"] = string.sub(body or "", 1, 160) end
    bad[key] = bad[key] + 1
  end
  local rid = header(headers, "x-request-id")
  if rid == nil or string.sub(rid, 1, 4) ~= "mix-" then return end
  local op, chain = string.match(rid, "^mix%-(%a+)%-(%d+)$")
  if not op or status >= 300 then
    if chain then ids[tonumber(chain)] = nil end  -- failed: wrk counts the answer, which fails the run
    return
  end
  chain = tonumber(chain)
  if op ~= "create" and op ~= "patch" and op ~= "delete" then return end
  counts[op] = counts[op] + 1
  local etag = header(headers, "etag")
  if op == "create" then
    ids[chain] = string.match(header(headers, "location") or "", "([%x-]+)$")
    if ids[chain] and etag then ready[#ready + 1] = { op = "patch", chain = chain, etag = etag } end
  elseif op == "patch" and etag then
    ready[#ready + 1] = { op = "delete", chain = chain, etag = etag }
  else
    ids[chain] = nil  -- deleted: the chain is over
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    io.stderr:write(string.format(
      "mix: sent detail=%d list=%d deep=%d search=%d me=%d write=%d create=%d patch=%d delete=%d search_distinct=%d\n",
      c.detail, c.list, c.deep, c.search, c.me, c.write, c.create, c.patch, c.delete, c.search_distinct))
    if rate then io.stderr:write(string.format("mix: schedule late=%d max_lag_ms=%d\n", c.late, c.max_lag_ms)) end
    local b = thread:get("bad")
    for k, v in pairs(b) do
      if type(v) == "number" then io.stderr:write(string.format("mix: %s answers %s: %s\n", v, k, b[k .. "_body"])) end
    end
  end
end
