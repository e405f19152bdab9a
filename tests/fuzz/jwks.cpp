// The JWKS reader (auth::parse_jwks) on any document. A key set it accepts must render
// (render_jwks) into a document it reads back as the same keys.
#include <cstdint>
#include <string_view>

#include "auth/jwks.hpp"
#include "check.hpp"

using namespace mercato;
using namespace mercato::auth;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto set = parse_jwks(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!set) {
    FUZZ_CHECK(set.error().code == ErrorCode::bad_gateway);
    return 0;
  }
  auto again = parse_jwks(render_jwks(*set));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->entries() == set->entries());
  for (const auto& [kid, pk] : set->entries()) FUZZ_CHECK(!kid.empty() && set->find(kid) == &pk);
  return 0;
}
