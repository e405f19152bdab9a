#pragma once

#include <string>
#include <utility>

#include "db/params.hpp"

namespace mercato::db {

/// One statement of a pipeline: SQL text, or a statement registered with Pool::prepare.
struct Statement {
  std::string sql;            // for a prepared statement, filled in by the pool
  Params params;
  std::string prepared_name;  // empty: run `sql` unnamed

  static Statement text(std::string sql, Params p = {}) { return {std::move(sql), std::move(p), {}}; }
  static Statement prepared(std::string name, Params p = {}) { return {{}, std::move(p), std::move(name)}; }
};

}  // namespace mercato::db
