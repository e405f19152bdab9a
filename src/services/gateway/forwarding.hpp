#pragma once
// What a proxy changes in the messages it relays (RFC 9110 7.6): hop-by-hop fields stay on
// their own connection, the upstream learns who the client is (X-Forwarded-For/-Proto) and
// which request this is (X-Request-ID). Who the client is follows http/client_address.hpp:
// X-Forwarded-For is believed only when the peer that sent it is a trusted proxy.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "http/client_address.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

using http::TrustedProxies;

/// The fixed hop-by-hop fields: Connection, Keep-Alive, Proxy-*, TE, Trailer,
/// Transfer-Encoding, Upgrade (case-insensitive). Fields a message names in its Connection
/// header are hop-by-hop too; the two functions below drop those as well.
bool is_hop_by_hop(std::string_view name);

/// The header fields to send upstream: the client's end-to-end fields, minus framing the
/// client recomputes (Content-Length), every forwarding field the client sent and its
/// traceparent/tracestate (the proxy sends its client span's per attempt), plus
/// X-Forwarded-For, X-Forwarded-Proto (a trusted peer's, else "http") and X-Request-ID.
/// X-Forwarded-For is exactly one address, the client as http::client_address() resolves
/// it: the services trust the gateway alone, so the right-most entry they read must be the
/// client, never the dashboard or a load balancer in front of the gateway, and entries this
/// gateway could not vouch for are not passed on. Views point into `req` and into
/// `scratch`, which must outlive their use.
std::vector<std::pair<std::string_view, std::string_view>> upstream_request_headers(const http::Request& req,
                                                                                   const TrustedProxies& trusted,
                                                                                   std::string& scratch);

/// The upstream's answer as the gateway's response: status and body as they are; its fields
/// minus hop-by-hop ones and those the gateway's server writes itself (Content-Length,
/// Date, Server); Content-Type becomes the response's content type.
http::Response downstream_response(http::ClientResponse&& upstream);

}  // namespace mercato::gateway
