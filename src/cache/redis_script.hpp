#pragma once
// A Lua script for EVALSHA. Its SHA1 is computed once here, so every call sends 40 hex
// characters instead of the source; RedisClient::eval falls back to EVAL when the server's
// script cache does not have it (after a restart or SCRIPT FLUSH).

#include <string>
#include <string_view>

namespace mercato::cache {

class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return source_; }
  /// Lowercase hex SHA1 of the source, as Redis names the script.
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

/// Lowercase hex SHA1 of `data` (OpenSSL).
std::string sha1_hex(std::string_view data);

}  // namespace mercato::cache
