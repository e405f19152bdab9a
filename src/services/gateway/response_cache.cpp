#include "services/gateway/response_cache.hpp"

#include <algorithm>
#include <cctype>

namespace mercato::gateway {

namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// Calls `f` with each trimmed, non-empty item of a comma-separated header value.
template <class F>
void each_item(std::string_view list, F f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (auto item = trim(list.substr(0, comma)); !item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A delta-seconds directive value ("60" or "\"60\""); nullopt when malformed.
std::optional<std::int64_t> delta_seconds(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 10) return std::nullopt;
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// The headers that belong to one exchange, never to a stored answer: the current request's
// id and trace are set by the outer middleware on every answer, hit or miss.
bool per_request(std::string_view name) {
  return http::iequals(name, "X-Request-ID") || http::iequals(name, "traceparent") ||
         http::iequals(name, "tracestate") || http::iequals(name, "Age") || http::iequals(name, "X-Cache") ||
         http::iequals(name, "Set-Cookie");
}

}  // namespace

bool request_cacheable(const http::Request& req) {
  if (req.method != http::Method::GET && req.method != http::Method::HEAD) return false;
  return !req.header("Authorization") && !req.header("Cookie");
}

std::optional<std::string> response_cache_key(const http::Request& req) {
  struct Param {
    std::string name;  // decoded: the catalog reads parameters by their decoded name
    std::string_view raw;
  };
  std::vector<Param> params;
  std::string_view q = req.query();
  // Every '&'-separated part, empty ones included: they are part of what was asked.
  for (bool more = !q.empty(); more;) {
    const auto amp = q.find('&');
    const std::string_view raw = q.substr(0, amp);
    Param p{{}, raw};
    if (!http::percent_decode(raw.substr(0, raw.find('=')), p.name)) return std::nullopt;
    params.push_back(std::move(p));
    more = amp != std::string_view::npos;
    if (more) q.remove_prefix(amp + 1);
  }
  std::stable_sort(params.begin(), params.end(), [](const Param& a, const Param& b) { return a.name < b.name; });
  const auto store = req.header("X-Store-ID");
  std::string key;
  key.reserve(4 + req.target.size() + 8 + (store ? store->size() : 0));  // one allocation
  key += "GET ";
  key += req.path();
  key += '?';
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) key += '&';
    key += params[i].raw;
  }
  key += "\nstore=";
  if (store)
    for (char c : *store) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::vector<std::string> parse_cache_tags(std::string_view header) {
  std::vector<std::string> tags;
  each_item(header, [&](std::string_view t) { tags.emplace_back(t); });
  return tags;
}

std::optional<StorePlan> storable(const http::Response& res, std::chrono::seconds max_ttl) {
  if (res.status != 200 || max_ttl.count() <= 0) return std::nullopt;
  // A streamed body (an export) is never held whole, so there is nothing to keep.
  if (res.stream) return std::nullopt;
  if (res.header("Set-Cookie")) return std::nullopt;
  auto tag_header = res.header("Cache-Tag");
  if (!res.header("Cache-Control") || !tag_header) return std::nullopt;
  bool is_public = false, refused = false;
  std::optional<std::int64_t> s_maxage, max_age;
  // Every field of a name counts (a second Cache-Control or Vary must not go unread).
  auto each_field = [&res](std::string_view name, auto f) {
    for (const auto& [n, v] : res.headers)
      if (http::iequals(n, name)) each_item(v, f);
  };
  each_field("Cache-Control", [&](std::string_view d) {
    const auto eq = d.find('=');
    const std::string name = lower(trim(d.substr(0, eq)));
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : trim(d.substr(eq + 1));
    if (name == "public") is_public = true;
    else if (name == "private" || name == "no-store" || name == "no-cache") refused = true;
    else if (name == "s-maxage") {
      s_maxage = delta_seconds(value);
      if (!s_maxage) refused = true;
    } else if (name == "max-age") {
      max_age = delta_seconds(value);
      if (!max_age) refused = true;
    }
  });
  if (!is_public || refused) return std::nullopt;
  const std::int64_t lifetime = s_maxage ? *s_maxage : max_age.value_or(0);
  if (lifetime <= 0) return std::nullopt;
  bool other = false;
  each_field("Vary", [&](std::string_view v) {
    if (!http::iequals(v, "X-Store-ID") && !http::iequals(v, "Authorization") && !http::iequals(v, "Accept-Encoding"))
      other = true;
  });
  if (other) return std::nullopt;
  StorePlan plan;
  plan.tags = parse_cache_tags(*tag_header);
  if (plan.tags.empty()) return std::nullopt;
  plan.ttl = std::min(std::chrono::seconds(lifetime), max_ttl);
  return plan;
}

ResponseCache::ResponseCache(std::size_t max_bytes, std::chrono::seconds max_ttl, std::function<bool()> bus_connected,
                             Coder coder)
    : max_ttl_(max_ttl),
      bus_connected_(std::move(bus_connected)),
      coder_(std::move(coder)),
      lru_(max_bytes, kShards),
      stripes_(std::make_unique<Stripe[]>(kStripes)) {}

std::size_t ResponseCache::stripe_of(std::string_view tag) { return std::hash<std::string_view>{}(tag) % kStripes; }

ResponseCache::Ticket ResponseCache::begin(Clock::time_point now) const {
  return Ticket{seq_.load(), epoch_.load(), now};
}

bool ResponseCache::still_valid(const CachedResponse& v, std::uint64_t seq, std::uint64_t epoch) const {
  if (epoch_.load() != epoch) return false;
  for (const auto stripe : v.stripes)
    if (stripes_[stripe].seq.load() > seq) return false;
  return true;
}

void ResponseCache::erase_if_same(std::string_view key, const CachedResponsePtr& value) {
  lru_.erase_if(key, [&value](const Entry& e) { return e.value == value; });
}

CachedResponsePtr ResponseCache::lookup(std::string_view key, Clock::time_point now) {
  if (!usable()) return nullptr;
  Entry found;
  if (lru_.get(key, found, now) != cache::LruOutcome::hit) return nullptr;
  if (still_valid(*found.value, found.seq, found.epoch)) return std::move(found.value);
  erase_if_same(key, found.value);
  return nullptr;
}

CachedResponsePtr ResponseCache::store(std::string_view key, const Ticket& t, const http::Response& res,
                                       const StorePlan& plan, Clock::time_point now) {
  if (!usable()) return nullptr;
  // Refused when an invalidation of its tags came shortly before the fetch started: another
  // catalog instance may still have served the old value from its L1.
  const auto settled_since = (t.started - kSettle).time_since_epoch().count();
  for (const auto& tag : plan.tags)
    if (stripes_[stripe_of(tag)].at.load() > settled_since) return nullptr;

  auto v = std::make_shared<CachedResponse>();
  v->status = res.status;
  v->content_type = res.content_type;
  for (const auto& [name, value] : res.headers)
    if (!per_request(name)) v->headers.emplace_back(name, value);
  v->body = res.body;
  if (auto etag = res.header("ETag")) v->etag = *etag;
  v->tags = plan.tags;
  v->stripes.reserve(v->tags.size());
  for (const auto& tag : v->tags) v->stripes.push_back(static_cast<std::uint32_t>(stripe_of(tag)));
  v->stored_at = std::chrono::system_clock::now();
  if (!still_valid(*v, t.seq, t.epoch)) return nullptr;

  std::size_t cost = key.size() + v->body.size() + v->content_type.size() + v->etag.size() + kEntryOverhead;
  for (const auto& [n, val] : v->headers) cost += n.size() + val.size() + 32;
  for (const auto& tag : v->tags) cost += tag.size() + 32;
  if (cost > lru_.shard_budget()) return nullptr;  // before coding: no work for what cannot be kept
  // Coded here, once for the entry's life (see the header: why not lazily).
  if (plan.code && coder_) v->coded = coder_(v->body);
  for (const auto& c : v->coded) cost += c.bytes.size() + 32;
  if (cost > lru_.shard_budget()) return nullptr;
  CachedResponsePtr value = std::move(v);
  if (!lru_.put(key, Entry{value, t.seq, t.epoch}, cost, now + plan.ttl)) return nullptr;
  // An invalidation that ran between the check and the put: take it back out (a lookup would
  // refuse it anyway; this frees the bytes and reports honestly).
  if (!still_valid(*value, t.seq, t.epoch)) {
    erase_if_same(key, value);
    return nullptr;
  }
  return value;
}

void ResponseCache::invalidate(const std::vector<std::string>& tags, Clock::time_point now) {
  // One writer (the bus's strand): the stripes are stamped before the sequence moves, so a
  // ticket that saw the old sequence sees every stamp as newer than itself.
  const std::uint64_t next = seq_.load() + 1;
  for (const auto& tag : tags) {
    Stripe& st = stripes_[stripe_of(tag)];
    st.at.store(now.time_since_epoch().count());
    st.seq.store(next);
  }
  seq_.store(next);
}

void ResponseCache::flush() {
  epoch_.fetch_add(1);
  lru_.clear();
}

}  // namespace mercato::gateway
