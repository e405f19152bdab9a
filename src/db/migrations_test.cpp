#include "db/migrations.hpp"

#include <gtest/gtest.h>

namespace mercato::db {
namespace {

std::vector<std::string> names_of(const std::vector<MigrationFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.file_name);
  return out;
}

TEST(OrderMigrations, sorts_by_number_not_by_text) {
  auto files = order_migrations({"10_ten.sql", "2_two.sql", "0001_one.sql", "3_three.sql", "4_a.sql", "5_b.sql",
                                 "6_c.sql", "7_d.sql", "8_e.sql", "9_f.sql"});
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(names_of(*files).front(), "0001_one.sql");
  EXPECT_EQ(names_of(*files)[1], "2_two.sql");
  EXPECT_EQ(names_of(*files).back(), "10_ten.sql");
  EXPECT_EQ(files->back().version, 10);
}

TEST(OrderMigrations, ignores_files_that_are_not_sql) {
  auto files = order_migrations({"README.md", "0001_init.sql", ".keep"});
  ASSERT_TRUE(files);
  EXPECT_EQ(names_of(*files), std::vector<std::string>{"0001_init.sql"});
}

TEST(OrderMigrations, empty_directory_is_fine) {
  auto files = order_migrations({});
  ASSERT_TRUE(files);
  EXPECT_TRUE(files->empty());
}

TEST(OrderMigrations, duplicate_number_is_an_error_naming_both_files) {
  auto files = order_migrations({"0001_init.sql", "0002_a.sql", "0002_b.sql"});
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("0002_a.sql"), std::string::npos);
  EXPECT_NE(files.error().message.find("0002_b.sql"), std::string::npos);
}

TEST(OrderMigrations, gap_is_an_error_naming_the_missing_number) {
  auto files = order_migrations({"0001_init.sql", "0003_c.sql"});
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().message.find("number 2 is missing"), std::string::npos) << files.error().message;
}

TEST(OrderMigrations, must_start_at_one) {
  EXPECT_FALSE(order_migrations({"0002_b.sql"}));
}

TEST(OrderMigrations, malformed_sql_file_names_are_errors) {
  for (const char* bad : {"init.sql", "_init.sql", "0001init.sql", "0001_.sql", "00a1_x.sql", "0000_zero.sql"}) {
    auto files = order_migrations({bad});
    EXPECT_FALSE(files) << bad;
  }
}

TEST(Sha256, matches_known_vectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(NoTransactionMarker, only_as_the_first_line_of_its_own) {
  EXPECT_TRUE(runs_outside_transaction("-- mercato:no-transaction\nCREATE INDEX CONCURRENTLY x ON t (a);\n"));
  EXPECT_TRUE(runs_outside_transaction("-- mercato:no-transaction  \r\nSELECT 1;"));
  EXPECT_TRUE(runs_outside_transaction("-- mercato:no-transaction"));
  EXPECT_FALSE(runs_outside_transaction("-- mercato:no-transactions\nSELECT 1;"));
  EXPECT_FALSE(runs_outside_transaction("-- mercato:no-transaction because\nSELECT 1;"));
  EXPECT_FALSE(runs_outside_transaction("\n-- mercato:no-transaction\nSELECT 1;"));
  EXPECT_FALSE(runs_outside_transaction("SELECT 1;\n-- mercato:no-transaction\n"));
  EXPECT_FALSE(runs_outside_transaction(""));
}

TEST(SplitStatements, splits_on_semicolons_and_drops_comments_between_statements) {
  auto st = split_statements("-- mercato:no-transaction\n-- why\nSELECT 1;\n\n/* block */ SELECT 2 ;  -- tail\n  \n");
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(*st, (std::vector<std::string>{"SELECT 1", "SELECT 2"}));
}

TEST(SplitStatements, a_semicolon_inside_strings_identifiers_comments_and_bodies_does_not_split) {
  auto st = split_statements(
      "SELECT 'a;b', 'it''s;', E'x\\';y', \"we;ird\" FROM t -- c;d\n WHERE x = 1;\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;\n"
      "DO $$ BEGIN PERFORM 1; END $$;\n"
      "SELECT $1::int /* a; /* nested; */ b; */ ;\n"
      "SELECT 3");
  ASSERT_TRUE(st) << st.error().message;
  ASSERT_EQ(st->size(), 5u);
  EXPECT_EQ((*st)[0].rfind("SELECT 'a;b', 'it''s;', E'x\\';y', \"we;ird\" FROM t", 0), 0u) << (*st)[0];
  EXPECT_NE((*st)[0].find("WHERE x = 1"), std::string::npos);
  EXPECT_EQ((*st)[1], "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$");
  EXPECT_EQ((*st)[2], "DO $$ BEGIN PERFORM 1; END $$");
  EXPECT_EQ((*st)[4], "SELECT 3");
}

TEST(SplitStatements, unterminated_quotes_and_bodies_are_errors) {
  for (const char* bad : {"SELECT 'abc;", "SELECT \"abc;", "DO $x$ BEGIN END;", "SELECT 1 /* open; "}) {
    EXPECT_FALSE(split_statements(bad)) << bad;
  }
}

TEST(ConcurrentIndexNames, finds_each_concurrent_index_as_written) {
  auto names = concurrent_index_names({"CREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON t (a)",
                                       "create unique index concurrently b_idx on t(b)",
                                       "CREATE INDEX c_idx ON t (c)",
                                       "CREATE INDEX CONCURRENTLY ON t (d)",
                                       "CREATE INDEX CONCURRENTLY IF NOT EXISTS public.e_idx ON t (e)",
                                       "DROP INDEX CONCURRENTLY IF EXISTS f_idx"});
  EXPECT_EQ(names, (std::vector<std::string>{"a_idx", "b_idx", "public.e_idx"}));
}

}  // namespace
}  // namespace mercato::db
