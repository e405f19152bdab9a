#include "core/ids.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace mercato::ids {
namespace {

// Random bytes come from the kernel CSPRNG (getrandom(2)), fetched in blocks so one system
// call serves dozens of ids. A hand-rolled userspace generator would be faster still, but
// the kernel's is the one nobody has to review.
class RandomBuffer {
 public:
  void fill(unsigned char* dst, std::size_t n) {
    // A forked child starts with a copy of the parent's buffer; never hand the same bytes
    // to two processes.
    const auto gen = fork_generation.load(std::memory_order_relaxed);
    if (gen != generation_) {
      pos_ = buf_.size();
      generation_ = gen;
    }
    if (buf_.size() - pos_ < n) refill();
    std::memcpy(dst, buf_.data() + pos_, n);
    std::memset(buf_.data() + pos_, 0, n);  // used bytes do not linger in memory
    pos_ += n;
  }

  static inline std::atomic<unsigned> fork_generation{0};

 private:
  void refill() {
    std::size_t got = 0;
    while (got < buf_.size()) {
      ssize_t r = ::getrandom(buf_.data() + got, buf_.size() - got, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("getrandom failed");
      }
      got += static_cast<std::size_t>(r);
    }
    pos_ = 0;
  }

  std::array<unsigned char, 512> buf_{};
  std::size_t pos_ = 512;
  unsigned generation_ = 0;
};

thread_local RandomBuffer t_random;

const bool g_atfork_registered = [] {
  ::pthread_atfork(nullptr, nullptr, [] { RandomBuffer::fork_generation.fetch_add(1); });
  return true;
}();

// The 48-bit millisecond timestamp and the 12-bit rand_a field, as one 60-bit number: the
// last one handed out. RFC 9562 §6.2 method 1 (fixed-length counter in rand_a): a new
// millisecond starts the counter at a random value below 2048, so at least 2048 ids fit in
// one millisecond; beyond that the counter carries into the timestamp, which then runs
// slightly ahead of the clock — the RFC allows this to keep ids ordered. A clock stepping
// backwards is handled the same way: the stored value only grows.
std::atomic<std::uint64_t> g_last{0};

std::uint64_t next_time_and_counter(std::uint16_t random_start) {
  const auto now_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  const std::uint64_t fresh = ((now_ms & 0xFFFF'FFFF'FFFFull) << 12) | (random_start & 0x7FFu);
  std::uint64_t last = g_last.load(std::memory_order_relaxed);
  for (;;) {
    // Same or earlier millisecond: bump the counter instead of taking the fresh value.
    const std::uint64_t next = (fresh >> 12) > (last >> 12) ? fresh : last + 1;
    if (g_last.compare_exchange_weak(last, next, std::memory_order_relaxed)) return next;
  }
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::string uuid_v7() {
  std::array<unsigned char, 10> rnd;
  t_random.fill(rnd.data(), rnd.size());
  const std::uint64_t tc = next_time_and_counter(static_cast<std::uint16_t>(rnd[8] | (rnd[9] << 8)));

  std::array<unsigned char, 16> b;
  const std::uint64_t ms = tc >> 12;
  const unsigned counter = static_cast<unsigned>(tc & 0xFFF);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (counter >> 8));  // version 7
  b[7] = static_cast<unsigned char>(counter & 0xFF);
  std::memcpy(b.data() + 8, rnd.data(), 8);
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));  // variant 10

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // leave the dash
    out[pos++] = kHex[b[i] >> 4];
    out[pos++] = kHex[b[i] & 0xF];
  }
  return out;
}

void random_bytes(unsigned char* out, std::size_t n) {
  while (n > 0) {  // the buffer serves at most its size per fill
    const std::size_t chunk = n < 256 ? n : 256;
    t_random.fill(out, chunk);
    out += chunk;
    n -= chunk;
  }
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

}  // namespace mercato::ids
