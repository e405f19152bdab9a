#pragma once
// What the two clients that poll identity in the background (JwksClient for keys,
// RevocationFeed for revoked users) share: where identity is, one GET tried on each of its
// instances in turn, and a clock helper.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/config.hpp"
#include "core/log.hpp"
#include "core/sleep.hpp"

namespace mercato::http {
class Client;
}

namespace mercato::auth::poll {

namespace asio = boost::asio;

/// Where a poller reaches identity: its instances (tried in order), the path it GETs, and
/// the timeout of each try. The pollers' Options extend it with their own periods.
struct IdentityEndpoint {
  std::vector<config::HostPort> upstreams;  // identity instances, tried in order
  std::string path;
  std::chrono::milliseconds timeout{1000};

  /// Identity's instances from USER_SERVICE; the timeout UPSTREAM_TIMEOUT, at most `cap`.
  void use_settings(const config::Settings& s, std::chrono::milliseconds cap);
};

/// A poller's `Options` (an IdentityEndpoint): its defaults, with instances and timeout from `s`.
template <class Options>
Options options_from(const config::Settings& s) {
  Options o;
  o.use_settings(s, o.timeout);  // the default timeout is the cap
  return o;
}

/// What a poller does with a 200 answer of `from`: true when the body was usable, which ends
/// the round; false tries the next instance.
using AnswerUse = std::function<bool(const config::HostPort& from, const std::string& body)>;

/// GETs `endpoint.path` (JSON) from each instance in turn until `use` takes an answer; false
/// when none did. A failed try is logged at debug (refused connections are normal while
/// identity starts), an error status at `status_level`, both as "<what> fetch ...".
/// `client`, `endpoint` and `use` must outlive the call (name `use` before the co_await).
asio::awaitable<bool> get_first(http::Client& client, const IdentityEndpoint& endpoint, std::string_view what,
                                log::Level status_level, const AnswerUse& use);

/// Milliseconds on the steady clock: comparable only with other values of this function.
inline std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace mercato::auth::poll
