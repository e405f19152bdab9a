#include "http/envelope.hpp"

#include <gtest/gtest.h>

#include <simdjson.h>

namespace mercato::http {
namespace {

Error with_details(std::size_t n) {
  std::vector<FieldError> d;
  for (std::size_t i = 0; i < n; ++i) d.push_back({"f" + std::to_string(i), "is not a known field"});
  return validation_failed(std::move(d));
}

TEST(Envelope, error_details_up_to_the_cap_are_written_as_they_are) {
  simdjson::dom::parser p;
  auto doc = p.parse(error_body(with_details(kMaxErrorDetails)));
  EXPECT_EQ(doc["error"]["details"].get_array().size(), kMaxErrorDetails);
  EXPECT_EQ(std::string_view(doc["error"]["message"].get_string()), "request validation failed");
}

TEST(Envelope, a_longer_detail_list_is_cut_and_the_message_says_so) {
  simdjson::dom::parser p;
  const std::string body = error_body(with_details(120'000));
  auto doc = p.parse(body);
  auto details = doc["error"]["details"].get_array();
  ASSERT_EQ(details.size(), kMaxErrorDetails);
  EXPECT_EQ(std::string_view(details.at(49)["field"].get_string()), "f49");
  EXPECT_EQ(std::string_view(doc["error"]["message"].get_string()),
            "request validation failed (the first 50 of 120000 problems are listed)");
  EXPECT_EQ(std::string_view(doc["error"]["code"].get_string()), "validation_failed");
  EXPECT_LT(body.size(), 4096u);
}

TEST(Envelope, a_503_says_when_to_try_again_and_no_other_error_does) {
  const Response busy = error_response(unavailable("too many searches at once"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.header("Retry-After"), std::optional<std::string_view>("1"));
  EXPECT_FALSE(error_response(not_found()).header("Retry-After"));
  EXPECT_FALSE(error_response(internal_error()).header("Retry-After"));
}

}  // namespace
}  // namespace mercato::http
