// Inputs the fuzz harness tests/fuzz/query_string.cpp found, kept as regressions.
#include <gtest/gtest.h>

#include "http/message.hpp"

namespace mercato::http {
namespace {

Request with_target(std::string target) {
  Request r;
  r.target = std::move(target);
  return r;
}

// `=x` names no parameter: it was reported as an unknown parameter with an empty field name.
TEST(QueryFuzz, a_pair_without_a_name_is_no_parameter) {
  auto r = with_target("/p?=x&page=2&&=&q");
  EXPECT_EQ(r.query_names(), (std::vector<std::string>{"page", "q"}));
  EXPECT_FALSE(r.query_param("").has_value());
  EXPECT_EQ(r.query_param("page"), "2");
}

}  // namespace
}  // namespace mercato::http
