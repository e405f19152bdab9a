#include "http/response_head.hpp"

#include <charconv>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>

namespace mercato::http {

namespace bhttp = boost::beast::http;

std::string_view reason_phrase(int status) {
  const auto r = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  return {r.data(), r.size()};
}

std::string_view http_date() {
  // RFC 9110 wants a Date on every response; formatting it once per second per thread keeps it
  // off the profile.
  thread_local std::time_t cached_at = 0;
  thread_local char buf[64];
  thread_local std::size_t len = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_at = now;
  }
  return {buf, len};
}

namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ", 2).append(value).append("\r\n", 2);
}

bool server_owned(std::string_view name) {
  return iequals(name, "Connection") || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
}

// The Connection field: the handler's own options (its first Connection field, e.g. naming a
// hop-by-hop field) kept, with close/keep-alive made to say what the server does, as Beast's
// keep_alive() did: HTTP/1.1 keeps the connection unless told otherwise, HTTP/1.0 closes
// unless told to keep it. No field when nothing is left to say.
void append_connection(std::string& out, const Response& res, const ResponseFraming& framing) {
  std::string_view handler_value;
  for (const auto& [name, value] : res.headers) {
    if (iequals(name, "Connection")) {
      handler_value = value;
      break;
    }
  }
  std::string_view drop_a, drop_b, ensure;
  if (framing.version >= 11) {
    if (framing.keep_alive) drop_a = "close", drop_b = "keep-alive";
    else drop_a = "keep-alive", ensure = "close";
  } else {
    if (framing.keep_alive) drop_a = "close", ensure = "keep-alive";
    else drop_a = "close", drop_b = "keep-alive";
  }
  bool any = false, ensured = false;
  auto put = [&](std::string_view token) {
    out.append(any ? std::string_view(", ") : std::string_view("Connection: ")).append(token);
    any = true;
  };
  // Beast's own RFC 9110 list reader, so the tokens kept are the ones its serializer kept.
  for (const auto& t : bhttp::token_list(handler_value)) {
    const std::string_view token(t.data(), t.size());
    if (iequals(token, drop_a) || (!drop_b.empty() && iequals(token, drop_b))) continue;
    if (!ensure.empty() && iequals(token, ensure)) ensured = true;
    put(token);
  }
  if (!ensure.empty() && !ensured) put(ensure);
  if (any) out.append("\r\n", 2);
}

}  // namespace

bool write_response_head(std::string& out, const Response& res, const ResponseFraming& framing) {
  if (res.status < 100 || res.status > 999) throw std::invalid_argument("invalid status-code");
  const auto code = static_cast<unsigned>(res.status);
  // 1xx, 204 and 304 responses end with their head (RFC 9112 §6.3). Content-Length is forbidden
  // on 1xx and 204 (RFC 9110 §8.6); on 304 it would describe the cached representation, which
  // the server does not know, so it is left out there too.
  const bool bodiless = code < 200 || code == 204 || code == 304;

  out.clear();
  char status_line[] = "HTTP/1.1 200 ";
  status_line[5] = static_cast<char>('0' + framing.version / 10);
  status_line[7] = static_cast<char>('0' + framing.version % 10);
  status_line[9] = static_cast<char>('0' + code / 100);
  status_line[10] = static_cast<char>('0' + code / 10 % 10);
  status_line[11] = static_cast<char>('0' + code % 10);
  out.append(status_line, sizeof status_line - 1).append(reason_phrase(res.status)).append("\r\n", 2);

  out.append("Server: mercato\r\n");
  append_field(out, "Date", http_date());
  if (!bodiless && !res.content_type.empty()) append_field(out, "Content-Type", res.content_type);
  // The handler's fields in one pass: sized first, then copied into place (a cached gateway
  // answer has ~20; four appends each, with their checks, were a tenth of its instructions).
  std::size_t fields = 0;
  for (const auto& [name, value] : res.headers) fields += name.size() + value.size() + 4;
  std::size_t at = out.size();
  out.resize(at + fields);
  for (const auto& [name, value] : res.headers) {
    if (server_owned(name)) continue;
    char* p = out.data() + at;
    std::memcpy(p, name.data(), name.size());
    p += name.size();
    *p++ = ':';
    *p++ = ' ';
    std::memcpy(p, value.data(), value.size());
    p += value.size();
    *p++ = '\r';
    *p++ = '\n';
    at = static_cast<std::size_t>(p - out.data());
  }
  out.resize(at);  // less what the server's own fields would have taken

  append_connection(out, res, framing);

  if (!bodiless && framing.streamed) {
    if (framing.version >= 11) out.append("Transfer-Encoding: chunked\r\n");
  } else if (!bodiless) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, res.body.size()).ptr;
    append_field(out, "Content-Length", std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  out.append("\r\n", 2);
  return !bodiless && !framing.head_request;
}

}  // namespace mercato::http
