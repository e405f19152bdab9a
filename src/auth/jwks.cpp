#include "auth/jwks.hpp"

#include <simdjson.h>

#include "auth/base64url.hpp"
#include "core/json.hpp"

namespace mercato::auth {

std::string render_jwks(const KeySet& keys) {
  std::string out;
  json::Writer w(out);
  w.begin_object().key("keys").begin_array();
  for (const auto& [kid, pk] : keys.entries()) {
    w.begin_object();
    w.key("kty").string("OKP").key("crv").string("Ed25519");
    w.key("x").string(base64url_encode({reinterpret_cast<const char*>(pk.data()), pk.size()}));
    w.key("kid").string(kid).key("use").string("sig").key("alg").string("EdDSA");
    if (const auto end = keys.not_after(kid); end > 0) w.key("exp").integer(end);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

namespace {
Error bad(std::string what) { return Error{ErrorCode::bad_gateway, "JWKS document: " + std::move(what)}; }

std::string_view member(simdjson::dom::object o, std::string_view name) {
  std::string_view v;
  if (o[name].get_string().get(v)) return {};
  return v;
}
}  // namespace

Result<KeySet> parse_jwks(std::string_view text, std::vector<std::string>* ignored) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size(), true).get(root)) return bad("not JSON");
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return bad("not an object");
  simdjson::dom::element data;
  if (!obj["data"].get(data)) {
    if (data.get_object().get(obj)) return bad("data is not an object");
  }
  simdjson::dom::array arr;
  if (obj["keys"].get_array().get(arr)) return bad("no keys array");
  KeySet set;
  for (auto item : arr) {
    simdjson::dom::object k;
    if (item.get_object().get(k)) return bad("a key is not an object");
    if (member(k, "kty") != "OKP" || member(k, "crv") != "Ed25519") continue;
    const auto use = member(k, "use");
    const auto alg = member(k, "alg");
    if ((!use.empty() && use != "sig") || (!alg.empty() && alg != "EdDSA")) continue;
    const auto kid = member(k, "kid");
    PublicKey pk{};
    if (kid.empty()) return bad("an Ed25519 key has no kid");
    if (!base64url_decode_exact(member(k, "x"), pk.data(), pk.size())) return bad("an Ed25519 key has a bad x");
    if (thumbprint(pk) != kid) {
      if (ignored) ignored->emplace_back(kid.substr(0, 64));
      continue;
    }
    std::int64_t not_after = 0;
    if (k["exp"].get_int64().get(not_after) || not_after < 0) not_after = 0;
    set.add(std::string(kid), pk, not_after);
  }
  return set;
}

}  // namespace mercato::auth
