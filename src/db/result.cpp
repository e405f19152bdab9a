#include "db/result.hpp"

#include <charconv>
#include <utility>

#include <libpq-fe.h>

namespace mercato::db {

QueryResult::~QueryResult() {
  if (res_) PQclear(res_);
}

QueryResult& QueryResult::operator=(QueryResult&& o) noexcept {
  if (this != &o) {
    if (res_) PQclear(res_);
    res_ = std::exchange(o.res_, nullptr);
  }
  return *this;
}

int QueryResult::rows() const { return res_ ? PQntuples(res_) : 0; }

int QueryResult::columns() const { return res_ ? PQnfields(res_) : 0; }

int QueryResult::column(std::string_view name) const {
  for (int c = 0, n = columns(); c < n; ++c) {
    if (name == PQfname(res_, c)) return c;
  }
  return -1;
}

std::string_view QueryResult::column_name(int col) const {
  const char* n = res_ ? PQfname(res_, col) : nullptr;
  return n ? std::string_view(n) : std::string_view();
}

std::string_view QueryResult::get(int row, int col) const {
  if (!res_) return {};
  return {PQgetvalue(res_, row, col), static_cast<std::size_t>(PQgetlength(res_, row, col))};
}

bool QueryResult::is_null(int row, int col) const {
  // PQgetisnull answers 1 for out-of-range indexes too, which is the safe reading.
  return !res_ || PQgetisnull(res_, row, col) == 1;
}

std::optional<std::string_view> QueryResult::get_optional(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return get(row, col);
}

std::optional<std::int64_t> QueryResult::get_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  std::string_view text = get(row, col);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::optional<bool> QueryResult::get_bool(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  std::string_view text = get(row, col);
  if (text == "t") return true;
  if (text == "f") return false;
  return std::nullopt;
}

std::int64_t QueryResult::affected_rows() const {
  if (!res_) return 0;
  std::string_view text = PQcmdTuples(res_);
  std::int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

std::optional<std::string> RowReader::optional_text() {
  auto v = result_.get_optional(row_, next());
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::string_view QueryResult::command_tag() const {
  return res_ ? std::string_view(PQcmdStatus(res_)) : std::string_view();
}

}  // namespace mercato::db
