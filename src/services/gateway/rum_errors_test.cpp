#include "services/gateway/rum_errors.hpp"

#include <gtest/gtest.h>

namespace mercato::gateway {
namespace {

std::vector<std::string> fields_of(const Result<BrowserErrorReport>& r) {
  std::vector<std::string> out;
  if (!r.ok())
    for (const auto& d : r.error().details) out.push_back(d.field);
  if (!r.ok() && r.error().details.empty()) out.push_back("(" + r.error().message + ")");
  return out;
}

/// A report of one error whose fields are `fields` (a JSON object's members, without braces).
Result<BrowserErrorReport> one(const std::string& fields) {
  return parse_browser_error_report(R"({"page":"/products","errors":[{)" + fields + "}]}");
}

std::string jstr(const std::string& s) { return "\"" + s + "\""; }

TEST(BrowserErrorReport, accepts_every_kind_the_dashboard_sends) {
  auto r = parse_browser_error_report(
      R"({"page":"/products/[id]","errors":[)"
      R"J({"kind":"js","message":"TypeError: x is undefined","stack":"at f (http://h/_next/a.js:1:2)\n\tat g","source":"http://h/_next/a.js","line":1,"column":2},)J"
      R"J({"kind":"unhandled_rejection","message":"boom"},)J"
      R"J({"kind":"render","message":"render failed","stack":"at Page"},)J"
      R"J({"kind":"fetch","message":"GET /api/v1/products failed (503)","method":"GET","url":"/api/v1/products","status":503,)J"
      R"("request_id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->page, "/products/[id]");
  ASSERT_EQ(r->errors.size(), 4u);
  EXPECT_EQ(r->errors[0].kind, "js");
  EXPECT_EQ(r->errors[0].line, 1);
  EXPECT_EQ(r->errors[1].kind, "unhandled_rejection");
  EXPECT_EQ(r->errors[2].kind, "render");
  EXPECT_EQ(r->errors[3].kind, "fetch");
  EXPECT_EQ(r->errors[3].status, 503);
  EXPECT_EQ(r->errors[3].method, "GET");
  EXPECT_EQ(r->errors[3].trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(BrowserErrorReport, a_body_that_is_not_a_json_object_is_bad_request) {
  for (std::string body : {"{nope", "[]", "\"text\"", "", "null", "7"})
    EXPECT_EQ(parse_browser_error_report(body).error().code, ErrorCode::bad_request) << body;
}

TEST(BrowserErrorReport, errors_must_be_a_list_of_one_to_ten) {
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":"/"})")), std::vector<std::string>{"errors"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"errors":[]})")), std::vector<std::string>{"errors"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"errors":{"kind":"js"}})")), std::vector<std::string>{"errors"});
  std::string eleven = R"({"errors":[)";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? "," : "") + R"({"kind":"js","message":"m"})";
  EXPECT_EQ(fields_of(parse_browser_error_report(eleven + "]}")), std::vector<std::string>{"errors"});
  std::string ten = R"({"errors":[)";
  for (int i = 0; i < 10; ++i) ten += std::string(i ? "," : "") + R"({"kind":"js","message":"m"})";
  EXPECT_TRUE(parse_browser_error_report(ten + "]}").ok());
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"errors":[7]})")), std::vector<std::string>{"errors[0]"});
}

TEST(BrowserErrorReport, unknown_and_repeated_fields_are_refused) {
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"errors":[{"kind":"js","message":"m"}],"headers":{}})")),
            std::vector<std::string>{"headers"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","cookie":"x")")), std::vector<std::string>{"errors[0].cookie"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","kind":"fetch")")), std::vector<std::string>{"errors[0].kind"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":"/","page":"/x","errors":[{"kind":"js","message":"m"}]})")),
            std::vector<std::string>{"page"});
}

TEST(BrowserErrorReport, kind_and_message_are_required) {
  EXPECT_EQ(fields_of(one(R"("stack":"s")")), (std::vector<std::string>{"errors[0].kind", "errors[0].message"}));
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"")")), std::vector<std::string>{"errors[0].message"});
}

TEST(BrowserErrorReport, every_bad_field_is_named_at_once) {
  auto r = one(R"("kind":"warning","message":5,"stack":[],"source":true,"line":-1,"column":1.5,"method":"TRACE",)"
               R"("url":"","status":600,"request_id":"a b","trace_id":"00000000000000000000000000000000")");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::validation_failed);
  EXPECT_EQ(fields_of(r), (std::vector<std::string>{"errors[0].kind", "errors[0].message", "errors[0].stack",
                                                    "errors[0].source", "errors[0].line", "errors[0].column",
                                                    "errors[0].method", "errors[0].url", "errors[0].status",
                                                    "errors[0].request_id", "errors[0].trace_id"}));
}

TEST(BrowserErrorReport, wrong_types_are_refused) {
  EXPECT_EQ(fields_of(one(R"("kind":1,"message":"m")")), std::vector<std::string>{"errors[0].kind"});
  EXPECT_EQ(fields_of(one(R"("kind":"fetch","message":"m","status":"503")")), std::vector<std::string>{"errors[0].status"});
  EXPECT_EQ(fields_of(one(R"("kind":"fetch","message":"m","status":true)")), std::vector<std::string>{"errors[0].status"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","line":1e3)")), std::vector<std::string>{"errors[0].line"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","line":10000001)")), std::vector<std::string>{"errors[0].line"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736")")),
            std::vector<std::string>{"errors[0].trace_id"});
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","trace_id":"4bf92f3577b34da6a3ce929d0e0e473")")),
            std::vector<std::string>{"errors[0].trace_id"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":7,"errors":[{"kind":"js","message":"m"}]})")),
            std::vector<std::string>{"page"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":"products","errors":[{"kind":"js","message":"m"}]})")),
            std::vector<std::string>{"page"});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":"","errors":[{"kind":"js","message":"m"}]})")),
            std::vector<std::string>{"page"});
}

TEST(BrowserErrorReport, text_is_capped_in_bytes) {
  using L = BrowserErrorLimits;
  EXPECT_TRUE(one(R"("kind":"js","message":)" + jstr(std::string(L::max_message, 'm'))).ok());
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":)" + jstr(std::string(L::max_message + 1, 'm')))),
            std::vector<std::string>{"errors[0].message"});
  // 167 three-byte characters are 501 bytes though only 167 characters.
  std::string wide;
  for (int i = 0; i < 167; ++i) wide += "\xe2\x82\xac";
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":)" + jstr(wide))), std::vector<std::string>{"errors[0].message"});
  EXPECT_TRUE(one(R"("kind":"js","message":"m","stack":)" + jstr(std::string(L::max_stack, 's'))).ok());
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","stack":)" + jstr(std::string(L::max_stack + 1, 's')))),
            std::vector<std::string>{"errors[0].stack"});
  for (std::string f : {"source", "url"})
    EXPECT_EQ(fields_of(one(R"("kind":"fetch","message":"m",")" + f + "\":" + jstr("/" + std::string(L::max_url, 'u')))),
              std::vector<std::string>{"errors[0]." + f});
  EXPECT_EQ(fields_of(parse_browser_error_report(R"({"page":)" + jstr("/" + std::string(L::max_url, 'p')) +
                                                 R"(,"errors":[{"kind":"js","message":"m"}]})")),
            std::vector<std::string>{"page"});
  EXPECT_EQ(fields_of(one(R"("kind":"fetch","message":"m","request_id":)" + jstr(std::string(129, 'r')))),
            std::vector<std::string>{"errors[0].request_id"});
}

TEST(BrowserErrorReport, control_characters_are_refused) {
  // Each would let a reported message forge or hide part of a log line when read in a terminal.
  for (std::string bad : {R"(a\u0000b)", R"(a\nb)", R"(a\rb)", R"(a\u001bb)", R"(a\u007fb)", R"(a\u0085b)",
                          R"(a\u2028b)", R"(a\u202eb)", R"(a\u2067b)"}) {
    EXPECT_EQ(fields_of(one(R"("kind":"js","message":")" + bad + "\"")), std::vector<std::string>{"errors[0].message"})
        << bad;
    EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","source":")" + bad + "\"")),
              std::vector<std::string>{"errors[0].source"})
        << bad;
  }
  // A stack keeps its lines and indentation, nothing else.
  EXPECT_TRUE(one(R"("kind":"js","message":"m","stack":"at a\n\tat b")").ok());
  EXPECT_EQ(fields_of(one(R"("kind":"js","message":"m","stack":"at a\r\nat b")")), std::vector<std::string>{"errors[0].stack"});
  // Other non-ASCII text is fine.
  EXPECT_TRUE(one(R"("kind":"js","message":"Prix non défini — 価格")").ok());
}

TEST(StripUrlQueries, removes_query_and_fragment_of_every_url_or_path) {
  EXPECT_EQ(strip_url_queries("/products?token=abc#x"), "/products");
  EXPECT_EQ(strip_url_queries("GET /api/v1/products?q=secret failed (503)"), "GET /api/v1/products failed (503)");
  EXPECT_EQ(strip_url_queries("http://h:3000/login?next=/users&access_token=e.y.j"), "http://h:3000/login");
  EXPECT_EQ(strip_url_queries("at f (http://h/_next/static/a.js?dpl=abc:12:5)\n\tat g (http://h/b.js#frag:3)"),
            "at f (http://h/_next/static/a.js:12:5)\n\tat g (http://h/b.js:3)");
  EXPECT_EQ(strip_url_queries("\"https://x.test/p?a=1\", 'https://y.test/#z'"), "\"https://x.test/p\", 'https://y.test/'");
  EXPECT_EQ(strip_url_queries("at http://[::1]:3000/products/[id]?q=1 now"), "at http://[::1]:3000/products/[id] now");
  // Words without a path before the '?' are left alone.
  EXPECT_EQ(strip_url_queries("what? why#1 ok"), "what? why#1 ok");
  EXPECT_EQ(strip_url_queries(""), "");
}

}  // namespace
}  // namespace mercato::gateway
