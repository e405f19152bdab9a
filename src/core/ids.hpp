#pragma once
// Ids are UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so they sort by time
// (good B-tree locality) and cannot be guessed. Written here: no Debian library generates v7.

#include <cstddef>
#include <string>
#include <string_view>

namespace mercato::ids {

/// A new UUIDv7 in canonical lowercase form (36 chars). Monotonic within a process: ids made
/// in the same millisecond still sort in creation order. Thread-safe.
std::string uuid_v7();

/// Fills `out` with `n` bytes from the kernel CSPRNG (buffered per thread, fork-safe). Used
/// for trace and span ids too (W3C Trace Context asks for random ids). Thread-safe.
void random_bytes(unsigned char* out, std::size_t n);

/// True for the canonical 8-4-4-4-12 hex form (either case); no braces, no urn: prefix.
bool is_uuid(std::string_view text);

}  // namespace mercato::ids
