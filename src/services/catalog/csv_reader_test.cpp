#include "services/catalog/csv_reader.hpp"

#include <gtest/gtest.h>

namespace mercato::catalog {
namespace {

std::vector<std::vector<std::string>> fields(const CsvChunk& c) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : c.records) out.push_back(r.fields);
  return out;
}

TEST(CsvReader, reads_rfc4180_records_with_quotes_commas_and_line_breaks) {
  const std::string text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",\n";
  auto c = read_csv(text, 1, true);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(fields(c)[1], (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  EXPECT_EQ(fields(c)[2], (std::vector<std::string>{"2", "two\nlines", ""}));
  EXPECT_EQ(c.records[2].line, 3);
  EXPECT_EQ(c.next_line, 5);
  EXPECT_EQ(c.consumed, text.size());
}

TEST(CsvReader, records_report_the_physical_line_they_start_on) {
  auto c = read_csv("h\n\"a\nb\nc\"\n\nz\n", 1, true);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[1].line, 2);
  EXPECT_EQ(c.records[2].line, 6);  // after a record of three lines and a blank line
}

TEST(CsvReader, an_unfinished_record_stays_for_the_next_part_even_inside_quotes) {
  const std::string part1 = "a,b\n1,\"hal";
  auto c = read_csv(part1, 1, false);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.consumed, 4u);
  EXPECT_EQ(c.next_line, 2);
  const std::string text = part1.substr(c.consumed) + "f\nway\"\n2,x\n";
  auto d = read_csv(text, c.next_line, false);
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].fields, (std::vector<std::string>{"1", "half\nway"}));
  EXPECT_EQ(d.records[0].line, 2);
  EXPECT_EQ(d.records[1].line, 4);
}

TEST(CsvReader, the_last_record_needs_no_line_break_at_the_finish) {
  auto c = read_csv("a,b\n1,2", 1, true);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(CsvReader, an_unterminated_quote_at_the_end_of_the_file_is_a_row_error) {
  auto c = read_csv("a,b\n1,\"open\n", 1, true);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1].error, "a quoted field is not closed before the end of the file");
  EXPECT_EQ(c.records[1].line, 2);
}

TEST(CsvReader, malformed_quotes_are_errors_of_their_record_only) {
  // A stray quote in unquoted text (5" screen) does not open a quoted field: the next line is
  // the next record.
  auto c = read_csv("a\"b,c\n\"x\"y,z\nok,1\n", 1, true);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_NE(c.records[0].error.find("quote inside unquoted field 1"), std::string::npos);
  EXPECT_NE(c.records[1].error.find("after the closing quote"), std::string::npos);
  EXPECT_TRUE(c.records[2].error.empty());
  EXPECT_EQ(c.records[2].line, 3);
}

TEST(CsvReader, a_record_over_the_limit_is_an_error_and_the_next_is_read) {
  CsvLimits limits;
  limits.max_record_bytes = 16;
  const std::string text = "a,b\n" + std::string(40, 'x') + ",y\nok,1\n";
  auto c = read_csv(text, 1, true, {}, limits);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_NE(c.records[1].error.find("longer than 16 bytes"), std::string::npos);
  EXPECT_EQ(c.records[2].fields, (std::vector<std::string>{"ok", "1"}));
  EXPECT_EQ(c.records[2].line, 3);
}

TEST(CsvReader, an_over_long_record_across_parts_is_skipped_without_keeping_it) {
  CsvLimits limits;
  limits.max_record_bytes = 16;
  auto c = read_csv("a\n\"" + std::string(40, 'x'), 1, false, {}, limits);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_FALSE(c.records[1].error.empty());
  EXPECT_TRUE(c.skip.active);
  EXPECT_EQ(c.consumed, 43u);  // nothing kept
  auto d = read_csv(std::string(30, 'y') + "\n,still\"\nnext\n", c.next_line, false, c.skip, limits);
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.records[0].fields, (std::vector<std::string>{"next"}));
  EXPECT_EQ(d.records[0].line, 4);
}

TEST(CsvReader, bytes_that_are_not_utf8_are_an_error_of_their_record) {
  auto c = read_csv("a\n\xff\xfe\nb\n", 1, true);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[1].error, "the record is not valid UTF-8");
}

TEST(CsvReader, too_many_fields_are_an_error) {
  CsvLimits limits;
  limits.max_fields = 3;
  auto c = read_csv("a,b,c,d\n", 1, true, {}, limits);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_NE(c.records[0].error.find("more than 3 fields"), std::string::npos);
}

// Found by the fuzz harness (tests/fuzz/csv_import.cpp): a trailing comma added its empty last
// field past the limit.
TEST(CsvReader, a_trailing_comma_counts_against_the_field_limit) {
  CsvLimits limits;
  limits.max_fields = 3;
  auto c = read_csv("a,b,c,\na,b,\n", 1, true, {}, limits);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_NE(c.records[0].error.find("more than 3 fields"), std::string::npos);
  EXPECT_TRUE(c.records[0].fields.empty());
  EXPECT_EQ(c.records[1].fields, (std::vector<std::string>{"a", "b", ""}));
}

TEST(CsvReader, any_split_of_a_file_reads_the_same_records) {
  const std::string file = "h1,h2\r\n\"a\"\"b\",\"c\nd\"\r\n\r\nx,y\n\"e,f\",\n";
  auto whole = read_csv(file, 1, true);
  for (std::size_t cut = 0; cut <= file.size(); ++cut) {
    auto first = read_csv(file.substr(0, cut), 1, false);
    const std::string rest = file.substr(0, cut).substr(first.consumed) + file.substr(cut);
    auto second = read_csv(rest, first.next_line, true, first.skip);
    auto all = fields(first);
    for (auto& f : fields(second)) all.push_back(f);
    EXPECT_EQ(all, fields(whole)) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace mercato::catalog
