#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mercato::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string canonical_ip(std::string_view text) {
  // inet_pton reads a C string: anything longer than the longest address, or holding a NUL
  // that would end it early, is not an address.
  char in[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof in || text.find('\0') != std::string_view::npos) return {};
  std::memcpy(in, text.data(), text.size());
  in[text.size()] = '\0';
  char out[INET6_ADDRSTRLEN];
  in_addr v4;
  // glibc's inet_pton takes IPv4 only as four decimal numbers without leading zeros, which is
  // how inet_ntop prints it: an accepted text is canonical as it is (inet_ntop was half the
  // cost of a request's address checks).
  if (inet_pton(AF_INET, in, &v4) == 1) return std::string(text);
  in6_addr v6;
  if (inet_pton(AF_INET6, in, &v6) != 1) return {};
  // ::ffff:a.b.c.d is how a dual-stack socket shows an IPv4 peer: the same client.
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    return inet_ntop(AF_INET, &v4, out, sizeof out) ? out : std::string();
  }
  return inet_ntop(AF_INET6, &v6, out, sizeof out) ? out : std::string();
}

namespace {

// The 4 or 16 bytes of canonical address text (canonical_ip's output); false for anything else.
bool address_bytes(std::string_view canonical, bool& v6, unsigned char (&out)[16]) {
  char in[INET6_ADDRSTRLEN];
  if (canonical.empty() || canonical.size() >= sizeof in) return false;
  std::memcpy(in, canonical.data(), canonical.size());
  in[canonical.size()] = '\0';
  v6 = canonical.find(':') != std::string_view::npos;
  return inet_pton(v6 ? AF_INET6 : AF_INET, in, out) == 1;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
  for (const auto& e : entries) {
    if (e.find('/') == std::string::npos) {
      if (auto c = canonical_ip(e); !c.empty()) ips_.push_back(std::move(c));
      continue;
    }
    // What the configuration checked and wrote canonically (core/ip_block.hpp); nothing else.
    if (auto b = parse_ip_block(e)) blocks_.push_back(*b);
  }
}

bool TrustedProxies::in_a_block(std::string_view canonical) const {
  bool v6 = false;
  unsigned char addr[16];
  if (!address_bytes(canonical, v6, addr)) return false;
  return std::any_of(blocks_.begin(), blocks_.end(), [&](const IpBlock& b) { return block_contains(b, v6, addr); });
}

bool TrustedProxies::contains(std::string_view ip) const {
  if (ip == kUnixSocketPeer) return true;
  if (ips_.empty() && blocks_.empty()) return false;
  // Entries are canonical, so the usual spelling (a socket peer's IPv4 text) matches as it is;
  // and text of digits and dots is an IPv4 address only in its canonical form (canonical_ip),
  // so it matches an entry exactly or not at all. Every request asks this two or three times.
  if (std::all_of(ip.begin(), ip.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; })) {
    if (std::find(ips_.begin(), ips_.end(), ip) != ips_.end()) return true;
    return !blocks_.empty() && in_a_block(ip);
  }
  const auto c = canonical_ip(ip);
  if (c.empty()) return false;
  if (std::find(ips_.begin(), ips_.end(), c) != ips_.end()) return true;
  return !blocks_.empty() && in_a_block(c);
}

std::string client_address(const Request& req, const TrustedProxies& trusted) {
  const bool unix_peer = req.remote_addr == kUnixSocketPeer;
  std::string hop = unix_peer ? req.remote_addr : canonical_ip(req.remote_addr);
  if (hop.empty()) return req.remote_addr;  // e.g. a link-local peer with its zone id
  if (!unix_peer && !trusted.contains(hop)) return hop;

  std::vector<std::string_view> chain;
  for (const auto& [name, value] : req.headers) {
    if (!iequals(name, "X-Forwarded-For")) continue;
    std::string_view v = value;
    while (!v.empty()) {
      const auto comma = v.find(',');
      if (auto item = trim(v.substr(0, comma)); !item.empty()) chain.push_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  // `hop` is trusted, so the entry it appended (the one right of the rest) is believed.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    std::string entry = canonical_ip(*it);
    if (entry.empty()) return hop;  // a trusted hop wrote something that is no address: stop there
    if (!trusted.contains(entry)) return entry;
    hop = std::move(entry);
  }
  return hop;  // every hop a trusted proxy: the left-most is as close to the client as we know
}

Hooks resolve_client_address(TrustedProxies trusted) {
  return {.before = [trusted = std::move(trusted)](Request& req) -> std::optional<Response> {
    req.client_address = client_address(req, trusted);
    return std::nullopt;
  }};
}

}  // namespace mercato::http
