#include "cache/redis_reply.hpp"

#include <hiredis/hiredis.h>

namespace mercato::cache {

RedisReply RedisReply::integer(std::int64_t v) {
  RedisReply r;
  r.type_ = Type::integer;
  r.integer_ = v;
  return r;
}

RedisReply RedisReply::array(std::vector<RedisReply> elements) {
  RedisReply r;
  r.type_ = Type::array;
  r.elements_ = std::move(elements);
  return r;
}

RedisReply RedisReply::from_hiredis(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STATUS: return status(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR: return error(std::string(r.str, r.len));
    case REDIS_REPLY_STRING: return string(std::string(r.str, r.len));
    case REDIS_REPLY_INTEGER: return integer(r.integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) {
        elements.push_back(r.element[i] ? from_hiredis(*r.element[i]) : RedisReply{});
      }
      return array(std::move(elements));
    }
    default: return {};  // REDIS_REPLY_NIL
  }
}

std::string_view RedisReply::error_kind() const {
  if (type_ != Type::error) return {};
  std::string_view text = text_;
  return text.substr(0, text.find(' '));
}

std::string RedisReply::debug_string() const {
  // Long or binary payloads are cut and escaped: this is for humans reading a log line.
  constexpr std::size_t kMaxShown = 64;
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < kMaxShown; ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20 || c >= 0x7f) {
        static constexpr char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
    }
    if (s.size() > kMaxShown) out += "...(" + std::to_string(s.size()) + " bytes)";
    return out + "\"";
  };
  switch (type_) {
    case Type::nil: return "nil";
    case Type::status: return "+" + text_;
    case Type::error: return "-" + text_;
    case Type::integer: return std::to_string(integer_);
    case Type::string: return quoted(text_);
    case Type::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < elements_.size(); ++i) {
        if (i) out += ", ";
        out += elements_[i].debug_string();
      }
      return out + "]";
    }
  }
  return "?";
}

}  // namespace mercato::cache
