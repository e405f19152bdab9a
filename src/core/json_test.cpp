#include "core/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace mercato::json {
namespace {

std::string as_json_string(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

TEST(AppendQuoted, escapes_quote_backslash_and_named_controls) {
  EXPECT_EQ(as_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json_string("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

TEST(AppendQuoted, escapes_other_controls_as_u00xx) {
  EXPECT_EQ(as_json_string(std::string_view("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(as_json_string("\x7f/"), "\"\x7f/\"");  // DEL and '/' need no escape in JSON
}

TEST(AppendQuoted, passes_valid_utf8_through) {
  EXPECT_EQ(as_json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST(AppendQuoted, replaces_each_invalid_utf8_byte_with_fffd) {
  EXPECT_EQ(as_json_string("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(as_json_string("\x80"), R"("\ufffd")");                    // lone continuation byte
  EXPECT_EQ(as_json_string("\xc0\xaf"), R"("\ufffd\ufffd")");          // overlong '/'
  EXPECT_EQ(as_json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // UTF-16 surrogate
  EXPECT_EQ(as_json_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(as_json_string("\xe2\x82"), R"("\ufffd\ufffd")");          // truncated at the end
}

// append_quoted skips eight plain bytes at a time: every byte value, at every position of two
// words and a tail, must come out as escaping it alone gives.
TEST(AppendQuoted, every_byte_at_every_offset_is_escaped_as_alone) {
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    const std::string alone = as_json_string(one);
    const std::string escaped = alone.substr(1, alone.size() - 2);
    for (std::size_t at = 0; at < 19; ++at) {
      std::string s(19, 'a');
      s[at] = static_cast<char>(b);
      std::string want = "\"";  // appended piece by piece: g++ 12 warns (-Wrestrict) on the `+` chain
      want.append(at, 'a').append(escaped).append(18 - at, 'a').append("\"");
      ASSERT_EQ(as_json_string(s), want) << "byte " << b << " at " << at;
    }
  }
  // The byte-by-byte reference for the bytes that need escaping.
  EXPECT_EQ(as_json_string("\""), R"("\"")");
  EXPECT_EQ(as_json_string(std::string_view("\x00", 1)), R"("\u0000")");
  EXPECT_EQ(as_json_string("\x80"), R"("\ufffd")");
  // A valid sequence across a word boundary, and after a long plain run.
  EXPECT_EQ(as_json_string("abcdefg\xc3\xa9hijklmnop"), "\"abcdefg\xc3\xa9hijklmnop\"");
  EXPECT_EQ(as_json_string("0123456789abcdef\"x"), R"("0123456789abcdef\"x")");
}

TEST(AppendQuoted, appends_without_touching_what_is_there) {
  std::string out = "x=";
  append_quoted(out, "y");
  EXPECT_EQ(out, "x=\"y\"");
}

TEST(AppendQuoted, every_ascii_character_round_trips_through_simdjson) {
  std::string all;
  for (int c = 0; c < 128; ++c) all += static_cast<char>(c);
  all += "\xc3\xa9\xf0\x9f\x98\x80";
  auto doc = Document::parse(as_json_string(all));
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  std::string_view back;
  ASSERT_EQ((*doc)->root().get(back), simdjson::SUCCESS);
  EXPECT_EQ(back, all);
}

TEST(DocumentParse, gives_the_root_of_valid_json) {
  auto doc = Document::parse(R"({"name":"Mug","price_cents":1299,"tags":["a"]})");
  ASSERT_TRUE(doc.ok());
  std::int64_t price = 0;
  ASSERT_EQ((*doc)->root()["price_cents"].get(price), simdjson::SUCCESS);
  EXPECT_EQ(price, 1299);
}

TEST(DocumentParse, invalid_json_is_bad_request_with_the_parser_reason) {
  for (std::string_view bad : {"", "{", "{\"a\":}", "[1,2", "nul", "{\"a\":1} x", "\"\xff\""}) {
    auto doc = Document::parse(bad);
    ASSERT_FALSE(doc.ok()) << bad;
    EXPECT_EQ(doc.error().code, ErrorCode::bad_request);
    EXPECT_EQ(doc.error().http_status(), 400);
    EXPECT_TRUE(doc.error().message.starts_with("request body is not valid JSON: ")) << doc.error().message;
    EXPECT_GT(doc.error().message.size(), std::string_view("request body is not valid JSON: ").size());
  }
}

TEST(Writer, writes_nested_values_compactly) {
  std::string out;
  {
    Writer w(out);
    w.begin_object()
        .key("id").integer(42)
        .key("ok").boolean(true)
        .key("none").null()
        .key("price").number(12.5)
        .key("tags").begin_array().string("a").string("b").end_array()
        .key("empty").begin_object().end_object()
        .end_object();
  }
  EXPECT_EQ(out, R"({"id":42,"ok":true,"none":null,"price":12.5,"tags":["a","b"],"empty":{}})");
}

TEST(Writer, escapes_keys_and_strings) {
  std::string out;
  Writer w(out);
  w.begin_object().key("k\"\n").string("v\\\x01\xff").end_object();
  EXPECT_EQ(out, R"({"k\"\n":"v\\\u0001\ufffd"})");
}

TEST(Writer, raw_inserts_fragments_verbatim_with_separators) {
  std::string out;
  Writer w(out);
  w.begin_object().key("a").raw(R"({"x":[1,2]})").key("b").begin_array().raw("1").raw("\"s\"").end_array().end_object();
  EXPECT_EQ(out, R"({"a":{"x":[1,2]},"b":[1,"s"]})");
}

TEST(Writer, appends_to_existing_content) {
  std::string out = "prefix:";
  Writer w(out);
  w.begin_array().integer(1).end_array();
  EXPECT_EQ(out, "prefix:[1]");
}

TEST(Writer, numbers_at_the_edges) {
  std::string out;
  Writer w(out);
  w.begin_array()
      .integer(std::numeric_limits<std::int64_t>::min())
      .integer(std::numeric_limits<std::int64_t>::max())
      .number(std::nan(""))
      .number(std::numeric_limits<double>::infinity())
      .number(0.1)
      .end_array();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,null,null,0.1]");
}

}  // namespace
}  // namespace mercato::json
