#include "http/compression.hpp"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

namespace mercato::http {
namespace {

using E = Encoding;

// zlib's inflate, as a client would decode the answer (gzip framing: windowBits 15 + 16).
std::string gunzip(std::string_view in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out;
  char buf[4096];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

std::string unbrotli(std::string_view in) {
  std::string out(1 << 20, '\0');
  std::size_t size = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(in.size(), reinterpret_cast<const std::uint8_t*>(in.data()), &size,
                                    reinterpret_cast<std::uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(size);
  return out;
}

// A list page's shape: repetitive JSON, as compressible as the real thing.
std::string list_page(int items) {
  std::string s = R"({"success":true,"data":[)";
  for (int i = 0; i < items; ++i) {
    if (i) s += ',';
    s += R"({"id":"0190a1b2-c3d4-7e5f-8a9b-)" + std::to_string(100000000000 + i) +
         R"(","name":"Product )" + std::to_string(i) + R"(","price":")" + std::to_string(i * 7 % 1000) +
         R"(.99","currency":"EUR","stock":)" + std::to_string(i % 50) + "}";
  }
  return s + R"(],"meta":{"page":1,"per_page":20,"total":5000}})";
}

struct Case {
  std::optional<std::string_view> header;
  bool have_br;
  E expected;
};

TEST(Negotiation, FollowsRfc9110) {
  const Case cases[] = {
      {std::nullopt, true, E::identity},                       // absent: plain
      {"", true, E::identity},                                 // empty: identity only
      {"gzip", true, E::gzip},
      {"GZip", true, E::gzip},                                 // case-insensitive
      {"x-gzip", true, E::gzip},                               // §8.4.1.3
      {"br", true, E::br},
      {"br", false, E::identity},                              // br unavailable
      {"gzip, deflate, br, zstd", true, E::br},                // a browser: br wins the tie
      {"gzip, deflate, br, zstd", false, E::gzip},
      {"gzip;q=1.0, br;q=0.5", true, E::gzip},                 // q decides
      {"gzip;q=0.5, br;q=0.9", true, E::br},
      {"gzip ; q=0.5 ,br;Q=0.001", true, E::gzip},             // OWS and a capital Q
      {"gzip;q=0", true, E::identity},                         // q=0: not acceptable
      {"gzip;q=0.000, br;q=0", true, E::identity},
      {"*", true, E::br},
      {"*", false, E::gzip},
      {"*;q=0.5, br;q=0", true, E::gzip},                      // * covers what is not named
      {"*;q=0", true, E::identity},
      {"identity", true, E::identity},
      {"identity;q=0", true, E::identity},                     // no coding acceptable: plain anyway, no 406
      {"identity;q=0, gzip", true, E::gzip},
      {"identity;q=1, gzip;q=0.5", true, E::identity},         // plain preferred
      {"identity;q=0.5, gzip", true, E::gzip},
      {"deflate, compress", true, E::identity},                // nothing we make
      {",, gzip ,,", true, E::gzip},                           // empty list elements
      {"gzip;level=9", true, E::gzip},                         // unknown parameter ignored
      // Malformed: tolerated, answered plain.
      {"gzip;q=2", true, E::identity},
      {"gzip;q=1.5", true, E::identity},
      {"gzip;q=0.0001", true, E::identity},
      {"gzip;q=", true, E::identity},
      {"gzip;q=abc", true, E::identity},
      {"gzip;", true, E::identity},
      {"gzip br", true, E::identity},
      {"\"gzip\"", true, E::identity},
      {"gzip\x01", true, E::identity},
      {"gzip;q=0.5;", true, E::identity},
  };
  for (const auto& c : cases)
    EXPECT_EQ(choose(c.header, c.have_br), c.expected) << (c.header ? *c.header : "(absent)") << " br=" << c.have_br;
}

TEST(Negotiation, AHugeHeaderIsReadInOnePass) {
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "deflate;q=0.5, ";
  EXPECT_EQ(choose(many + "gzip"), E::gzip);
  EXPECT_EQ(choose(std::string(1 << 20, ',')), E::identity);
  EXPECT_EQ(choose(std::string(1 << 20, 'a')), E::identity);
}

TEST(Compress, GzipRoundTripsThroughZlibInflate) {
  const auto body = list_page(20);
  const auto coded = compress(E::gzip, body);
  ASSERT_TRUE(coded);
  EXPECT_LT(coded->size(), body.size() / 3);
  EXPECT_EQ(static_cast<unsigned char>((*coded)[0]), 0x1f);  // the gzip magic (RFC 1952)
  EXPECT_EQ(static_cast<unsigned char>((*coded)[1]), 0x8b);
  EXPECT_EQ(gunzip(*coded), body);
  // The thread's reused stream starts afresh for the next body.
  const auto other = list_page(3);
  EXPECT_EQ(gunzip(*compress(E::gzip, other)), other);
}

TEST(Compress, BrotliRoundTrips) {
  const auto body = list_page(20);
  const auto coded = compress(E::br, body);
  ASSERT_TRUE(coded);
  EXPECT_LT(coded->size(), body.size() / 3);
  EXPECT_EQ(unbrotli(*coded), body);
}

TEST(Compress, NothingWhenNotSmaller) {
  EXPECT_FALSE(compress(E::identity, list_page(20)));
  EXPECT_FALSE(compress(E::gzip, ""));
  EXPECT_FALSE(compress(E::br, ""));
  EXPECT_FALSE(compress(E::gzip, "{}"));  // 20 bytes of gzip framing for 2 bytes
}

TEST(ContentType, JsonAndTextOnly) {
  EXPECT_TRUE(compressible_type("application/json"));
  EXPECT_TRUE(compressible_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(compressible_type("application/problem+json"));
  EXPECT_TRUE(compressible_type("text/plain"));
  EXPECT_TRUE(compressible_type("text/html;charset=utf-8"));
  EXPECT_FALSE(compressible_type("image/png"));
  EXPECT_FALSE(compressible_type("application/octet-stream"));
  EXPECT_FALSE(compressible_type("application/gzip"));
  EXPECT_FALSE(compressible_type("application/+json"));
  EXPECT_FALSE(compressible_type("text/"));
  EXPECT_FALSE(compressible_type(""));
  EXPECT_FALSE(compressible_type("json"));
}

TEST(ETag, CodedRepresentationsGetTheirOwnTag) {
  EXPECT_EQ(coded_etag(R"("abc")", E::gzip), R"("abc-gzip")");
  EXPECT_EQ(coded_etag(R"("abc")", E::br), R"("abc-br")");
  EXPECT_EQ(coded_etag(R"(W/"abc")", E::gzip), R"(W/"abc-gzip")");
  EXPECT_EQ(coded_etag(R"("abc")", E::identity), R"("abc")");
  EXPECT_EQ(coded_etag("abc", E::gzip), "abc");  // not an entity tag: left alone
  EXPECT_EQ(coded_etag("\"", E::gzip), "\"");
}

TEST(ETag, ConditionalHeadersLoseTheSuffixes) {
  EXPECT_EQ(strip_coding_suffixes(R"("abc-gzip")"), R"("abc")");
  EXPECT_EQ(strip_coding_suffixes(R"(W/"abc-br", "def", "x.1.ff-gzip")"), R"(W/"abc", "def", "x.1.ff")");
  EXPECT_EQ(strip_coding_suffixes(R"("a-gzip-gzip")"), R"("a-gzip")");  // one suffix, as one was added
  EXPECT_FALSE(strip_coding_suffixes(R"("abc")"));
  EXPECT_FALSE(strip_coding_suffixes("*"));
  EXPECT_FALSE(strip_coding_suffixes(R"("-gzip")"));  // the whole tag is not a suffix
  EXPECT_FALSE(strip_coding_suffixes(R"("abc-gzip)"));  // unterminated: the origin judges it
  // Round trip: what coded_etag adds, this removes.
  EXPECT_EQ(strip_coding_suffixes(coded_etag(R"("0190.3.00ff")", E::gzip)), R"("0190.3.00ff")");
}

}  // namespace
}  // namespace mercato::http
