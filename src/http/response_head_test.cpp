// The hand-written response head against the rules of RFC 9110/9112, and byte for byte against
// what Beast's serializer produced for the same response before the head was written by hand.
#include "http/response_head.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <boost/beast/http.hpp>

namespace mercato::http {
namespace {

namespace bhttp = boost::beast::http;

/// The whole message as the server sends it: head, then the body when one is due.
std::string wire(const Response& res, const ResponseFraming& framing) {
  std::string head;
  bool with_body = write_response_head(head, res, framing);
  return with_body ? head + res.body : head;
}

/// The server's former Beast path (to_beast + bhttp::async_write), serialized to a string.
std::string beast_wire(Response res, const ResponseFraming& framing) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), framing.version};
  out.set(bhttp::field::server, "mercato");
  out.set(bhttp::field::date, http_date());
  bool bodiless = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
  if (!bodiless && !res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (auto& [k, v] : res.headers) out.insert(k, v);
  out.keep_alive(framing.keep_alive);
  if (!bodiless) {
    std::size_t size = res.body.size();
    if (!framing.head_request) out.body() = std::move(res.body);
    out.content_length(size);
  }
  std::ostringstream os;
  os << out;
  return os.str();
}

/// Both sides read the clock; a second may tick between them.
std::string without_date(std::string s) {
  auto at = s.find("\r\nDate: ");
  if (at != std::string::npos) s.erase(at + 8, s.find("\r\n", at + 2) - (at + 8));
  return s;
}

Response json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(ResponseHead, ok_response_is_status_line_fields_and_length) {
  std::string head;
  ResponseFraming framing;
  EXPECT_TRUE(write_response_head(head, json(200, R"({"ok":1})"), framing));
  std::string expected = "HTTP/1.1 200 OK\r\nServer: mercato\r\nDate: " + std::string(http_date()) +
                         "\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n";
  EXPECT_EQ(head, expected);
}

TEST(ResponseHead, head_request_has_length_of_the_body_and_no_body) {
  std::string head;
  ResponseFraming framing;
  framing.head_request = true;
  EXPECT_FALSE(write_response_head(head, json(200, "hello world"), framing));
  EXPECT_NE(head.find("Content-Length: 11\r\n"), std::string::npos) << head;
}

TEST(ResponseHead, no_content_and_not_modified_have_neither_body_nor_length_nor_type) {
  for (int status : {100, 204, 304}) {
    std::string head;
    Response r = json(status, "ignored");
    EXPECT_FALSE(write_response_head(head, r, ResponseFraming{})) << status;
    EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
    EXPECT_EQ(head.find("Content-Type"), std::string::npos) << head;
  }
}

TEST(ResponseHead, empty_body_still_says_length_zero) {
  std::string head;
  EXPECT_TRUE(write_response_head(head, json(200, ""), ResponseFraming{}));
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos) << head;
}

TEST(ResponseHead, closing_http11_connection_says_close) {
  std::string head;
  ResponseFraming framing;
  framing.keep_alive = false;
  write_response_head(head, json(200, "x"), framing);
  EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos) << head;
  framing.keep_alive = true;
  write_response_head(head, json(200, "x"), framing);
  EXPECT_EQ(head.find("Connection"), std::string::npos) << head;
}

TEST(ResponseHead, http10_keep_alive_is_explicit_and_close_is_silent) {
  std::string head;
  ResponseFraming framing;
  framing.version = 10;
  write_response_head(head, json(200, "x"), framing);
  EXPECT_EQ(head.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << head;
  framing.keep_alive = false;
  write_response_head(head, json(200, "x"), framing);
  EXPECT_EQ(head.find("Connection"), std::string::npos) << head;
}

TEST(ResponseHead, handler_connection_options_are_kept_and_close_follows_the_server) {
  Response r = json(200, "abc");
  r.headers = {{"Connection", "close, X-Upstream-Hop"}, {"X-Upstream-Hop", "1"}};
  std::string head;
  write_response_head(head, r, ResponseFraming{});  // the server keeps the connection
  EXPECT_NE(head.find("\r\nConnection: X-Upstream-Hop\r\n"), std::string::npos) << head;
  ResponseFraming closing;
  closing.keep_alive = false;
  write_response_head(head, r, closing);
  EXPECT_NE(head.find("\r\nConnection: close, X-Upstream-Hop\r\n"), std::string::npos) << head;
}

TEST(ResponseHead, handler_framing_fields_are_not_written) {
  Response r = json(200, "abc");
  r.headers = {{"Content-Length", "99"}, {"Transfer-Encoding", "chunked"}, {"ETag", "\"v1\""}};
  std::string head;
  write_response_head(head, r, ResponseFraming{});
  EXPECT_EQ(head.find("99"), std::string::npos) << head;
  EXPECT_EQ(head.find("chunked"), std::string::npos) << head;
  EXPECT_NE(head.find("ETag: \"v1\"\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Length: 3\r\n"), std::string::npos) << head;
}

TEST(ResponseHead, reused_buffer_is_replaced_not_appended) {
  std::string head;
  write_response_head(head, json(404, std::string(100, 'x')), ResponseFraming{});
  write_response_head(head, json(200, "x"), ResponseFraming{});
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(head.find("404"), std::string::npos);
}

TEST(ResponseHead, status_outside_three_digits_is_refused) {
  std::string head;
  EXPECT_THROW(write_response_head(head, json(1000, ""), ResponseFraming{}), std::invalid_argument);
  EXPECT_THROW(write_response_head(head, json(99, ""), ResponseFraming{}), std::invalid_argument);
}

TEST(ResponseHead, date_is_an_imf_fixdate) {
  auto d = http_date();
  ASSERT_EQ(d.size(), 29u) << d;  // "Sun, 06 Nov 1994 08:49:37 GMT"
  EXPECT_EQ(d.substr(25), " GMT");
  EXPECT_EQ(d[3], ',');
}

TEST(ResponseHead, bytes_match_beast_serializer_for_every_framing) {
  const std::vector<std::pair<std::string, std::string>> header_sets[] = {
      {},
      {{"ETag", "\"p1-3\""}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Cache-Control", "no-store"}},
      {{"X-Request-ID", "0190b0c4-0000-7000-8000-000000000000"}, {"Vary", "Origin"}},
      {{"Connection", "X-Upstream-Hop"}, {"X-Upstream-Hop", "1"}},
      {{"connection", "close"}},
      {{"Connection", "Keep-Alive"}},
      {{"Connection", ",X-A , close,, keep-alive ,X-B"}, {"Connection", "X-Second"}},
      {{"Connection", "X-A \"quoted\", X-B"}},
      {{"Connection", ""}},
  };
  int cases = 0;
  for (int status : {100, 200, 201, 204, 301, 304, 400, 401, 404, 413, 422, 429, 431, 500, 503, 299, 799})
    for (unsigned version : {10u, 11u})
      for (bool keep_alive : {true, false})
        for (bool head_request : {false, true})
          for (const auto& headers : header_sets)
            for (std::string content_type : {"application/json", ""})
              for (std::string body : {"", R"({"success":true,"data":{"status":"live"}})"}) {
                Response r = json(status, body);
                r.content_type = content_type;
                r.headers = headers;
                ResponseFraming framing{version, keep_alive, head_request};
                ASSERT_EQ(without_date(wire(r, framing)), without_date(beast_wire(r, framing)))
                    << "status " << status << " version " << version << " keep_alive " << keep_alive << " head "
                    << head_request;
                ++cases;
              }
  EXPECT_GT(cases, 1000);
}

}  // namespace
}  // namespace mercato::http
