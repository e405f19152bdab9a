// Identity's request bodies: create user, patch user, login, and the refresh token (body or
// cookie). The input is a Cookie header line, then the body; Content-Type is JSON.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "check.hpp"
#include "http/body_fields.hpp"
#include "services/identity/users_json.hpp"
#include "services/identity/validation.hpp"

using namespace mercato;
using namespace mercato::identity;

namespace {

void refused_with_reason(const Error& e) {
  FUZZ_CHECK(e.code == ErrorCode::bad_request || e.code == ErrorCode::validation_failed);
  if (e.code == ErrorCode::validation_failed) FUZZ_CHECK(!e.details.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string cookie = in.ConsumeRandomLengthString(256);
  http::Request req;
  req.method = http::Method::POST;
  req.target = "/api/v1/users";
  req.body = in.ConsumeRemainingBytesAsString();
  req.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  req.headers.emplace_back("Cookie", cookie);

  if (auto u = parse_create_user(req)) {
    FUZZ_CHECK(!email_problem(u->email) && !role_problem(u->role) && !name_problem(u->name));
  } else {
    refused_with_reason(u.error());
  }
  if (auto p = parse_patch_user(req)) {
    FUZZ_CHECK(p->name || p->role || p->active || p->password);
    if (p->role) FUZZ_CHECK(!role_problem(*p->role));
  } else {
    refused_with_reason(p.error());
  }
  if (auto l = parse_login(req)) {
    FUZZ_CHECK(!l->email.empty() && !l->password.empty());
  } else {
    refused_with_reason(l.error());
  }
  if (auto t = refresh_token_of(req)) {
    if (*t) {
      const auto& token = (*t)->token;
      if ((*t)->from_cookie) FUZZ_CHECK(cookie.find(token) != std::string::npos);
      else FUZZ_CHECK(http::utf8_length(token) <= 256);
    }
  } else {
    refused_with_reason(t.error());
  }
  return 0;
}
