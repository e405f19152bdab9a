#include "db/result.hpp"

#include <libpq-fe.h>

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

// A result built in memory the way libpq would return it for
//   SELECT id, name, active FROM ... (one row: 42, 'shoe', NULL; one row: x, '', t)
QueryResult sample() {
  PGresult* res = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  PGresAttDesc cols[3] = {};
  cols[0].name = const_cast<char*>("id");
  cols[1].name = const_cast<char*>("Name");
  cols[2].name = const_cast<char*>("active");
  for (auto& c : cols) c.format = 0;
  PQsetResultAttrs(res, 3, cols);
  PQsetvalue(res, 0, 0, const_cast<char*>("42"), 2);
  PQsetvalue(res, 0, 1, const_cast<char*>("shoe"), 4);
  PQsetvalue(res, 0, 2, nullptr, -1);
  PQsetvalue(res, 1, 0, const_cast<char*>("x"), 1);
  PQsetvalue(res, 1, 1, const_cast<char*>(""), 0);
  PQsetvalue(res, 1, 2, const_cast<char*>("t"), 1);
  return QueryResult(res);
}

TEST(QueryResult, reads_values_and_shape) {
  auto r = sample();
  EXPECT_EQ(r.rows(), 2);
  EXPECT_EQ(r.columns(), 3);
  EXPECT_EQ(r.get(0, 1), "shoe");
  EXPECT_EQ(r.get_int64(0, 0), 42);
  EXPECT_EQ(r.get_bool(1, 2), true);
}

TEST(QueryResult, null_is_distinct_from_empty_text) {
  auto r = sample();
  EXPECT_TRUE(r.is_null(0, 2));
  EXPECT_EQ(r.get_optional(0, 2), std::nullopt);
  EXPECT_FALSE(r.is_null(1, 1));
  EXPECT_EQ(r.get_optional(1, 1), std::string_view(""));
  EXPECT_EQ(r.get_int64(0, 2), std::nullopt);
  EXPECT_EQ(r.get_bool(0, 2), std::nullopt);
}

TEST(QueryResult, non_numbers_are_not_int64) {
  auto r = sample();
  EXPECT_EQ(r.get_int64(1, 0), std::nullopt);
  EXPECT_EQ(r.get_int64(1, 1), std::nullopt);
}

TEST(QueryResult, column_lookup_is_exact) {
  auto r = sample();
  EXPECT_EQ(r.column("id"), 0);
  EXPECT_EQ(r.column("Name"), 1);
  EXPECT_EQ(r.column("name"), -1);  // PQfnumber would fold case; we do not
  EXPECT_EQ(r.column("missing"), -1);
  EXPECT_EQ(r.column_name(2), "active");
}

TEST(QueryResult, moves_ownership) {
  auto a = sample();
  QueryResult b = std::move(a);
  EXPECT_EQ(a.rows(), 0);  // NOLINT(bugprone-use-after-move): the moved-from state is documented as empty
  EXPECT_EQ(b.rows(), 2);
  a = std::move(b);
  EXPECT_EQ(a.rows(), 2);
}

TEST(QueryResult, empty_result_is_safe_to_read) {
  QueryResult r;
  EXPECT_EQ(r.rows(), 0);
  EXPECT_EQ(r.columns(), 0);
  EXPECT_EQ(r.affected_rows(), 0);
  EXPECT_TRUE(r.is_null(0, 0));
  EXPECT_EQ(r.column("id"), -1);
}

TEST(RowReader, reads_columns_in_order_with_typed_fallbacks) {
  auto r = sample();
  RowReader first(r, 0);
  EXPECT_EQ(first.int64(), 42);
  EXPECT_EQ(first.text(), "shoe");
  EXPECT_FALSE(first.done());
  EXPECT_EQ(first.boolean(true), true);  // NULL takes the fallback
  EXPECT_TRUE(first.done());

  RowReader second(r, 1);
  EXPECT_EQ(second.int64(-1), -1);  // "x" is not a number
  EXPECT_EQ(second.optional_text(), std::optional<std::string>(""));  // empty text is not NULL
  EXPECT_TRUE(second.boolean());
  EXPECT_TRUE(second.done());
}

TEST(RowReader, done_tells_a_reader_out_of_step_with_its_statement) {
  auto r = sample();
  RowReader short_reader(r, 0);
  short_reader.text();
  short_reader.skip();
  EXPECT_EQ(short_reader.position(), 2);
  EXPECT_FALSE(short_reader.done());  // one column never read

  RowReader long_reader(r, 0);
  for (int i = 0; i < 4; ++i) long_reader.skip();
  EXPECT_FALSE(long_reader.done());  // read past the last column

  RowReader nulls(r, 0);
  nulls.skip();
  nulls.skip();
  EXPECT_EQ(nulls.optional_text(), std::nullopt);
}

}  // namespace
}  // namespace mercato::db
