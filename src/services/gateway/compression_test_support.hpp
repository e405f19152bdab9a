#pragma once
// What the gateway's compression tests share (compression_test.cpp, gateway_cache_test.cpp):
// a gzip decoder for round trips and a JSON list page worth compressing.

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <string_view>

namespace mercato::gateway::test_support {

/// `in` decoded as gzip (RFC 1952); a failure fails the test.
inline std::string gunzip(std::string_view in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

/// A list page of 40 products, ~1.2 KB: above a 1 KiB COMPRESS_MIN_BYTES, and compressible.
inline std::string list_body() {
  std::string s = R"({"success":true,"data":[)";
  for (int i = 0; i < 40; ++i) s += std::string(i ? "," : "") + R"({"id":)" + std::to_string(i) + R"(,"name":"Kettle"})";
  return s + "]}";
}

}  // namespace mercato::gateway::test_support
