// parse_request: the server's read step on bytes, without a socket (the fuzz harness
// tests/fuzz/http_request.cpp drives the same function with hostile bytes).
#include <gtest/gtest.h>

#include "http/server.hpp"

namespace mercato::http {
namespace {

ServerOptions limits() {
  ServerOptions o;
  o.max_header = 256;
  o.max_body = 16;
  return o;
}

struct Seen {
  int calls = 0;
  Method method = Method::OTHER;
  std::string target, body, host;
};

ParseOutcome parse(std::string_view bytes, Seen& seen, std::size_t read_size = std::string_view::npos) {
  return parse_request(
      bytes, limits(),
      [&](const Request& r) {
        ++seen.calls;
        seen.method = r.method;
        seen.target = r.target;
        seen.body = r.body;
        seen.host = std::string(r.header("host").value_or(""));
      },
      read_size);
}

constexpr std::string_view kTwo =
    "POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
    "GET /b HTTP/1.1\r\nHost: h\r\n\r\n";

TEST(ParseRequest, first_of_two_pipelined_requests_is_complete_and_consumes_only_itself) {
  Seen seen;
  auto out = parse(kTwo, seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::complete);
  EXPECT_FALSE(out.answer);
  EXPECT_TRUE(out.keep_alive);
  EXPECT_EQ(out.consumed, kTwo.find("GET"));
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.method, Method::POST);
  EXPECT_EQ(seen.target, "/a?x=1");
  EXPECT_EQ(seen.body, "abc");
  EXPECT_EQ(seen.host, "h");
}

TEST(ParseRequest, one_byte_reads_give_the_same_request) {
  Seen seen;
  auto out = parse(kTwo, seen, 1);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::complete);
  EXPECT_EQ(out.consumed, kTwo.find("GET"));
  EXPECT_EQ(seen.target, "/a?x=1");
  EXPECT_EQ(seen.body, "abc");
}

TEST(ParseRequest, bytes_ending_inside_a_request_are_incomplete) {
  Seen seen;
  auto out = parse("GET / HTTP/1.1\r\nHost: h\r\n", seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::incomplete);
  EXPECT_EQ(seen.calls, 0);
}

TEST(ParseRequest, header_block_over_the_limit_is_431_bad_request) {
  Seen seen;
  auto out = parse("GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::refused);
  ASSERT_TRUE(out.answer);
  EXPECT_EQ(out.answer->http_status(), 431);
  EXPECT_EQ(out.answer->code, ErrorCode::bad_request);
  EXPECT_EQ(seen.calls, 0);
}

TEST(ParseRequest, body_over_the_limit_is_413) {
  Seen seen;
  auto out = parse("POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::refused);
  ASSERT_TRUE(out.answer);
  EXPECT_EQ(out.answer->code, ErrorCode::payload_too_large);
}

TEST(ParseRequest, malformed_request_line_is_400) {
  Seen seen;
  auto out = parse("GET / HTTP/9\r\n\r\n", seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::refused);
  ASSERT_TRUE(out.answer);
  EXPECT_EQ(out.answer->code, ErrorCode::bad_request);
  EXPECT_EQ(out.answer->http_status(), 400);
}

TEST(ParseRequest, target_that_is_not_a_path_is_answered_400_without_the_handler) {
  Seen seen;
  auto out = parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", seen);
  EXPECT_EQ(out.kind, ParseOutcome::Kind::complete);
  ASSERT_TRUE(out.answer);
  EXPECT_EQ(out.answer->code, ErrorCode::bad_request);
  EXPECT_EQ(seen.calls, 0);
}

}  // namespace
}  // namespace mercato::http
