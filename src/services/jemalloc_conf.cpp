// jemalloc's settings for the service binaries, read by jemalloc at its start from this
// variable (its documented place for a program's own settings; MALLOC_CONF in the environment
// still overrides them). Linked only where jemalloc is (CMakeLists.txt).
//
// tcache_gc_incr_bytes: jemalloc's per-thread cache sheds a share of its unused blocks every
// 64 KiB allocated (the default). A gateway answer allocates a few KiB (its body, coroutine
// frames, header strings), so the cache was trimmed every few requests and refilled from the
// shared arena at once: that refill ran about once per request and cost ~1,000 of a cached
// answer's ~25,000 instructions (callgrind, bench/results.md). Trimming every 8 MiB keeps the
// blocks a request cycle reuses; what a thread's cache can hold is still bounded by its slots
// per size, so memory stays flat (the soak watches RSS).
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name and type jemalloc reads
const char* malloc_conf = "tcache_gc_incr_bytes:8388608";
}
