#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "services/catalog/read_your_writes.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "db/lsn.hpp"
#include "http/cookies.hpp"
#include "http/envelope.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

namespace {

bool is_write(http::Method m) {
  return m == http::Method::POST || m == http::Method::PUT || m == http::Method::PATCH || m == http::Method::DELETE;
}

/// Whether the handler asked for the position (kReadAfterNow); the placeholder is removed.
bool take_position_request(http::Response& res) {
  const auto it = std::find_if(res.headers.begin(), res.headers.end(), [](const auto& h) {
    return http::iequals(h.first, kReadAfterHeader) && h.second == kReadAfterNow;
  });
  if (it == res.headers.end()) return false;
  res.headers.erase(it);
  return true;
}

}  // namespace

std::string read_after_cookie(std::string_view lsn, std::chrono::milliseconds max_lag, bool secure) {
  const auto seconds = std::max<std::int64_t>(1, (2 * max_lag.count() + 999) / 1000);
  std::string c = std::string(kReadAfterCookie) + "=" + std::string(lsn) + "; Path=/api/; Max-Age=" +
                  std::to_string(seconds) + "; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

http::Middleware read_your_writes(db::ReplicaSet& db, std::chrono::milliseconds max_lag, bool secure_cookie) {
  return [&db, max_lag, secure_cookie](http::Request& req, const http::Next& next) -> asio::awaitable<http::Response> {
    if (db.replica_count() == 0) {
      http::Response res = co_await next(req);
      take_position_request(res);
      co_return res;
    }
    if (auto h = req.header(kReadAfterHeader)) {
      auto lsn = db::parse_lsn(*h);
      if (!lsn)
        co_return http::error_response(bad_request(std::string(kReadAfterHeader) +
                                                   ": expected a WAL position as a write's answer gave it, such as "
                                                   "0/16B3748"));
      req.context.read_after = *lsn;
    } else if (auto c = http::cookie_value(req, kReadAfterCookie)) {
      if (auto lsn = db::parse_lsn(*c)) req.context.read_after = *lsn;
    }
    http::Response res = co_await next(req);
    const bool asked = take_position_request(res);
    if ((!is_write(req.method) && !asked) || res.status < 200 || res.status > 299) co_return res;
    // After the commit (the handler returned): the position is at or past the commit's record.
    auto lsn = co_await db.wal_position(req.context.scope());
    if (!lsn) {
      // The write is done and answered as such; without the position this client may read an
      // older copy from a replica for up to DB_REPLICA_MAX_LAG.
      log::warn("catalog: no WAL position for a write's answer", {{"error", lsn.error().message}});
      co_return res;
    }
    const std::string text = db::format_lsn(std::max(*lsn, req.context.read_after));
    res.set_header(std::string(kReadAfterHeader), text);
    res.set_header("Set-Cookie", read_after_cookie(text, max_lag, secure_cookie));
    co_return res;
  };
}

}  // namespace mercato::catalog
