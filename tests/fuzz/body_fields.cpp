// http::BodyFields (the JSON body reader of every service) over any JSON: each typed reader
// takes a member, nested objects get their own reader with a path prefix, finish() reports
// the rest. What a reader returns must obey its rule.
#include <cstdint>
#include <string_view>

#include "check.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "http/body_fields.hpp"

using namespace mercato;
using http::BodyFields;

namespace {

bool has_control(std::string_view s, bool multiline) {
  for (unsigned char c : s) {
    if (multiline && (c == '\n' || c == '\r' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

void read(BodyFields& f, int depth) {
  if (auto s = f.text("name", {1, 20}, true)) {
    const auto n = http::utf8_length(*s);
    FUZZ_CHECK(n >= 1 && n <= 20 && !has_control(*s, false));
  }
  if (auto s = f.text("description", {0, 50, true})) FUZZ_CHECK(!has_control(*s, true));
  if (auto s = f.string("password", false, 16)) FUZZ_CHECK(http::utf8_length(*s) <= 16);
  (void)f.boolean("active");
  if (auto n = f.integer("price_cents", -5, 1000)) FUZZ_CHECK(*n >= -5 && *n <= 1000);
  if (auto id = f.nullable_uuid("category_id")) FUZZ_CHECK(id->empty() || ids::is_uuid(*id));
  (void)f.has("extra");
  if (auto child = f.take("child"); child && depth < 3) {
    BodyFields c(*child, f.path("child."));
    read(c, depth + 1);
    for (auto& e : c.finish()) f.errors().push_back(std::move(e));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc = json::Document::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!doc) return 0;
  BodyFields f((*doc)->root());
  read(f, 0);
  for (const auto& e : f.finish()) FUZZ_CHECK(!e.field.empty() && !e.message.empty());
  return 0;
}
