#include "services/gateway/compression.hpp"

#include <forward_list>

#include "core/metrics.hpp"
#include "http/envelope.hpp"

namespace mercato::gateway {

namespace {

using http::iequals;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether a comma-separated field value lists `token` (case-insensitive).
bool lists(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
  return false;
}

bool any_field_lists(const http::Response& res, std::string_view name, std::string_view token) {
  for (const auto& [k, v] : res.headers)
    if (iequals(k, name) && lists(v, token)) return true;
  return false;
}

bool has_field(const http::Response& res, std::string_view name) { return res.header(name).has_value(); }

// A request body coded with anything but identity; the field may list several codings.
bool coded_request_body(const http::Request& req) {
  for (const auto& [k, v] : req.headers) {
    if (!iequals(k, "content-encoding")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto coding = trim(rest.substr(0, comma));
      if (!coding.empty() && !iequals(coding, "identity")) return true;
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  return false;
}

http::Response unsupported_coding() {
  auto res = http::error_response(
      Error{ErrorCode::unsupported_media_type, "request bodies must not be compressed (Content-Encoding: identity only)"});
  res.set_header("Accept-Encoding", "identity");  // RFC 9110 §12.5.3: which codings requests may use
  return res;
}

// Looked up once per (coding, by): the middleware counts on its per-request path.
metrics::Counter& compressions(http::Encoding e, std::string_view by) {
  static auto& family = metrics::Registry::global().counter(
      "gateway_compressions_total", "Bodies the gateway coded, by coding and by whom (middleware or cache)",
      {"coding", "by"});
  static metrics::Counter* const table[2][2] = {
      {&family.with({"gzip", "middleware"}), &family.with({"gzip", "cache"})},
      {&family.with({"br", "middleware"}), &family.with({"br", "cache"})},
  };
  return *table[e == http::Encoding::br ? 1 : 0][by == "cache" ? 1 : 0];
}

}  // namespace

std::optional<std::string> counted_compress(http::Encoding e, std::string_view body, std::string_view by) {
  if (e == http::Encoding::identity) return std::nullopt;
  compressions(e, by).inc();
  return http::compress(e, body);
}

std::vector<http::Encoded> code_for_cache(std::string_view body) {
  std::vector<http::Encoded> out;
  for (auto e : {http::Encoding::gzip, http::Encoding::br})
    if (auto bytes = counted_compress(e, body, "cache")) out.push_back({e, std::move(*bytes)});
  return out;
}

http::Encoding accepted_encoding(const http::Request& req) {
  std::optional<std::string_view> first;
  std::string joined;
  int fields = 0;
  for (const auto& [k, v] : req.headers) {
    if (!iequals(k, "accept-encoding")) continue;
    // A client splitting the field into many lines is not one worth decoding for.
    if (++fields > 8) return http::Encoding::identity;
    if (!first) {
      first = v;
      continue;
    }
    if (joined.empty()) joined = *first;
    joined += ',';
    joined += v;
  }
  if (!joined.empty()) return http::choose(std::string_view(joined));
  return http::choose(first);
}

bool carries_secret(const http::Request& req, const http::Response& res) {
  return req.path().starts_with("/api/v1/auth/") || has_field(res, "set-cookie");
}

bool compressible(const http::Request& req, const http::Response& res, std::size_t min_bytes) {
  // A streamed body is never held whole, so there is nothing to code in one piece (and a
  // coded stream would need its own framing of the coding's blocks): it goes as it is.
  if (min_bytes == 0 || req.method == http::Method::HEAD || res.stream) return false;
  if (res.status < 200 || res.status == 204 || res.status == 206 || res.status == 304) return false;
  if (res.body.size() < min_bytes || !http::compressible_type(res.content_type)) return false;
  if (has_field(res, "content-encoding") || any_field_lists(res, "cache-control", "no-transform")) return false;
  return !carries_secret(req, res);
}

void vary_on_accept_encoding(http::Response& res) {
  if (any_field_lists(res, "vary", "accept-encoding") || any_field_lists(res, "vary", "*")) return;
  for (auto& [k, v] : res.headers)
    if (iequals(k, "vary")) {
      v += trim(v).empty() ? "Accept-Encoding" : ", Accept-Encoding";
      return;
    }
  res.headers.emplace_back("Vary", "Accept-Encoding");
}

void set_coded_body(http::Response& res, http::Encoding e, std::string bytes) {
  res.body = std::move(bytes);  // the server writes Content-Length from the body
  res.set_header("Content-Encoding", std::string(http::encoding_name(e)));
  for (auto& [k, v] : res.headers)
    if (iequals(k, "etag")) v = http::coded_etag(v, e);
  vary_on_accept_encoding(res);
}

http::Middleware compression(std::size_t min_bytes) {
  return [min_bytes](http::Request& req, const http::Next& next) -> asio::awaitable<http::Response> {
    if (coded_request_body(req)) co_return unsupported_coding();

    // The services compare validators of their plain representation: suffixes off. The
    // rewritten values live here, in the coroutine's frame, for as long as the request (a
    // list: its elements never move, and unlike a deque it allocates nothing while empty, as
    // it is for nearly every request).
    std::forward_list<std::string> rewritten;
    std::string if_none_match;  // as the client sent it, for a 304's ETag
    for (auto& [k, v] : req.headers) {
      const bool inm = iequals(k, "if-none-match");
      if (!inm && !iequals(k, "if-match")) continue;
      if (inm) if_none_match.append(v).append(",");
      if (auto stripped = http::strip_coding_suffixes(v)) v = rewritten.emplace_front(std::move(*stripped));
    }

    const http::Encoding enc = min_bytes == 0 ? http::Encoding::identity : accepted_encoding(req);
    http::Response res = co_await next(req);

    if (res.status == 304) {
      // The 304 stands for the representation the client holds: if it named the coded tag of
      // the coding it would get now, that tag (and the Vary of that answer) goes back.
      if (enc == http::Encoding::identity) co_return res;
      for (auto& [k, v] : res.headers)
        if (iequals(k, "etag")) {
          auto coded = http::coded_etag(v, enc);
          if (coded != v && if_none_match.find(coded) != std::string::npos) {
            v = std::move(coded);
            vary_on_accept_encoding(res);
          }
          break;
        }
      co_return res;
    }
    if (!compressible(req, res, min_bytes)) co_return res;
    vary_on_accept_encoding(res);  // this answer varies, whatever this client accepts
    if (enc == http::Encoding::identity) co_return res;
    if (auto coded = counted_compress(enc, res.body, "middleware")) set_coded_body(res, enc, std::move(*coded));
    co_return res;
  };
}

}  // namespace mercato::gateway
