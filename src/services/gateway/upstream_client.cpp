#include "services/gateway/upstream_client.hpp"

#include <algorithm>

#include "http/app.hpp"

namespace mercato::gateway {

namespace {

http::ClientOptions client_options(const config::Settings& s) {
  http::ClientOptions o;
  // Connecting takes well under a millisecond to a live host nearby; a host that swallows
  // the SYN is dead, and giving up early leaves the request time to be retried elsewhere.
  o.connect_timeout = std::min<std::chrono::milliseconds>(s.upstream_timeout, std::chrono::seconds(1));
  // The services trust X-Forwarded-For from this address only (their TRUSTED_PROXIES).
  o.source_address = s.upstream_source_address;
  return o;
}

}  // namespace

UpstreamClient::UpstreamClient(http::App& app, const config::Settings& s) : client_(app.io(), client_options(s)) {
  app.on_stop([this] { client_.close_idle(); });
}

}  // namespace mercato::gateway
