#include "services/gateway/forwarding.hpp"

#include <algorithm>

namespace mercato::gateway {

using http::iequals;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool listed(const std::vector<std::string_view>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

template <class Fn>
void for_each_list_item(std::string_view value, Fn&& fn) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (auto item = trim(value.substr(0, comma)); !item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Every field name listed in the message's Connection headers ("close, X-Trace"): the sender
// declared them hop-by-hop.
template <class Headers>
std::vector<std::string_view> connection_tokens(const Headers& headers) {
  std::vector<std::string_view> tokens;
  for (const auto& [name, value] : headers)
    if (iequals(name, "connection"))
      for_each_list_item(std::string_view(value), [&](std::string_view t) { tokens.push_back(t); });
  return tokens;
}

}  // namespace

bool is_hop_by_hop(std::string_view name) {
  for (std::string_view h : {"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"})
    if (iequals(name, h)) return true;
  return starts_with_nocase(name, "proxy-");
}

std::vector<std::pair<std::string_view, std::string_view>> upstream_request_headers(const http::Request& req,
                                                                                   const TrustedProxies& trusted,
                                                                                   std::string& scratch) {
  const bool peer_trusted = trusted.contains(req.remote_addr);
  const auto hop_named = connection_tokens(req.headers);
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(req.headers.size() + 3);
  std::string_view proto = "http";
  for (const auto& [name, value] : req.headers) {
    if (is_hop_by_hop(name) || listed(hop_named, name)) continue;
    // The client's framing is gone once the body is read whole; Expect asked this hop.
    if (iequals(name, "content-length") || iequals(name, "expect")) continue;
    if (iequals(name, "x-request-id")) continue;  // replaced by the id this request is logged under
    // Replaced per attempt by the proxy's client span (and the sanitized tracestate): a
    // client's traceparent never reaches a service unchanged, whose trust in this gateway
    // would otherwise let the client decide its sampling.
    if (iequals(name, "traceparent") || iequals(name, "tracestate")) continue;
    const bool forwarding_field = starts_with_nocase(name, "x-forwarded-") || iequals(name, "forwarded");
    if (forwarding_field) {
      // Only a trusted proxy's account of the client is kept; anyone else could write anything.
      if (!peer_trusted) continue;
      if (iequals(name, "x-forwarded-for")) continue;  // resolved below, from the whole chain
      if (iequals(name, "x-forwarded-proto")) {
        proto = value;
        continue;
      }
    }
    out.emplace_back(name, value);
  }
  // Resolved once per request by the server's first hook, from the same TRUSTED_PROXIES; a
  // request built by hand (a test's) has none yet.
  std::string_view client = req.client_address;
  if (client.empty()) client = scratch = http::client_address(req, trusted);
  out.emplace_back("X-Forwarded-For", client);
  out.emplace_back("X-Forwarded-Proto", proto);
  out.emplace_back("X-Request-ID", req.request_id);
  return out;
}

http::Response downstream_response(http::ClientResponse&& upstream) {
  http::Response res;
  res.status = upstream.status;
  res.content_type.clear();
  const auto hop_named = connection_tokens(upstream.headers);
  res.headers.reserve(upstream.headers.size());
  for (auto& [name, value] : upstream.headers) {
    if (is_hop_by_hop(name) || listed(hop_named, name)) continue;
    if (iequals(name, "content-length") || iequals(name, "date") || iequals(name, "server")) continue;
    if (iequals(name, "content-type")) {
      res.content_type = std::move(value);
      continue;
    }
    res.headers.emplace_back(std::move(name), std::move(value));
  }
  res.body = std::move(upstream.body);
  res.stream = std::move(upstream.stream);  // re-framed by this gateway's server
  return res;
}

}  // namespace mercato::gateway
