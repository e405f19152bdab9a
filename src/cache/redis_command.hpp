#pragma once
// Building a command's argument list.

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::cache {

namespace detail {
inline std::string to_arg(std::string s) { return s; }
inline std::string to_arg(std::string_view s) { return std::string(s); }
inline std::string to_arg(const char* s) { return s; }
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>)
std::string to_arg(T v) {
  return std::to_string(v);
}
}  // namespace detail

/// The arguments of one command: strings as they are (binary-safe), integers in decimal.
///   co_await redis.command(cmd("SET", key, value, "PX", ttl.count()));
/// Use it instead of a braced list: g++ 12 rejects any braced list inside a co_await
/// expression ("array used as initializer"), so `command({"GET", key})` does not compile.
template <class... Parts>
std::vector<std::string> cmd(Parts&&... parts) {
  std::vector<std::string> out;
  out.reserve(sizeof...(parts));
  (out.push_back(detail::to_arg(std::forward<Parts>(parts))), ...);
  return out;
}

}  // namespace mercato::cache
