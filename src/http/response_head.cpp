#include "http/response_head.hpp"

#include <charconv>
#include <ctime>
#include <stdexcept>

namespace mercato::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 102: return "Processing";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 207: return "Multi-Status";
    case 208: return "Already Reported";
    case 226: return "IM Used";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 423: return "Locked";
    case 424: return "Failed Dependency";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 444: return "Connection Closed Without Response";
    case 451: return "Unavailable For Legal Reasons";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 506: return "Variant Also Negotiates";
    case 507: return "Insufficient Storage";
    case 508: return "Loop Detected";
    case 510: return "Not Extended";
    case 511: return "Network Authentication Required";
    case 599: return "Network Connect Timeout Error";
    default: return "<unknown-status>";
  }
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

// tchar of RFC 9110 §5.6.2.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Calls f(token) for each token of a comma-separated list (RFC 9110 §5.6.1). Reading stops at
// the first character that fits no list, as Beast's token_list does.
template <class F>
void for_each_token(std::string_view list, F&& f) {
  std::size_t i = 0;
  bool need_comma = false;
  while (i < list.size()) {
    char c = list[i];
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == ',') {
      need_comma = false;
      ++i;
    } else if (is_token_char(c) && !need_comma) {
      std::size_t start = i;
      while (i < list.size() && is_token_char(list[i])) ++i;
      f(list.substr(start, i - start));
      need_comma = true;
    } else {
      return;
    }
  }
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
  for_each_token(handler_value, [&](std::string_view token) {
    if (iequals(token, drop_a) || (!drop_b.empty() && iequals(token, drop_b))) return;
    if (!ensure.empty() && iequals(token, ensure)) ensured = true;
    put(token);
  });
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
  for (const auto& [name, value] : res.headers)
    if (!server_owned(name)) append_field(out, name, value);

  append_connection(out, res, framing);

  if (!bodiless) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, res.body.size()).ptr;
    append_field(out, "Content-Length", std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  out.append("\r\n", 2);
  return !bodiless && !framing.head_request;
}

}  // namespace mercato::http
