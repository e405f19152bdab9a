#include "trace/span_arena.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace mercato::trace {
namespace {

TEST(SpanArena, BlocksAreAlignedAndDoNotOverlapAcrossThreadsAndOverflow) {
  SpanArena arena;
  constexpr int threads = 4, per_thread = 200;  // 4 × 200 × 48 bytes: far past the inline buffer
  std::vector<std::vector<unsigned char*>> blocks(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto* p = static_cast<unsigned char*>(arena.allocate(40));
        std::memset(p, t * per_thread + i, 40);  // a pattern of its own (mod 256)
        blocks[t].push_back(p);
      }
    });
  for (auto& w : workers) w.join();
  EXPECT_TRUE(arena.overflowed());
  for (int t = 0; t < threads; ++t)
    for (int i = 0; i < per_thread; ++i) {
      unsigned char* p = blocks[t][i];
      EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
      for (int b = 0; b < 40; ++b) ASSERT_EQ(p[b], static_cast<unsigned char>(t * per_thread + i)) << t << "/" << i;
    }
}

TEST(SpanArena, CopiesTextAndServesBlocksLargerThanAChunk) {
  SpanArena arena;
  EXPECT_FALSE(arena.overflowed());
  EXPECT_EQ(arena.copy(""), "");
  std::string big(SpanArena::chunk_bytes * 2, 'b');
  std::string_view a = arena.copy("first");
  std::string_view b = arena.copy(big);
  std::string_view c = arena.copy("after");
  EXPECT_TRUE(arena.overflowed());
  EXPECT_EQ(a, "first");
  EXPECT_EQ(b, big);
  EXPECT_EQ(c, "after");
  EXPECT_NE(static_cast<const void*>(b.data()), static_cast<const void*>(big.data()));
}

}  // namespace
}  // namespace mercato::trace
