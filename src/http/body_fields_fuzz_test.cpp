// Inputs the fuzz harness tests/fuzz/body_fields.cpp found, kept as regressions.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "http/body_fields.hpp"

namespace mercato::http {
namespace {

std::vector<std::string> problems(std::string_view body, std::string prefix = {}) {
  auto doc = json::Document::parse(body);
  EXPECT_TRUE(doc);
  BodyFields f((*doc)->root(), std::move(prefix));
  (void)f.text("name", TextRule{0, 10});
  std::vector<std::string> out;
  for (const auto& e : f.finish()) out.push_back(e.field + ": " + e.message);
  return out;
}

// A member named "" was reported with an empty field name, which names nothing to the client.
TEST(BodyFieldsFuzz, a_member_with_an_empty_name_is_reported_under_a_visible_name) {
  EXPECT_EQ(problems(R"({"":"x"})"), (std::vector<std::string>{"(empty name): is not a known field"}));
  EXPECT_EQ(problems(R"({"":1,"":2})", "images[0]."),
            (std::vector<std::string>{"images[0].(empty name): is given more than once",
                                      "images[0].(empty name): is not a known field"}));
}

}  // namespace
}  // namespace mercato::http
