// The server's read path on hostile bytes: http::parse_request is the step a connection runs
// on what it received (same parser, limits and conversion to a Request). The first byte picks
// the size of each simulated read; the rest is what the client sent. Requests are taken one
// after the other as on a keep-alive connection, and each complete one goes through what the
// router and a handler do with it first.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

using namespace mercato::http;

namespace {

// Small limits, so that inputs of libFuzzer's default length reach them.
const ServerOptions& options() {
  static const ServerOptions o = [] {
    ServerOptions s;
    s.max_header = 1024;
    s.max_body = 1024;
    return s;
  }();
  return o;
}

const Router& router() {
  static const Router* r = [] {
    auto* r = new Router;
    Handler none = [](Request&) -> boost::asio::awaitable<Response> { co_return Response{}; };
    r->get("/api/v1/products", none);
    r->get("/api/v1/products/{id:uuid}", none);
    r->patch("/api/v1/products/{id:uuid}", none);
    r->get("/api/v1/things/{n:int}", none);
    r->get("/files/{name}", none);
    return r;
  }();
  return *r;
}

void use(const Request& req) {
  FUZZ_CHECK(!req.target.empty() && req.target[0] == '/');
  const auto path = req.path();
  const auto query = req.query();
  FUZZ_CHECK(path.size() + (query.empty() ? 0 : query.size() + 1) <= req.target.size());
  for (const auto& [name, value] : req.headers) FUZZ_CHECK(req.header(name).has_value());
  (void)req.header("Content-Type");
  for (const auto& name : req.query_names()) (void)req.query_param(name);
  (void)req.query_param("page");
  std::string decoded;
  if (percent_decode(path, decoded, false)) FUZZ_CHECK(decoded.size() <= path.size());
  auto m = router().match(req.method, path);
  if (m.kind == Router::Match::Kind::found) FUZZ_CHECK(m.handler != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr std::array<std::size_t, 5> kReadSizes{1, 7, 64, 4096, std::string_view::npos};
  const std::size_t read_size = kReadSizes[data[0] % kReadSizes.size()];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!bytes.empty()) {
    auto out = parse_request(bytes, options(), use, read_size);
    if (out.kind == ParseOutcome::Kind::refused && out.answer) {
      const int status = out.answer->http_status();
      FUZZ_CHECK(status == 400 || status == 413 || status == 431);
    }
    if (out.kind != ParseOutcome::Kind::complete) break;
    FUZZ_CHECK(out.consumed > 0 && out.consumed <= bytes.size());
    if (!out.keep_alive) break;
    bytes.remove_prefix(out.consumed);
  }
  return 0;
}
