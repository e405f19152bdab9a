// What compressing one answer costs, per KB of JSON, at the levels worth considering: gzip 1
// and 6 (zlib's default), brotli 4 and 5. Run on a real list page:
//   curl -s 'http://127.0.0.1:8080/api/v1/products?per_page=20' > /tmp/page.json
//   COMPRESSION_BENCH_BODY=/tmp/page.json build/release/bin/compression_bench
// (without it, a synthetic page of the same shape). Counters: ns_per_KB and the ratio of coded
// to plain size. Not run by ctest; results and the levels chosen in bench/results.md.
#include <benchmark/benchmark.h>
#include <brotli/encode.h>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "http/compression.hpp"

namespace {

std::string synthetic_page() {
  std::string s = R"({"success":true,"data":[)";
  for (int i = 0; i < 20; ++i) {
    if (i) s += ',';
    s += R"({"id":"0190a1b2-c3d4-7e5f-8a9b-)" + std::to_string(100000000000 + i * 7919) +
         R"(","sku":"SKU-)" + std::to_string(40000 + i * 31) + R"(","name":"Stainless steel kettle )" +
         std::to_string(i) + R"(","description":"A sturdy kettle for every kitchen, model )" + std::to_string(i * 13) +
         R"(","price":")" + std::to_string(i * 7 % 1000) + R"(.99","currency":"EUR","stock":)" +
         std::to_string(i % 50) + R"(,"category_id":"0190a1b2-0000-7e5f-8a9b-000000000001","status":"active",)" +
         R"("created_at":"2026-12-0)" + std::to_string(1 + i % 5) + R"(T10:00:00Z","version":1})";
  }
  return s + R"(],"meta":{"page":1,"per_page":20,"total":5000,"total_pages":250}})";
}

const std::string& page() {
  static const std::string body = [] {
    if (const char* path = std::getenv("COMPRESSION_BENCH_BODY")) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!ss.str().empty()) return ss.str();
    }
    return synthetic_page();
  }();
  return body;
}

void report(benchmark::State& state, std::size_t coded) {
  const auto& body = page();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["ns_per_KB"] = benchmark::Counter(static_cast<double>(state.iterations()) * body.size() / 1024.0,
                                                   benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ratio"] = static_cast<double>(coded) / static_cast<double>(body.size());
  state.counters["body_bytes"] = static_cast<double>(body.size());
}

// One gzip member per call; `fresh`: a new deflate state each time (deflateInit2's ~268 KiB,
// fresh pages from the kernel every time), else one state reset per call, as compress() does.
void gzip_loop(benchmark::State& state, bool fresh) {
  const auto& body = page();
  const int level = static_cast<int>(state.range(0));
  std::string out(deflateBound(nullptr, body.size()) + 64, '\0');
  std::size_t coded = 0;
  z_stream zs{};
  deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  for (auto _ : state) {
    if (fresh) {
      deflateEnd(&zs);
      zs = z_stream{};
      deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    } else {
      deflateReset(&zs);
    }
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    zs.avail_in = static_cast<uInt>(body.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    deflate(&zs, Z_FINISH);
    coded = zs.total_out;
    benchmark::DoNotOptimize(out.data());
  }
  deflateEnd(&zs);
  report(state, coded);
}
void BM_Gzip(benchmark::State& state) { gzip_loop(state, false); }
BENCHMARK(BM_Gzip)->Arg(1)->Arg(6);
void BM_GzipFreshState(benchmark::State& state) { gzip_loop(state, true); }
BENCHMARK(BM_GzipFreshState)->Arg(6);

void BM_Brotli(benchmark::State& state) {
  const auto& body = page();
  const int quality = static_cast<int>(state.range(0));
  std::string out(BrotliEncoderMaxCompressedSize(body.size()), '\0');
  std::size_t coded = 0;
  for (auto _ : state) {
    std::size_t size = out.size();
    BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, body.size(),
                          reinterpret_cast<const std::uint8_t*>(body.data()), &size,
                          reinterpret_cast<std::uint8_t*>(out.data()));
    coded = size;
    benchmark::DoNotOptimize(out.data());
  }
  report(state, coded);
}
BENCHMARK(BM_Brotli)->Arg(4)->Arg(5);

// What the service calls: the chosen levels, gzip's deflate state reused per thread.
void BM_Compress(benchmark::State& state) {
  const auto e = static_cast<mercato::http::Encoding>(state.range(0));
  std::size_t coded = 0;
  for (auto _ : state) {
    auto out = mercato::http::compress(e, page());
    coded = out ? out->size() : page().size();
    benchmark::DoNotOptimize(out);
  }
  report(state, coded);
}
BENCHMARK(BM_Compress)
    ->Arg(static_cast<int>(mercato::http::Encoding::gzip))
    ->Arg(static_cast<int>(mercato::http::Encoding::br));

}  // namespace

BENCHMARK_MAIN();
