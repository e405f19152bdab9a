#include "db/lsn.hpp"

#include <cstdio>

namespace mercato::db {
namespace {

std::optional<std::uint32_t> hex32(std::string_view s) {
  if (s.empty() || s.size() > 8) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = v << 4 | static_cast<std::uint32_t>(d);
  }
  return v;
}

}  // namespace

std::optional<Lsn> parse_lsn(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto hi = hex32(text.substr(0, slash));
  auto lo = hex32(text.substr(slash + 1));
  if (!hi || !lo) return std::nullopt;
  return static_cast<Lsn>(*hi) << 32 | *lo;
}

std::string format_lsn(Lsn lsn) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn & 0xffffffffu));
  return buf;
}

}  // namespace mercato::db
