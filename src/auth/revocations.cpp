#include "auth/revocations.hpp"

#include <charconv>

#include <simdjson.h>

#include "core/json.hpp"

namespace mercato::auth {

namespace {
// User ids are UUIDs (36 bytes); anything much longer is not one of ours.
constexpr std::size_t kMaxUser = 64;

bool plausible_user(std::string_view u) {
  if (u.empty() || u.size() > kMaxUser) return false;
  for (char c : u)
    if (c <= ' ' || c == 0x7f) return false;
  return true;
}
}  // namespace

std::string format_revocation(const Revocation& r) { return r.user + " " + std::to_string(r.not_before); }

std::optional<Revocation> parse_revocation(std::string_view m) {
  const auto space = m.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto user = m.substr(0, space);
  const auto number = m.substr(space + 1);
  std::int64_t nbf = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), nbf);
  if (!plausible_user(user) || ec != std::errc{} || end != number.data() + number.size() || nbf <= 0)
    return std::nullopt;
  return Revocation{std::string(user), nbf};
}

std::optional<std::string> parse_user_changed(std::string_view m) {
  if (!plausible_user(m)) return std::nullopt;
  return std::string(m);
}

std::string render_revocations(const RevocationSnapshot& s) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("revocations").begin_array();
  for (const auto& r : s.revocations)
    w.begin_object().key("sub").string(r.user).key("not_before").integer(r.not_before).end_object();
  w.end_array().key("horizon_seconds").integer(s.horizon_seconds).end_object();
  return out;
}

Result<RevocationSnapshot> parse_revocations(std::string_view text) {
  const auto bad = [](std::string what) {
    return Error{ErrorCode::bad_gateway, "revocation list: " + std::move(what)};
  };
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(text.data(), text.size(), true).get_object().get(root)) return bad("not a JSON object");
  RevocationSnapshot s;
  simdjson::dom::array arr;
  if (root["revocations"].get_array().get(arr)) return bad("no revocations array");
  if (root["horizon_seconds"].get_int64().get(s.horizon_seconds) || s.horizon_seconds <= 0)
    return bad("no positive horizon_seconds");
  for (auto item : arr) {
    std::string_view sub;
    std::int64_t nbf = 0;
    if (item["sub"].get_string().get(sub) || item["not_before"].get_int64().get(nbf) || !plausible_user(sub) ||
        nbf <= 0)
      return bad("an entry is not {sub, not_before}");
    s.revocations.push_back({std::string(sub), nbf});
  }
  return s;
}

RevocationList::RevocationList() { map_.store(std::make_shared<const Map>()); }

bool RevocationList::allows(std::string_view user, std::int64_t iat) const {
  // Nearly always nothing is revoked: skip the shared_ptr's lock (libstdc++'s atomic
  // shared_ptr takes one) on every request.
  if (entries_.load(std::memory_order_acquire) == 0) return true;
  const auto map = map_.load(std::memory_order_acquire);
  const auto it = map->find(user);
  return it == map->end() || iat >= it->second;
}

void RevocationList::add(const Revocation& r) {
  {
    std::lock_guard lock(write_mu_);
    const auto old = map_.load();
    if (auto it = old->find(r.user); it != old->end() && it->second >= r.not_before) return;
    auto next = std::make_shared<Map>(*old);
    (*next)[r.user] = r.not_before;
    const auto size = next->size();
    map_.store(std::move(next), std::memory_order_release);  // before the count: see merge()
    entries_.store(size, std::memory_order_release);
  }
  for (const auto& l : listeners_) l(r);
}

void RevocationList::merge(const RevocationSnapshot& s, std::int64_t now) {
  std::vector<Revocation> fresh;
  {
    std::lock_guard lock(write_mu_);
    auto next = std::make_shared<Map>(*map_.load());
    for (const auto& r : s.revocations) {
      auto [it, inserted] = next->try_emplace(r.user, r.not_before);
      if (inserted || it->second < r.not_before) {
        it->second = r.not_before;
        fresh.push_back(r);
      }
    }
    std::erase_if(*next, [&](const auto& kv) { return kv.second < now - s.horizon_seconds; });
    // Published after the map (allows() reads the count first), so a reader that sees the
    // count also sees a map at least as new.
    map_.store(next, std::memory_order_release);
    entries_.store(next->size(), std::memory_order_release);
  }
  for (const auto& r : fresh)
    for (const auto& l : listeners_) l(r);
}

std::size_t RevocationList::size() const { return map_.load()->size(); }

asio::awaitable<bool> RevocationList::resync(std::chrono::milliseconds wait) {
  if (!resync_) co_return current();
  co_return co_await resync_(wait);
}

}  // namespace mercato::auth
