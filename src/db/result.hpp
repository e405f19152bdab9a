#pragma once
// The rows of one statement, read in libpq's text format.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

namespace mercato::db {

/// Owns a PGresult (freed with PQclear). Move-only. Row and column indexes are 0-based; an
/// index out of range is a programming error (libpq returns "" and the helpers say NULL).
class QueryResult {
 public:
  QueryResult() = default;
  /// Takes ownership of `res` (may be null: an empty result).
  explicit QueryResult(pg_result* res) : res_(res) {}
  ~QueryResult();
  QueryResult(QueryResult&& o) noexcept : res_(o.res_) { o.res_ = nullptr; }
  QueryResult& operator=(QueryResult&& o) noexcept;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;

  int rows() const;
  int columns() const;
  bool empty() const { return rows() == 0; }

  /// The column named exactly `name` (no case folding, unlike PQfnumber), or -1.
  int column(std::string_view name) const;
  std::string_view column_name(int col) const;

  /// The value's text; "" for NULL (use is_null to tell them apart). Valid while this
  /// QueryResult lives.
  std::string_view get(int row, int col) const;
  bool is_null(int row, int col) const;
  /// nullopt for NULL.
  std::optional<std::string_view> get_optional(int row, int col) const;
  /// nullopt for NULL or text that is not a base-10 integer.
  std::optional<std::int64_t> get_int64(int row, int col) const;
  /// PostgreSQL's boolean text "t"/"f"; nullopt for NULL or anything else.
  std::optional<bool> get_bool(int row, int col) const;

  /// Rows touched by INSERT/UPDATE/DELETE/MERGE/SELECT/MOVE/FETCH/COPY (PQcmdTuples); 0 else.
  std::int64_t affected_rows() const;
  /// The command tag, e.g. "INSERT 0 1" or "ROLLBACK".
  std::string_view command_tag() const;

  /// The underlying result, still owned by this object (null for an empty result).
  const pg_result* native() const { return res_; }

 private:
  pg_result* res_ = nullptr;
};

/// Reads one row's columns in the order the SELECT lists them, so a repository's reader is a
/// list of typed fields instead of column numbers to keep in step with the statement:
///
///   db::RowReader row(result, i);
///   u.id = row.text();
///   u.active = row.boolean();
///   u.stock = row.int64();
///
/// NULL reads as the given fallback ("" / 0 / false unless stated). `done()` says every column
/// was read exactly once: repository tests check it, so a column added to a statement but not
/// to its reader (or the reverse) fails a test instead of shifting every field after it.
class RowReader {
 public:
  RowReader(const QueryResult& result, int row) : result_(result), row_(row) {}

  std::string text() { return std::string(text_view()); }
  /// Valid while the QueryResult lives.
  std::string_view text_view() { return result_.get(row_, next()); }
  /// nullopt for NULL.
  std::optional<std::string> optional_text();
  std::int64_t int64(std::int64_t if_null_or_bad = 0) {
    return result_.get_int64(row_, next()).value_or(if_null_or_bad);
  }
  bool boolean(bool if_null_or_bad = false) { return result_.get_bool(row_, next()).value_or(if_null_or_bad); }
  /// Skips a column this reader does not need.
  void skip() { next(); }

  /// Columns read so far.
  int position() const { return col_; }
  /// True when every column of the result was read, none twice and none past the end.
  bool done() const { return col_ == result_.columns(); }

 private:
  int next() { return col_++; }

  const QueryResult& result_;
  int row_;
  int col_ = 0;
};

}  // namespace mercato::db
