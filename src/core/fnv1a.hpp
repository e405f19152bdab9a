#pragma once
// FNV-1a, 64 bits: the one non-cryptographic hash the services share (ETags of list pages and of
// the OpenAPI document, the cache's doorkeeper). Written here because each use only has to tell
// byte strings apart, never resist an attacker choosing them (a client can only fool its own
// cache), and no library on this machine offers a stable 64-bit hash: std::hash may differ
// between builds, and the ETags must be the same on every instance.

#include <cstdint>
#include <string_view>

namespace mercato {

inline constexpr std::uint64_t kFnv1aOffsetBasis = 0xcbf29ce484222325ULL;

/// The hash of `bytes`, continuing from `h`: fnv1a(b, fnv1a(a)) is the hash of a followed by b.
constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t h = kFnv1aOffsetBasis) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;  // the 64-bit FNV prime
  }
  return h;
}

}  // namespace mercato
