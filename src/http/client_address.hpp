#pragma once
// Who the client is, when proxies stand between it and this server. Every service answers it
// the same way (the gateway's rate limit, identity's login throttle, the catalog's audit
// trail), so one spoofing rule holds everywhere: X-Forwarded-For is believed only as far as a
// chain of trusted proxies vouches for it, starting from the socket's peer.
//
//   browser 198.51.100.7 → dashboard (127.0.0.5) → gateway (from 127.0.0.4) → identity
//
// The gateway trusts 127.0.0.5, so it reads 198.51.100.7 from the dashboard's
// X-Forwarded-For; identity trusts 127.0.0.4 only, and the gateway tells it "198.51.100.7".
// A client that writes its own X-Forwarded-For changes nothing: its entries sit left of the
// first untrusted hop, where nobody vouches for them.
//
// A peer on the Unix domain socket (HTTP_SOCKET; remote_addr kUnixSocketPeer) is a trusted
// proxy, always: the socket file is mode 0660, so only a process running as the service's user
// or group can connect — the gateway on the same host, which could as well read the service's
// own credentials. Nothing a TCP peer sends can make it one: its remote_addr is its IP address,
// and X-Forwarded-For entries are believed only when they are IP addresses.

#include <string>
#include <string_view>
#include <vector>

#include "core/ip_block.hpp"
#include "http/handler.hpp"
#include "http/message.hpp"

namespace mercato::http {

/// The canonical text of an IP address, as inet_ntop prints it, so that spellings of one
/// address compare equal: "2001:DB8:0::1" → "2001:db8::1", and an IPv4-mapped IPv6 address
/// (what a dual-stack socket reports for an IPv4 peer) → its IPv4 form: "::ffff:10.0.0.1" →
/// "10.0.0.1". Empty when `text` is not an IP address (names, ports, brackets, zone ids).
std::string canonical_ip(std::string_view text);

/// Peers whose X-Forwarded-For is believed (TRUSTED_PROXIES): addresses, and CIDR blocks for
/// proxies whose addresses change (a Kubernetes pod network: "10.244.0.0/16"), which is safe
/// only where nothing else in the block can reach the service (its NetworkPolicy). Immutable;
/// share it freely.
class TrustedProxies {
 public:
  /// Any spelling config accepts; kept canonical (see canonical_ip). Entries that are neither
  /// an address nor a block are ignored (config refuses them before this point).
  explicit TrustedProxies(const std::vector<std::string>& entries);
  /// `ip` in any spelling of an address; or kUnixSocketPeer (a socket's peer, never a
  /// forwarded entry), which is always trusted.
  bool contains(std::string_view ip) const;
  bool empty() const { return ips_.empty() && blocks_.empty(); }

 private:
  bool in_a_block(std::string_view ip) const;
  std::vector<std::string> ips_;
  std::vector<IpBlock> blocks_;
};

/// The address of the client, canonical: the socket's peer unless it is a trusted proxy; then
/// the X-Forwarded-For entries (every such field, in order, as one list) are walked from the
/// right, each entry believed only because the hop to its right is trusted, and the first
/// address that is not a trusted proxy is the client. An entry that is not a bare IP address
/// stops the walk at the trusted hop that wrote it; a chain of trusted proxies only ends at
/// its left-most entry. A peer that is not an IP address (a zone id) is returned as printed.
std::string client_address(const Request& req, const TrustedProxies& trusted);

/// Sets req.client_address (above) before the rest of the chain runs. Part of every
/// service's standard chain (http::App).
Hooks resolve_client_address(TrustedProxies trusted);

}  // namespace mercato::http
