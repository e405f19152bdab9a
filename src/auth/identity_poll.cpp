#include "auth/identity_poll.hpp"

#include <algorithm>

#include "http/client.hpp"

namespace mercato::auth::poll {

void IdentityEndpoint::use_settings(const config::Settings& s, std::chrono::milliseconds cap) {
  upstreams = s.user_service;
  timeout = std::min<std::chrono::milliseconds>(s.upstream_timeout, cap);
}

asio::awaitable<bool> get_first(http::Client& client, const IdentityEndpoint& endpoint, std::string_view what,
                                log::Level status_level, const AnswerUse& use) {
  for (const auto& address : endpoint.upstreams) {
    http::ClientRequest req;
    req.target = endpoint.path;
    req.headers = {{"Accept", "application/json"}};
    auto res = co_await client.send(client.upstream(address), req, std::chrono::steady_clock::now() + endpoint.timeout);
    if (!res) {
      log::debug(std::string(what) + " fetch failed", {{"host", address.host}, {"error", res.error().message}});
      continue;
    }
    if (res->status != 200) {
      log::write(status_level, std::string(what) + " fetch answered with an error status",
                 {{"host", address.host}, {"status", res->status}});
      continue;
    }
    if (use(address, res->body)) co_return true;
  }
  co_return false;
}

}  // namespace mercato::auth::poll
