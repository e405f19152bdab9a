#pragma once
// Which keys were asked for before: the admission filter of a cache whose answers are mostly
// asked for once. A catalog's search pages are: each is ~50 KB, nearly every one is a URL no
// one asks again, and stored on their first request they took ~92 % of the cache Redis in the
// mix benchmark (docs/capacity.md), evicting the product details that are asked again. With
// the filter a value is stored on the second request of its key, so what is asked once never
// takes a byte, and what is asked twice costs one more load. CDNs call this "cache on second
// hit" (one-hit wonders are most of their objects); Caffeine's TinyLFU puts the same filter,
// its "doorkeeper", in front of its frequency sketch.
//
// Written here because no library of this code base (Boost, the C++ standard library) has one:
// a direct-mapped table of 64-bit key hashes. A key's slot holds its hash once it was asked
// for; a different key landing in the same slot takes it over, so the filter remembers about
// the last `slots` distinct keys and forgets older ones (a forgotten key costs one more load,
// never a wrong answer). A hash collision can admit a key on its first request: 1 in 2^64.
//
// Thread-safe without a lock: each slot is one relaxed atomic. Two threads racing on a slot
// can at worst make one admission decision as if the other had not happened.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace mercato::cache {

class Doorkeeper {
 public:
  /// `slots` is rounded up to a power of two (at least 1).
  explicit Doorkeeper(std::size_t slots);

  /// True when `key` was asked for before (and is still remembered); otherwise remembers it
  /// and returns false.
  bool seen_before(std::string_view key);

  std::size_t slots() const { return mask_ + 1; }

 private:
  std::size_t mask_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> table_;
};

}  // namespace mercato::cache
