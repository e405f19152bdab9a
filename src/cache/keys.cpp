#include "cache/keys.hpp"

namespace mercato::cache::keys {

std::string key(std::initializer_list<std::string_view> parts) {
  std::size_t size = kPrefix.size();
  for (auto p : parts) size += p.size() + 1;
  std::string out;
  out.reserve(size);
  out += kPrefix;
  bool first = true;
  for (auto p : parts) {
    if (!first) out += ':';
    out += p;
    first = false;
  }
  return out;
}

std::string fence(std::string_view of) { return key({"fence", of}); }

std::string lease(std::string_view value_key) { return key({"lease", value_key}); }

std::string invalidation_channel() { return key({"invalidate"}); }
std::string ack_channel(std::string_view process_id) { return key({"invalidate-ack", process_id}); }

}  // namespace mercato::cache::keys
