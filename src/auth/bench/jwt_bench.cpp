// Token verification cost (the goal: >= 20,000 verifications/s on one core; ES256
// through libjwt manages ~1,700/s). Not globbed into mercato_auth (it has its own main):
// build it with the `identity_bench` target or by hand, see the command in README/report:
//   g++ -std=c++20 -O2 -DNDEBUG -I src src/auth/bench/jwt_bench.cpp src/auth/{jwt,base64url,sodium,roles,verifier}.cpp
//   \
//       src/core/json.cpp -lbenchmark -lsimdjson -lsodium -lpthread -o /tmp/jwt_bench
#include <benchmark/benchmark.h>

#include "auth/jwt.hpp"
#include "auth/verifier.hpp"

namespace {

using namespace mercato::auth;

struct Fixture {
  SigningKey key = SigningKey::generate(1);
  std::shared_ptr<KeySet> keys = std::make_shared<KeySet>();
  VerifyOptions options{"mercato-identity", "mercato", 30};
  std::string token;
  std::int64_t now = unix_now();

  Fixture() {
    keys->add(key.kid, key.public_key);
    // A second, older key published beside the current one, as after a rotation.
    const auto old = SigningKey::generate(0);
    keys->add(old.kid, old.public_key);
    Claims c{"mercato-identity",
             "mercato",
             "01a212df-f376-70dd-978e-55b97439074d",
             "editor",
             "00000000-0000-7000-8000-000000000001",
             "01a212df-fae3-7424-b7df-d6bcb086c9db",
             now,
             now + 900,
             {}};
    token = sign_token(c, key);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

class Static : public KeySource {
 public:
  explicit Static(std::shared_ptr<const KeySet> s) : s_(std::move(s)) {}
  std::shared_ptr<const KeySet> keys() const override { return s_; }
  boost::asio::awaitable<std::shared_ptr<const KeySet>> refresh_for(std::string) override { co_return s_; }

 private:
  std::shared_ptr<const KeySet> s_;
};

// Everything: split, base64url, header JSON, kid lookup, Ed25519 verify, claims JSON, checks.
void BM_VerifyToken(benchmark::State& state) {
  auto& f = fixture();
  Claims out;
  for (auto _ : state) {
    auto fault = verify_token(f.token, *f.keys, f.options, f.now, out);
    benchmark::DoNotOptimize(fault);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyToken);

// What the middleware pays for a token it has seen before (the common case: a browser sends
// the same token with every request for its 15 minutes).
void BM_VerifierCacheHit(benchmark::State& state) {
  auto& f = fixture();
  TokenVerifier v(std::make_shared<Static>(f.keys), f.options);
  Claims out;
  v.verify(f.token, f.now, out);
  for (auto _ : state) {
    auto fault = v.verify(f.token, f.now, out);
    benchmark::DoNotOptimize(fault);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifierCacheHit);

// A forged token (bad signature) costs one verification and is never cached.
void BM_RejectForgedSignature(benchmark::State& state) {
  auto& f = fixture();
  std::string forged = f.token;
  forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
  TokenVerifier v(std::make_shared<Static>(f.keys), f.options);
  Claims out;
  for (auto _ : state) {
    auto fault = v.verify(forged, f.now, out);
    benchmark::DoNotOptimize(fault);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RejectForgedSignature);

void BM_SignToken(benchmark::State& state) {
  auto& f = fixture();
  Claims c{"mercato-identity",
           "mercato",
           "01a212df-f376-70dd-978e-55b97439074d",
           "editor",
           "00000000-0000-7000-8000-000000000001",
           "j",
           f.now,
           f.now + 900,
           {}};
  for (auto _ : state) benchmark::DoNotOptimize(sign_token(c, f.key));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SignToken);

}  // namespace

BENCHMARK_MAIN();
