#include "services/catalog/csv_writer.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

std::string text(std::string_view cell) {
  std::string out;
  csv_text(out, cell);
  return out;
}

std::string value(std::string_view cell) {
  std::string out;
  csv_value(out, cell);
  return out;
}

TEST(CsvWriter, plain_cells_are_copied) {
  EXPECT_EQ(text("Oak table"), "Oak table");
  EXPECT_EQ(text(""), "");
  EXPECT_EQ(value("12990"), "12990");
}

TEST(CsvWriter, comma_quote_cr_and_lf_are_quoted_with_quotes_doubled) {
  EXPECT_EQ(text("a,b"), "\"a,b\"");
  EXPECT_EQ(text("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(text("\""), "\"\"\"\"");
  EXPECT_EQ(text("line1\nline2"), "\"line1\nline2\"");
  EXPECT_EQ(text("a\r\nb"), "\"a\r\nb\"");
  EXPECT_EQ(value("{\"color\":\"red\",\"size\":2}"), "\"{\"\"color\"\":\"\"red\"\",\"\"size\"\":2}\"");
}

TEST(CsvWriter, formula_starts_get_a_leading_apostrophe) {
  EXPECT_EQ(text("=1+1"), "'=1+1");
  EXPECT_EQ(text("+41 79"), "'+41 79");
  EXPECT_EQ(text("-5"), "'-5");
  EXPECT_EQ(text("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(text("\tx"), "'\tx");
  // Quoted because of the comma: the apostrophe goes inside the quotes, as the first character.
  EXPECT_EQ(text("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(text("\rcmd"), "\"'\rcmd\"");
  // Only the first character counts.
  EXPECT_EQ(text("a=b"), "a=b");
  EXPECT_EQ(text("'=already"), "'=already");
}

TEST(CsvWriter, values_the_service_formats_are_never_prefixed) {
  EXPECT_EQ(value("-5"), "-5");
  EXPECT_EQ(value("2026-12-05T21:00:00.000000Z"), "2026-12-05T21:00:00.000000Z");
}

TEST(CsvWriter, utf8_is_copied_byte_for_byte) {
  EXPECT_EQ(text("Café – 日本 😀"), "Café – 日本 😀");
  EXPECT_EQ(text("Ça, va"), "\"Ça, va\"");
}

TEST(CsvWriter, records_end_with_crlf) {
  std::string out;
  csv_value(out, "id");
  out.push_back(',');
  csv_text(out, "name");
  csv_end_record(out);
  EXPECT_EQ(out, "id,name\r\n");
}

}  // namespace
}  // namespace mercato::catalog
