#include "db/params.hpp"

#include <charconv>
#include <cmath>

namespace mercato::db {

Param to_param(std::string_view v) { return std::string(v); }

Param to_param(bool v) { return std::string(v ? "true" : "false"); }

Param to_param(std::int64_t v) { return std::to_string(v); }

Param to_param(std::uint64_t v) { return std::to_string(v); }

Param to_param(double v) {
  // PostgreSQL spells the special values this way; to_chars would write "inf"/"nan".
  if (std::isnan(v)) return std::string("NaN");
  if (std::isinf(v)) return std::string(v > 0 ? "Infinity" : "-Infinity");
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

}  // namespace mercato::db
