#include "auth/jwt.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <simdjson.h>
#include <sodium.h>

#include "auth/base64url.hpp"
#include "auth/roles.hpp"
#include "auth/sodium.hpp"
#include "core/json.hpp"

namespace mercato::auth {

SigningKey::~SigningKey() { sodium_memzero(secret_key.data(), secret_key.size()); }

SigningKey SigningKey::generate(std::int64_t created_ms) {
  ensure_sodium();
  SigningKey k;
  crypto_sign_keypair(k.public_key.data(), k.secret_key.data());
  k.kid = thumbprint(k.public_key);
  k.created_ms = created_ms;
  return k;
}

SigningKey SigningKey::from_seed(const unsigned char* seed, std::int64_t created_ms) {
  ensure_sodium();
  SigningKey k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed);
  k.kid = thumbprint(k.public_key);
  k.created_ms = created_ms;
  return k;
}

std::string thumbprint(const PublicKey& pk) {
  ensure_sodium();
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" +
                                base64url_encode({reinterpret_cast<const char*>(pk.data()), pk.size()}) + "\"}";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return base64url_encode({reinterpret_cast<const char*>(digest), sizeof digest});
}

void KeySet::add(std::string kid, const PublicKey& pk, std::int64_t not_after) {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].first == kid) {
      keys_[i].second = pk;
      not_after_[i] = not_after;
      return;
    }
  }
  keys_.emplace_back(std::move(kid), pk);
  not_after_.push_back(not_after);
}

std::int64_t KeySet::not_after(std::string_view kid) const {
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i].first == kid) return not_after_[i];
  return 0;
}

bool KeySet::has_expired(std::int64_t now) const {
  for (auto t : not_after_)
    if (t > 0 && t <= now) return true;
  return false;
}

KeySet KeySet::without_expired(std::int64_t now) const {
  KeySet out;
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (not_after_[i] == 0 || not_after_[i] > now) out.add(keys_[i].first, keys_[i].second, not_after_[i]);
  return out;
}

const PublicKey* KeySet::find(std::string_view kid) const {
  for (const auto& [k, v] : keys_)
    if (k == kid) return &v;
  return nullptr;
}

VerifyOptions VerifyOptions::from(const config::Settings& s) {
  VerifyOptions o;
  o.issuer = s.jwt_issuer;
  o.audience = s.jwt_audience;
  o.leeway_seconds = std::chrono::duration_cast<std::chrono::seconds>(s.jwt_clock_skew).count();
  return o;
}

std::string_view fault_name(TokenFault f) {
  switch (f) {
    case TokenFault::none:
      return "none";
    case TokenFault::malformed:
      return "malformed";
    case TokenFault::algorithm:
      return "algorithm";
    case TokenFault::unknown_key:
      return "unknown_key";
    case TokenFault::signature:
      return "signature";
    case TokenFault::expired:
      return "expired";
    case TokenFault::not_yet_valid:
      return "not_yet_valid";
    case TokenFault::issuer:
      return "issuer";
    case TokenFault::audience:
      return "audience";
    case TokenFault::claims:
      return "claims";
    case TokenFault::revoked:
      return "revoked";
  }
  return "unknown";
}

std::string sign_token(const Claims& c, const SigningKey& key) {
  std::string header;
  json::Writer hw(header);
  hw.begin_object().key("alg").string("EdDSA").key("typ").string("JWT").key("kid").string(key.kid).end_object();

  std::string payload;
  json::Writer pw(payload);
  pw.begin_object();
  pw.key("iss").string(c.iss).key("aud").string(c.aud).key("sub").string(c.sub);
  pw.key("role").string(c.role).key("store").string(c.store);
  pw.key("iat").integer(c.iat);
  if (c.nbf) pw.key("nbf").integer(*c.nbf);
  pw.key("exp").integer(c.exp);
  if (!c.jti.empty()) pw.key("jti").string(c.jti);
  pw.end_object();

  std::string token = base64url_encode(header);
  token += '.';
  token += base64url_encode(payload);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       key.secret_key.data());
  token += '.';
  token += base64url_encode({reinterpret_cast<const char*>(sig), sizeof sig});
  return token;
}

namespace {

struct Segments {
  std::string_view header, payload, signature, signing_input;
};

bool split_token(std::string_view token, Segments& s) {
  if (token.empty() || token.size() > kMaxTokenBytes) return false;
  const auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return false;
  const auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return false;
  s.header = token.substr(0, d1);
  s.payload = token.substr(d1 + 1, d2 - d1 - 1);
  s.signature = token.substr(d2 + 1);
  s.signing_input = token.substr(0, d2);
  return !s.header.empty() && !s.payload.empty() && !s.signature.empty();
}

// One parser per thread: simdjson parsers are not thread-safe, and building one per call
// would cost more than the whole verification.
simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool parse_object(std::string_view b64, std::string& scratch, simdjson::dom::object& out) {
  auto decoded = base64url_decode(b64);
  if (!decoded) return false;
  scratch = std::move(*decoded);
  simdjson::dom::element root;
  if (thread_parser().parse(scratch.data(), scratch.size(), true).get(root)) return false;
  return !root.get_object().get(out);
}

// Bit per member name, so a member given twice (which two JSON parsers may read
// differently) makes the token malformed.
struct Seen {
  unsigned bits = 0;
  bool first(unsigned bit) {
    if (bits & bit) return false;
    bits |= bit;
    return true;
  }
};

struct Header {
  std::string_view alg, kid;
  bool has_alg = false, has_kid = false, critical = false, bad_typ = false;
};

bool read_header(simdjson::dom::object obj, Header& h) {
  Seen seen;
  for (auto field : obj) {
    const std::string_view k = field.key;
    if (k == "alg") {
      if (!seen.first(1) || field.value.get_string().get(h.alg)) return false;
      h.has_alg = true;
    } else if (k == "kid") {
      if (!seen.first(2) || field.value.get_string().get(h.kid)) return false;
      h.has_kid = true;
    } else if (k == "typ") {
      std::string_view typ;
      if (!seen.first(4) || field.value.get_string().get(typ)) return false;
      h.bad_typ = !(typ == "JWT" || typ == "jwt");
    } else if (k == "crit") {
      h.critical = true;  // RFC 7515 §4.1.11: extensions we do not understand must fail
    }
  }
  return true;
}

// NumericDate: whole or fractional seconds (RFC 7519 §2); fractions are dropped.
bool read_numeric_date(simdjson::dom::element v, std::int64_t& out) {
  std::int64_t i = 0;
  if (!v.get_int64().get(i)) {
    out = i;
    return true;
  }
  double d = 0;
  if (!v.get_double().get(d) && std::isfinite(d) && d > -9.0e15 && d < 9.0e15) {
    out = static_cast<std::int64_t>(std::floor(d));
    return true;
  }
  return false;
}

enum class ClaimRead { ok, malformed, claims };

ClaimRead read_claims(simdjson::dom::object obj, const VerifyOptions& o, Claims& c, bool& aud_ok) {
  Seen seen;
  bool has_iat = false, has_exp = false;
  bool type_error = false;
  auto str = [&](simdjson::dom::element v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s))
      type_error = true;
    else
      out.assign(s);
  };
  for (auto field : obj) {
    const std::string_view k = field.key;
    unsigned bit = 0;
    if (k == "iss")
      bit = 1;
    else if (k == "aud")
      bit = 2;
    else if (k == "sub")
      bit = 4;
    else if (k == "role")
      bit = 8;
    else if (k == "store")
      bit = 16;
    else if (k == "iat")
      bit = 32;
    else if (k == "exp")
      bit = 64;
    else if (k == "nbf")
      bit = 128;
    else if (k == "jti")
      bit = 256;
    else
      continue;
    if (!seen.first(bit)) return ClaimRead::malformed;
    switch (bit) {
      case 1:
        str(field.value, c.iss);
        break;
      case 2: {
        // A string, or an array of strings of which one must be ours (RFC 7519 §4.1.3).
        std::string_view s;
        simdjson::dom::array arr;
        if (!field.value.get_string().get(s)) {
          c.aud.assign(s);
          aud_ok = s == o.audience;
        } else if (!field.value.get_array().get(arr)) {
          for (auto item : arr) {
            if (item.get_string().get(s)) {
              type_error = true;
              break;
            }
            if (s == o.audience) {
              aud_ok = true;
              c.aud.assign(s);
            }
          }
        } else {
          type_error = true;
        }
        break;
      }
      case 4:
        str(field.value, c.sub);
        break;
      case 8:
        str(field.value, c.role);
        break;
      case 16:
        str(field.value, c.store);
        break;
      case 32:
        has_iat = read_numeric_date(field.value, c.iat);
        type_error |= !has_iat;
        break;
      case 64:
        has_exp = read_numeric_date(field.value, c.exp);
        type_error |= !has_exp;
        break;
      case 128: {
        std::int64_t nbf = 0;
        if (read_numeric_date(field.value, nbf))
          c.nbf = nbf;
        else
          type_error = true;
        break;
      }
      case 256:
        str(field.value, c.jti);
        break;
    }
  }
  if (type_error || !has_iat || !has_exp || c.sub.empty() || c.store.empty() || !parse_role(c.role))
    return ClaimRead::claims;
  return ClaimRead::ok;
}

}  // namespace

TokenFault verify_token(std::string_view token, const KeySet& keys, const VerifyOptions& o, std::int64_t now,
                        Claims& out, std::string* kid_out) {
  ensure_sodium();
  Segments seg;
  if (!split_token(token, seg)) return TokenFault::malformed;

  thread_local std::string scratch;
  simdjson::dom::object header_obj;
  if (!parse_object(seg.header, scratch, header_obj)) return TokenFault::malformed;
  Header h;
  if (!read_header(header_obj, h)) return TokenFault::malformed;
  // Pinned: `none`, HS256 (keyed with our public key's bytes), RS256, ES256 … all end here,
  // before any key is chosen.
  if (!h.has_alg || h.alg != "EdDSA" || h.critical || h.bad_typ) return TokenFault::algorithm;
  if (!h.has_kid) return TokenFault::unknown_key;
  const PublicKey* pk = keys.find(h.kid);
  if (kid_out) kid_out->assign(h.kid);
  if (!pk) return TokenFault::unknown_key;

  unsigned char sig[crypto_sign_BYTES];
  if (!base64url_decode_exact(seg.signature, sig, sizeof sig)) return TokenFault::malformed;
  if (crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(seg.signing_input.data()),
                                  seg.signing_input.size(), pk->data()) != 0)
    return TokenFault::signature;

  simdjson::dom::object payload_obj;
  if (!parse_object(seg.payload, scratch, payload_obj)) return TokenFault::malformed;
  Claims c;
  bool aud_ok = false;
  switch (read_claims(payload_obj, o, c, aud_ok)) {
    case ClaimRead::ok:
      break;
    case ClaimRead::malformed:
      return TokenFault::malformed;
    case ClaimRead::claims:
      return TokenFault::claims;
  }
  if (c.iss != o.issuer) return TokenFault::issuer;
  if (!aud_ok) return TokenFault::audience;
  if (c.exp <= c.iat) return TokenFault::claims;
  const std::int64_t leeway = o.leeway_seconds;
  // iat may run one second ahead even without leeway: identity dates a token issued in the
  // second of a revocation at the revocation's not-before, the next whole second.
  if (c.iat > now + std::max<std::int64_t>(leeway, 1) || (c.nbf && *c.nbf > now + leeway))
    return TokenFault::not_yet_valid;
  // Not exp + leeway: exp comes from the token and may be the largest integer (found by fuzzing).
  if (now - leeway >= c.exp) return TokenFault::expired;
  out = std::move(c);
  return TokenFault::none;
}

std::string peek_kid(std::string_view token) {
  Segments seg;
  if (!split_token(token, seg)) return {};
  std::string scratch;
  simdjson::dom::object obj;
  if (!parse_object(seg.header, scratch, obj)) return {};
  Header h;
  if (!read_header(obj, h) || !h.has_kid) return {};
  return std::string(h.kid);
}

}  // namespace mercato::auth
