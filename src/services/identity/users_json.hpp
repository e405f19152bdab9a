#pragma once
// Users on the wire: the JSON a client sees (never the password hash), and the request
// bodies of the users and auth routes, validated in full.

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "http/message.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

/// {"id","email","name","role","store_id","active","created_at","updated_at","password_changed_at"}
void write_user(json::Writer& w, const User& u);
std::string user_json(const User& u);

struct CreateUserBody {
  std::string email;
  std::string name;
  std::string role;
  std::string password;  // plain; hash it before it goes anywhere
};
/// POST /users: {"email","password","role", "name"?}
Result<CreateUserBody> parse_create_user(const http::Request& req);

struct PatchUserBody {
  std::optional<std::string> name;
  std::optional<std::string> role;
  std::optional<bool> active;
  std::optional<std::string> password;
};
/// PATCH /users/{id}: any of {"name","role","active","password"}, at least one.
Result<PatchUserBody> parse_patch_user(const http::Request& req);

/// Where a session answer puts the refresh token (RFC 6749 leaves it to us):
///   cookie  only the HttpOnly cookie, never the JSON, so page script cannot read it;
///   body    only the JSON (no cookie), for API clients;
///   both    both (a login that did not say, as before the choice existed).
enum class RefreshDelivery { cookie, body, both };

struct LoginBody {
  std::string email;  // normalize_email()'d: what the database compares and the throttle counts
  std::string password;
  RefreshDelivery delivery = RefreshDelivery::both;
};
/// POST /auth/login: {"email","password","refresh_token_delivery"?: "cookie"|"body"}. Only
/// shapes are checked (not the password policy: an old password must still be able to log
/// in to be changed); an email with a control character is a 422 on `email`.
Result<LoginBody> parse_login(const http::Request& req);

struct PresentedRefresh {
  std::string token;
  bool from_cookie = false;
};
/// The refresh token of /auth/refresh and /auth/logout: {"refresh_token"} in the body when
/// there is a body, else the `refresh_token` cookie. nullopt when neither is there;
/// an Error for a body that is not valid.
Result<std::optional<PresentedRefresh>> refresh_token_of(const http::Request& req);

}  // namespace mercato::identity
