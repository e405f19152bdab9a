#include "services/catalog/csv_writer.hpp"

#include <cstring>

namespace mercato::catalog {
namespace {

bool needs_quotes(std::string_view cell) {
  // strpbrk-like scan without the NUL termination strpbrk needs.
  for (char c : cell)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

void append_cell(std::string& out, std::string_view prefix, std::string_view cell) {
  if (!needs_quotes(cell)) {
    out.append(prefix).append(cell);
    return;
  }
  out.push_back('"');
  out.append(prefix);
  std::size_t from = 0;
  for (std::size_t q = cell.find('"'); q != std::string_view::npos; q = cell.find('"', q + 1)) {
    out.append(cell.substr(from, q + 1 - from)).push_back('"');
    from = q + 1;
  }
  out.append(cell.substr(from)).push_back('"');
}

}  // namespace

bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return true;
    default: return false;
  }
}

void csv_text(std::string& out, std::string_view cell) {
  append_cell(out, looks_like_formula(cell) ? std::string_view("'") : std::string_view(), cell);
}

void csv_value(std::string& out, std::string_view cell) { append_cell(out, {}, cell); }

}  // namespace mercato::catalog
