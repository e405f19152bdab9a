#pragma once

#include <string>
#include <utility>

#include "db/params.hpp"

namespace mercato::metrics {
class Histogram;
}

namespace mercato::db {

/// One statement of a pipeline: SQL text, or a statement registered with Pool::prepare.
struct Statement {
  std::string sql;            // for a prepared statement, filled in by the pool
  Params params;
  std::string prepared_name;  // empty: run `sql` unnamed
  /// This prepared statement's db_statement_duration_seconds series, filled in by the pool
  /// with `sql` (null for SQL text).
  metrics::Histogram* duration = nullptr;

  static Statement text(std::string sql, Params p = {}) { return {std::move(sql), std::move(p), {}, nullptr}; }
  static Statement prepared(std::string name, Params p = {}) { return {{}, std::move(p), std::move(name), nullptr}; }
};

}  // namespace mercato::db
