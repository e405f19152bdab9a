#pragma once
// What a proxy changes in the messages it relays (RFC 9110 7.6): hop-by-hop fields stay on
// their own connection, the upstream learns who the client is (X-Forwarded-For/-Proto) and
// which request this is (X-Request-ID), and a client address is believed from
// X-Forwarded-For only when the peer that sent it is a trusted proxy.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/client.hpp"
#include "http/message.hpp"

namespace mercato::gateway {

/// Peers (load balancers in front of the gateway) whose X-Forwarded-For is believed:
/// TRUSTED_PROXIES, in the canonical form config gives.
class TrustedProxies {
 public:
  explicit TrustedProxies(std::vector<std::string> ips) : ips_(std::move(ips)) {}
  /// `ip` as a server prints a peer; IPv4-mapped IPv6 ("::ffff:10.0.0.1") matches the IPv4 form.
  bool contains(std::string_view ip) const;
  bool empty() const { return ips_.empty(); }

 private:
  std::vector<std::string> ips_;
};

/// The fixed hop-by-hop fields: Connection, Keep-Alive, Proxy-*, TE, Trailer,
/// Transfer-Encoding, Upgrade (case-insensitive). Fields a message names in its Connection
/// header are hop-by-hop too; the two functions below drop those as well.
bool is_hop_by_hop(std::string_view name);

/// The address of the client: the peer, unless the peer is a trusted proxy; then the
/// right-most X-Forwarded-For entry that is not itself a trusted proxy (entries left of it
/// could be written by anyone). For logs and the rate limit.
std::string client_address(const http::Request& req, const TrustedProxies& trusted);

/// The header fields to send upstream: the client's end-to-end fields, minus framing the
/// client recomputes (Content-Length) and forwarding fields an untrusted peer could forge,
/// plus X-Forwarded-For (the trusted chain, then the peer), X-Forwarded-Proto and
/// X-Request-ID. Views point into `req` and into `scratch`, which must outlive their use.
std::vector<std::pair<std::string_view, std::string_view>> upstream_request_headers(const http::Request& req,
                                                                                   const TrustedProxies& trusted,
                                                                                   std::string& scratch);

/// The upstream's answer as the gateway's response: status and body as they are; its fields
/// minus hop-by-hop ones and those the gateway's server writes itself (Content-Length,
/// Date, Server); Content-Type becomes the response's content type.
http::Response downstream_response(http::ClientResponse&& upstream);

}  // namespace mercato::gateway
