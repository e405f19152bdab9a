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
-- search_rare (URL-encoded terms), tokens (access tokens); BENCH_ADMIN_TOKEN writes. A write's
-- answer is found by its X-Request-ID ("mix-<n>-<op>-<chain>"), which the gateway echoes.
--
-- BENCH_MIX_RATE (requests/s), when set, paces the requests instead of sending each as soon as
-- the previous answer arrived (open arrivals, as independent users send them): wrk asks delay()
-- before every request, and the schedule gives out slots 1/rate apart; each request leaves with
-- the earliest slot not yet taken, whichever connection is free first. A request that could not
-- leave within 10 ms of its slot (every connection was busy) is counted as late; the schedule
-- never runs more than 1 s behind (the slots beyond that are dropped, counted, and the rps shows
-- it), so a stall is not followed by a burst.
--
-- Latency, measured here and not taken from wrk: wrk 4.1.0 "corrects" its latencies for
-- coordinated omission (stats_correct: every latency over twice the mean interval of a
-- connection adds synthetic samples below it), so in this mix its p99 was mostly samples no
-- request had (36-56 ms printed, 13-15 ms on the wire, docs/capacity.md), while its clock
-- starts only when a free connection sends, which hides the wait of a paced request for one.
-- So each request carries its number in X-Request-ID ("mix-<n>", writes "mix-<n>-<op>-<chain>"),
-- which the gateway echoes, and its answer's latency is counted from its slot when paced (the
-- moment an independent user would have sent it), from its sending otherwise: once per answer,
-- nothing synthetic. The histogram's buckets are 10 us wide under 1 ms, 2 % wide above; a
-- percentile is its bucket's upper bound. Answers without the echo (none, unless something
-- rewrites the header) are counted as untimed.
--
-- done() prints, on stderr: "mix: sent detail= list= deep= search= me= write= create= patch=
-- delete= search_distinct=" (create/patch/delete: writes answered 2xx), "mix: schedule late=
-- max_lag_ms= dropped=" when paced, "mix: latency timed= untimed= p50_ms= p90_ms= p99_ms=
-- p999_ms= max_ms= from=slot|send", "mix: latency-by-kind detail_p50_ms= detail_p99_ms= …" (each
-- kind sent), "mix: N answers STATUS: body" for every non-2xx status, and "mix: lua
-- compiler=off" (each thread's, see jit.off() below).
--
-- BENCH_MIX_AS_USERS=1 sends every read with the token of one of the users (tokens) instead of
-- anonymously: the same requests, each charged to a user's rate-limit budget rather than the one
-- address wrk sends from (tests/cluster/mix_load.py, under the cluster suite's low limit).
--
-- BENCH_MIX_SLOW_MS=N prints (stderr, at most 200) every answer slower than N ms as "mix: slow
-- ms= kind= status= id= at_s= path=": its X-Request-ID (which the services' logs and spans
-- carry), and when it came back, in seconds since the run began, to line up with other clocks.
--
-- BENCH_MIX_SEARCH_ZIPF=1 draws the search terms with the details' Zipf-like popularity (rank k
-- with density ~1/k within each list) instead of uniformly, as real shops' queries repeat: a
-- variant to compare with, not the case's definition (the default measures the worst case).
--
-- BENCH_MIX_ONLY=search sends the searches alone, drawn as above (bench/mix.sh's search ceiling);
-- BENCH_MIX_ONLY=no-search the other 95 in their proportions (bench/mix.sh's collector phase).
-- Interpreted, never compiled. With LuaJIT's compiler on, Debian 12's LuaJIT (2.1.0-beta3, a
-- 2022-03 snapshot) now and then lost one of this script's table keys during a run: at the end
-- the key of timing.max_us read back as freed memory (other bytes each time), so done() found no
-- max_us and wrk panicked ("attempt to compare number with nil"). 3 of 40 two-second runs of
-- tests/driver/test_mix_lua.py's held-answers case failed so, and 3-11 of 60 with any one of
-- the compiler's optimisations (sink, fwd, dse, fold, abc) off; with the compiler off, 0 of
-- 300. Its cost, measured against nginx at 8,000 requests/s: ~4 us more of wrk's CPU per
-- request (38-40 us instead of 33-36). done() says which ran ("mix: lua compiler=off").
jit.off()
compiler = jit.status() and "on" or "off"  -- this thread's, read by done()

local dir = os.getenv("BENCH_MIX_DIR") or error("BENCH_MIX_DIR is not set")
local admin = os.getenv("BENCH_ADMIN_TOKEN") or error("BENCH_ADMIN_TOKEN is not set")
local seed = tonumber(os.getenv("BENCH_SEED") or "1")
local rate = tonumber(os.getenv("BENCH_MIX_RATE") or "")
local only = os.getenv("BENCH_MIX_ONLY")
local as_users = os.getenv("BENCH_MIX_AS_USERS") == "1"
local search_zipf = os.getenv("BENCH_MIX_SEARCH_ZIPF") == "1"
local slow_ms = tonumber(os.getenv("BENCH_MIX_SLOW_MS") or "")
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
  search_distinct = 0, late = 0, max_lag_ms = 0, dropped = 0 }
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

ffi.cdef [[
  struct mix_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock, struct mix_timespec *tp);
]]
local ts = ffi.new("struct mix_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- ---- the schedule (BENCH_MIX_RATE) ----------------------------------------------------------
-- delay() hands out the slots and queues them; request() takes the earliest queued one. wrk's
-- timers have millisecond ticks and fire the same tick's in no set order, so the connection
-- that leaves first may not be the one delay() gave that slot: taking the earliest keeps every
-- request's latency counted from the oldest arrival still waiting, as a queue in front of the
-- connections would. The queue never holds more than one slot per connection.
local QUEUE = 65536
local queued, q_head, q_tail = ffi.new("double[?]", QUEUE), 0, 0
local gap, next_slot = rate and 1000 / rate, nil

local function schedule_next(now)
  next_slot = next_slot or now
  local lag = now - next_slot
  if lag > 10 then
    counts.late = counts.late + 1
    if lag > counts.max_lag_ms then counts.max_lag_ms = math.floor(lag) end
    if lag > 1000 then
      local skip = math.floor((lag - 1000) / gap)
      counts.dropped = counts.dropped + skip
      next_slot = next_slot + skip * gap
    end
  end
  local s = next_slot
  next_slot = next_slot + gap
  return s
end

-- When the request's user sent it: when paced, its slot, or now if that is earlier (delay()
-- rounds waits down to wrk's millisecond ticks, so a request may leave up to 1 ms before its
-- slot: it arrived then); else now.
local function take_slot()
  local now = now_ms()
  if not rate then return now end
  if q_head == q_tail then return math.min(now, schedule_next(now)) end  -- a reconnect skips delay()
  local s = queued[q_head % QUEUE]
  q_head = q_head + 1
  return math.min(now, s)
end

-- ---- what each request is, for its answer ---------------------------------------------------
-- Request n's start (slot or send, in ms) and kind, at n % RING: at most one per connection is
-- in flight, so the ring never wraps onto one still waiting. hist[kind * 10000 + bucket] =
-- answers: one flat table, as wrk's thread:get() crashes copying a table of tables.
local RING = 65536
local KINDS = { "detail", "list", "deep", "search", "me", "write" }
local DETAIL, LIST, DEEP, SEARCH, ME, WRITE = 1, 2, 3, 4, 5, 6
local started, kind_of = ffi.new("double[?]", RING), ffi.new("uint8_t[?]", RING)
local seq = 0
local paths, began = {}, nil  -- request n's path at n % RING, kept only for BENCH_MIX_SLOW_MS
slow = {}  -- the lines BENCH_MIX_SLOW_MS prints
hist = {}
timing = { untimed = 0, max_us = 0 }
local LOG_STEP = math.log(1.02)

local function record(i, now, status, id)
  local t0 = started[i]
  if t0 < 0 then timing.untimed = timing.untimed + 1; return end
  started[i] = -1
  local us = (now - t0) * 1000
  if us < 0 then us = 0 end
  if slow_ms and us >= slow_ms * 1000 and #slow < 200 then
    slow[#slow + 1] = string.format("mix: slow ms=%.1f kind=%s status=%d id=%s at_s=%.3f path=%s", us / 1000,
      KINDS[kind_of[i]], status, id, (now - began) / 1000, paths[i] or "")
  end
  if us > timing.max_us then timing.max_us = us end
  local b = us < 1000 and math.floor(us / 10) or 100 + math.floor(math.log(us / 1000) / LOG_STEP)
  local key = kind_of[i] * 10000 + b
  hist[key] = (hist[key] or 0) + 1
end

-- Every request is made here: numbered in X-Request-ID (+ suffix, for a write's chain), its
-- start and kind kept for its answer.
local function send(kind, method, path, headers, body, suffix)
  seq = seq + 1
  local i = seq % RING
  started[i], kind_of[i] = take_slot(), kind
  began = began or started[i]
  if slow_ms then paths[i] = path end
  headers = headers or {}
  headers["X-Request-ID"] = "mix-" .. seq .. (suffix or "")
  return wrk.format(method, path, headers, body)
end

-- A read: anonymous, or as one of the users (BENCH_MIX_AS_USERS).
local function read(kind, path)
  if as_users then return send(kind, "GET", path, { ["Authorization"] = "Bearer " .. pick(tokens) }) end
  return send(kind, "GET", path)
end

local function detail()
  counts.detail = counts.detail + 1
  -- Zipf with s = 1: the density of rank k is ~1/k.
  return read(DETAIL, details.at(zipf(details.n)))
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
  return read(SEARCH, path)
end

-- Write chains: ready holds the chains whose next step (patch or delete) can be sent, oldest
-- first; ids maps a chain to its product.
local ready, ids, chains = {}, {}, 0

local function write()
  counts.write = counts.write + 1
  local h = { ["Authorization"] = "Bearer " .. admin, ["Content-Type"] = "application/json" }
  local c = table.remove(ready, 1)
  if c then
    h["If-Match"] = c.etag
    local suffix = "-" .. c.op .. "-" .. c.chain
    if c.op == "patch" then
      return send(WRITE, "PATCH", "/api/v1/products/" .. ids[c.chain], h, '{"price_cents":1234,"stock":7}', suffix)
    end
    return send(WRITE, "DELETE", "/api/v1/products/" .. ids[c.chain], h, nil, suffix)
  end
  chains = chains + 1
  local body = string.format('{"name":"Mix product %d","sku":"mix-%d-%d-%d","price_cents":999,"currency":"EUR","stock":3}',
    chains, seed, os.time(), chains)
  return send(WRITE, "POST", "/api/v1/products", h, body, "-create-" .. chains)
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
  if r <= 80 then counts.list = counts.list + 1; return read(LIST, pick(lists)) end
  if r <= 90 then counts.deep = counts.deep + 1; return read(DEEP, pick(deep)) end
  if r <= 95 then return search() end
  if r <= 99 then
    counts.me = counts.me + 1
    return send(ME, "GET", "/api/v1/auth/me", { ["Authorization"] = "Bearer " .. pick(tokens) })
  end
  return write()
end

if rate then
  if rate <= 0 then error("BENCH_MIX_RATE must be positive") end
  function delay()
    local now = now_ms()
    local s = schedule_next(now)
    queued[q_tail % QUEUE] = s
    q_tail = q_tail + 1
    local wait = s - now
    if wait <= 0 then return 0 end
    return math.floor(wait)
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
  local now = now_ms()
  local id = header(headers, "x-request-id") or ""
  local n, rest = string.match(id, "^mix%-(%d+)(.*)$")
  if not n then timing.untimed = timing.untimed + 1; return end
  record(tonumber(n) % RING, now, status, id)
  if rest == "" then return end
  local op, chain = string.match(rest, "^%-(%a+)%-(%d+)$")
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

-- The upper bound, in ms, of histogram bucket b (see record()).
local function bucket_ms(b)
  if b < 100 then return (b + 1) / 100 end
  return math.exp((b - 99) * LOG_STEP)
end

-- Percentiles (fractions in ps) of one histogram: { n = answers, [p] = ms }, none over max_ms.
local function percentiles(h, ps, max_ms)
  local keys, n = {}, 0
  for b, c in pairs(h) do keys[#keys + 1] = b; n = n + c end
  table.sort(keys)
  local out, seen, k = { n = n }, 0, 1
  for _, p in ipairs(ps) do
    local rank = math.max(1, math.ceil(p * n))
    while k <= #keys and seen + h[keys[k]] < rank do seen = seen + h[keys[k]]; k = k + 1 end
    out[p] = (n > 0 and keys[k]) and math.min(bucket_ms(keys[k]), max_ms) or 0
  end
  return out
end

function done(summary, latency, requests)
  local all, by_kind, untimed, max_us = {}, {}, 0, 0
  for _, thread in ipairs(threads) do
    io.stderr:write("mix: lua compiler=" .. thread:get("compiler") .. "\n")
    local c = thread:get("counts")
    io.stderr:write(string.format(
      "mix: sent detail=%d list=%d deep=%d search=%d me=%d write=%d create=%d patch=%d delete=%d search_distinct=%d\n",
      c.detail, c.list, c.deep, c.search, c.me, c.write, c.create, c.patch, c.delete, c.search_distinct))
    if rate then
      io.stderr:write(string.format("mix: schedule late=%d max_lag_ms=%d dropped=%d\n", c.late, c.max_lag_ms, c.dropped))
    end
    local b = thread:get("bad")
    for k, v in pairs(b) do
      if type(v) == "number" then io.stderr:write(string.format("mix: %s answers %s: %s\n", v, k, b[k .. "_body"])) end
    end
    for _, line in ipairs(thread:get("slow")) do io.stderr:write(line .. "\n") end
    local h, t = thread:get("hist"), thread:get("timing")
    untimed = untimed + t.untimed
    if t.max_us > max_us then max_us = t.max_us end
    for key, n in pairs(h) do
      local kind, bucket = math.floor(key / 10000), key % 10000
      by_kind[kind] = by_kind[kind] or {}
      by_kind[kind][bucket] = (by_kind[kind][bucket] or 0) + n
      all[bucket] = (all[bucket] or 0) + n
    end
  end
  local p = percentiles(all, { 0.5, 0.9, 0.99, 0.999 }, max_us / 1000)
  io.stderr:write(string.format("mix: latency timed=%d untimed=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f from=%s\n",
    p.n, untimed, p[0.5], p[0.9], p[0.99], p[0.999], max_us / 1000, rate and "slot" or "send"))
  local line = "mix: latency-by-kind"
  for kind, name in ipairs(KINDS) do
    local q = percentiles(by_kind[kind] or {}, { 0.5, 0.99 }, max_us / 1000)
    if q.n > 0 then line = line .. string.format(" %s_p50_ms=%.3f %s_p99_ms=%.3f", name, q[0.5], name, q[0.99]) end
  end
  io.stderr:write(line .. "\n")
end
