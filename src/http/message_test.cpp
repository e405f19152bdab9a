#include "http/message.hpp"

#include <gtest/gtest.h>

#include "http/envelope.hpp"
#include "http/middleware.hpp"

namespace mercato::http {
namespace {

TEST(Request, query_params_are_decoded) {
  Request r;
  r.target = "/p?q=red+shoe&category_id=abc&empty=&x=%41%42";
  EXPECT_EQ(r.path(), "/p");
  EXPECT_EQ(r.query_param("q").value(), "red shoe");
  EXPECT_EQ(r.query_param("empty").value(), "");
  EXPECT_EQ(r.query_param("x").value(), "AB");
  EXPECT_FALSE(r.query_param("missing").has_value());
  EXPECT_EQ(r.query_names(), (std::vector<std::string>{"q", "category_id", "empty", "x"}));
}

TEST(Request, headers_are_case_insensitive) {
  Request r;
  std::string k = "X-Request-Id", v = "abc";
  r.headers.emplace_back(k, v);
  EXPECT_EQ(r.header("x-request-id").value(), "abc");
  EXPECT_FALSE(r.header("x-request").has_value());
}

TEST(PercentDecode, rejects_truncated_and_bad_escapes) {
  std::string out;
  EXPECT_FALSE(percent_decode("%", out));
  EXPECT_FALSE(percent_decode("%4", out));
  EXPECT_FALSE(percent_decode("%zz", out));
  EXPECT_TRUE(percent_decode("a%2Fb", out));
  EXPECT_EQ(out, "a/b");
}

TEST(PercentDecode, decodes_runs_escapes_and_plus) {
  std::string out = "left over";
  EXPECT_TRUE(percent_decode("plain-text_123", out));
  EXPECT_EQ(out, "plain-text_123");
  EXPECT_TRUE(percent_decode("%41b%43%2b+x", out));
  EXPECT_EQ(out, "AbC+ x");
  EXPECT_TRUE(percent_decode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_TRUE(percent_decode("", out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(percent_decode("ok%4", out));
}

TEST(Envelope, ok_wraps_data_and_meta) {
  auto r = ok(R"({"id":1})", 201, R"({"page":1})");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, R"({"success":true,"data":{"id":1},"meta":{"page":1}})");
}

TEST(Envelope, error_has_code_message_and_details) {
  auto r = error_response(validation_failed({{"price_cents", "must be >= 0"}, {"name", "is \"required\""}}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body,
            R"({"success":false,"error":{"code":"validation_failed","message":"request validation failed",)"
            R"("details":[{"field":"price_cents","message":"must be >= 0"},{"field":"name","message":"is \"required\""}]}})");
}

TEST(Envelope, status_override_keeps_code) {
  auto r = error_response(Error{ErrorCode::bad_request, "too big", {}, 431});
  EXPECT_EQ(r.status, 431);
  EXPECT_NE(r.body.find(R"("code":"bad_request")"), std::string::npos);
}

TEST(RequestId, accepts_only_well_formed_ids) {
  EXPECT_TRUE(is_valid_request_id("0190f3a2-7b1c-7cde-8f00-0123456789ab"));
  EXPECT_TRUE(is_valid_request_id("trace:abc.DEF_1"));
  EXPECT_FALSE(is_valid_request_id(""));
  EXPECT_FALSE(is_valid_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_request_id("a b"));
  EXPECT_FALSE(is_valid_request_id("a\"b"));
  EXPECT_FALSE(is_valid_request_id("line\nbreak"));
  EXPECT_FALSE(is_valid_request_id("<script>"));
}

}  // namespace
}  // namespace mercato::http
