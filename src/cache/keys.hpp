#pragma once
// The cache library's own key names, and how a user of the cache builds its keys. The names
// of what is cached (the catalog's products, lists, generations) belong to the service that
// caches them (src/services/catalog/cache_keys.hpp); this file knows nothing about them.
// Three kinds of key:
//   - value keys (L1 and L2 share the name), built with key(): "mc1:<part>:<part>…";
//   - generation keys, also built with key(): counters a write bumps so that every value
//     built under the old value stops matching (no key scan, no list of pages to delete);
//   - lease keys "mc1:lease:<value key>", the cross-process single-flight lock of one key.
// Each value key depends on at most one generation key: a cached value records the
// generation it was built under and is served only while that generation is current.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::cache::keys {

/// Bumped when the format of any cached value changes, so old values are never read.
inline constexpr std::string_view kPrefix = "mc1:";

/// kPrefix followed by `parts` joined with ':'.
std::string key(std::initializer_list<std::string_view> parts);

std::string lease(std::string_view value_key);

/// "mc1:fence:<value or generation key>": the WAL position a fill of that key must have read
/// (16 hex digits, so Lua compares them as strings), kept briefly after a write.
std::string fence(std::string_view key);

/// The Redis pub/sub channel every process listens on for L1 invalidations.
std::string invalidation_channel();

/// What one committed write changed: generation keys to bump and value keys to drop.
struct Invalidation {
  std::vector<std::string> bump;
  std::vector<std::string> drop;
  // Set by the sender on the bus: where each receiver acknowledges, and what it quotes.
  std::string reply_to;
  std::string id;
  /// The write's WAL position (db/lsn.hpp), 0 when reads never go to replicas: a value of
  /// these keys loaded from a replica that has not replayed it must not be cached
  /// (TieredCache, fence keys). Not sent on the bus: the fences live in Redis.
  std::uint64_t fence = 0;
  bool operator==(const Invalidation&) const = default;
};

/// Where one process collects the acknowledgements of its invalidations.
std::string ack_channel(std::string_view process_id);

}  // namespace mercato::cache::keys
