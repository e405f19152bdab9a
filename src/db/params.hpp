#pragma once
// Query parameters travel in libpq's text format, separately from the SQL: values are never
// spliced into statements. `db::params(a, b, c)` converts the usual C++ types.

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mercato::db {

/// One text-format value per `$n` placeholder; std::nullopt is SQL NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

/// Text form PostgreSQL parses for the parameter's type: integers in decimal, bool as
/// "true"/"false", doubles with the shortest representation that reads back exactly.
Param to_param(std::string_view v);
inline Param to_param(const std::string& v) { return std::string(v); }
inline Param to_param(std::string&& v) { return std::move(v); }
inline Param to_param(const char* v) { return v ? Param(std::string(v)) : std::nullopt; }
Param to_param(bool v);
Param to_param(std::int64_t v);
Param to_param(std::uint64_t v);
Param to_param(double v);
inline Param to_param(std::nullopt_t) { return std::nullopt; }
// A char would otherwise become its code as a number ('a' -> "97"); pass a string instead.
Param to_param(char) = delete;

// Every other integer type goes through the 64-bit overloads (int, long, short, unsigned...).
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, std::int64_t> &&
           !std::same_as<T, std::uint64_t>)
Param to_param(T v) {
  if constexpr (std::is_signed_v<T>) return to_param(static_cast<std::int64_t>(v));
  else return to_param(static_cast<std::uint64_t>(v));
}

inline Param to_param(float v) { return to_param(static_cast<double>(v)); }

template <class T>
Param to_param(const std::optional<T>& v) {
  return v ? to_param(*v) : std::nullopt;
}

/// `db::params(id, name, std::optional<int>{}, true)` → {"42", "shoe", NULL, "true"}.
template <class... Args>
Params params(Args&&... args) {
  Params out;
  out.reserve(sizeof...(args));
  (out.push_back(to_param(std::forward<Args>(args))), ...);
  return out;
}

}  // namespace mercato::db
