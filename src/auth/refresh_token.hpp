#pragma once
// Refresh tokens: opaque 256-bit random values, stored only as their SHA-256, grouped in
// families (one family per login). Each use rotates: the presented token is marked used and
// a successor issued. Presenting a used token again means two parties hold it — the user
// and a thief — so the whole family is revoked and both must log in again.
//
// Grace window. Two browser tabs that wake up together both send the same token; the
// second would look like theft. So, for `grace` (2 s) after a rotation, a duplicate from the
// same client (same address and User-Agent fingerprint) gets the same successor back
// instead of a revocation. We do not keep successors in plain text to make that possible:
// the successor is stored sealed (XSalsa20-Poly1305) under a key derived from the
// *presented* token, which the database holds only as a hash. Only someone presenting that
// very token can open it — a database reader cannot — and after the window it is useless.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mercato::auth {

/// A new token: base64url of 32 random bytes (43 characters).
std::string new_refresh_token();
/// 43 base64url characters: the only shape worth looking up.
bool is_refresh_token_shape(std::string_view token);
/// Lowercase hex SHA-256 of the token: what the database stores and looks up.
std::string refresh_token_hash(std::string_view token);
/// Lowercase hex SHA-256 of the client's address and User-Agent, for the grace check.
std::string client_fingerprint(std::string_view address, std::string_view user_agent);

/// Lowercase hex of nonce || sealed successor, openable only with `presented`.
std::string seal_successor(std::string_view presented, std::string_view successor);
/// The successor sealed by seal_successor(presented, …); nullopt if `sealed` was not
/// sealed under `presented` or was altered.
std::optional<std::string> open_successor(std::string_view presented, std::string_view sealed_hex);

/// What the database says about a presented token (found by its hash).
struct RefreshState {
  bool family_revoked = false;
  bool family_expired = false;
  bool user_can_login = true;  // active and not deleted
  bool used = false;           // already rotated
  std::chrono::milliseconds since_used{0};
  std::string used_by;            // fingerprint of the client that rotated it
  bool successor_unused = false;  // its successor has not been rotated in turn
  bool has_sealed_successor = false;
};

enum class RefreshAction {
  rotate,            // mark used, issue a successor
  replay_successor,  // duplicate inside the grace window: hand back the same successor
  reuse_detected,    // a used token again: revoke the family, log, refuse
  revoke,            // the user may no longer log in: revoke the family, refuse
  reject,            // family already revoked or expired: refuse
};

RefreshAction decide_refresh(const RefreshState& s, std::string_view fingerprint, std::chrono::milliseconds grace);

}  // namespace mercato::auth
