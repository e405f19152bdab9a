// set_fields sets several fields exactly as the same set_header calls in a row would.
#include "http/set_fields.hpp"

#include <gtest/gtest.h>

namespace mercato::http {
namespace {

Response with(std::vector<std::pair<std::string, std::string>> fields) {
  Response r;
  r.headers = std::move(fields);
  return r;
}

TEST(SetFields, GivesWhatTheSameSetHeaderCallsInARowGive) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> starts = {
      {},
      {{"ETag", "\"1\""}},
      {{"x-frame-options", "ALLOWALL"}, {"Vary", "Origin"}},
      {{"X-Frame-Options", "SAMEORIGIN"}, {"X-FRAME-OPTIONS", "second"}, {"referrer-policy", "unsafe-url"}},
      {{"X-Content-Type-Options", "sniff"}, {"Referrer-Policy", "origin"}, {"X-Frame-Options", "x"}, {"Age", "3"}},
  };
  for (const auto& start : starts) {
    Response one_by_one = with(start), at_once = with(start);
    one_by_one.set_header("X-Content-Type-Options", "nosniff");
    one_by_one.set_header("Referrer-Policy", "no-referrer");
    one_by_one.set_header("X-Frame-Options", "DENY");
    set_fields(at_once, std::array<Field, 3>{{{"X-Content-Type-Options", "nosniff"},
                                             {"Referrer-Policy", "no-referrer"},
                                             {"X-Frame-Options", "DENY"}}});
    EXPECT_EQ(at_once.headers, one_by_one.headers) << start.size() << " fields before";
  }
}

TEST(SetFields, ReplacesTheFirstFieldOfANameWhateverItsCaseAndAppendsTheRestInOrder) {
  Response r = with({{"ratelimit-limit", "1"}, {"Content-Language", "en"}, {"RateLimit-Limit", "2"}});
  set_fields(r, std::array<Field, 2>{{{"RateLimit-Limit", "100"}, {"RateLimit-Remaining", "99"}}});
  const std::vector<std::pair<std::string, std::string>> want = {
      {"ratelimit-limit", "100"}, {"Content-Language", "en"}, {"RateLimit-Limit", "2"}, {"RateLimit-Remaining", "99"}};
  EXPECT_EQ(r.headers, want);
}

}  // namespace
}  // namespace mercato::http
