#pragma once
// A Redis reply as a plain value, copied out of hiredis's redisReply so that it outlives the
// callback hiredis hands it to. A Redis error reply ("-WRONGTYPE ...") is a value of this
// type, not a failed Result: the command reached Redis and Redis answered.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace mercato::cache {

class RedisReply {
 public:
  enum class Type { nil, status, error, integer, string, array };

  /// A nil reply (GET of a missing key).
  RedisReply() = default;

  static RedisReply status(std::string text) { return RedisReply(Type::status, std::move(text)); }
  static RedisReply error(std::string text) { return RedisReply(Type::error, std::move(text)); }
  static RedisReply string(std::string bytes) { return RedisReply(Type::string, std::move(bytes)); }
  static RedisReply integer(std::int64_t v);
  static RedisReply array(std::vector<RedisReply> elements);
  /// Deep copy of a hiredis reply (nested arrays included).
  static RedisReply from_hiredis(const redisReply& r);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::nil; }
  bool is_status() const { return type_ == Type::status; }
  bool is_error() const { return type_ == Type::error; }
  bool is_integer() const { return type_ == Type::integer; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  /// A status reply reading exactly "OK" (SET, SELECT, ...).
  bool is_ok() const { return type_ == Type::status && text_ == "OK"; }

  /// The bytes of a string reply, or the text of a status or error reply; empty for the
  /// other types. Binary-safe: may contain NUL bytes.
  const std::string& as_string() const { return text_; }
  /// The value of an integer reply; 0 for the other types.
  std::int64_t as_integer() const { return integer_; }
  /// The elements of an array reply; empty for the other types (and for a nil array).
  const std::vector<RedisReply>& elements() const { return elements_; }

  /// For an error reply, its first word, which Redis uses as the error's kind ("NOSCRIPT",
  /// "WRONGTYPE", "ERR"); empty for the other types.
  std::string_view error_kind() const;

  /// Short human-readable form for logs and test failures, e.g. `["a", 1, nil]`.
  std::string debug_string() const;

  bool operator==(const RedisReply&) const = default;

 private:
  RedisReply(Type t, std::string text) : type_(t), text_(std::move(text)) {}

  Type type_ = Type::nil;
  std::string text_;
  std::int64_t integer_ = 0;
  std::vector<RedisReply> elements_;
};

}  // namespace mercato::cache
