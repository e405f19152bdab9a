// User management (admin only): list, create, change, delete. Each handler parses, checks that
// the caller is an admin now, calls UsersService (users_service.hpp: the rules, the transaction,
// audit and revocations) and answers.
#include <utility>

#include <memory>

#include "auth/roles.hpp"
#include "auth/verifier.hpp"
#include "core/json.hpp"
#include "http/envelope.hpp"
#include "services/identity/current_user.hpp"
#include "services/identity/routes.hpp"
#include "services/identity/users_json.hpp"
#include "services/identity/users_service.hpp"
#include "services/identity/validation.hpp"

namespace mercato::identity {

namespace {

using http::Request;
using http::Response;

/// The token says admin; the database must agree now, because an access token outlives a
/// demotion or deactivation by up to JWT_ACCESS_TTL and these routes hand out power. Identity
/// does not follow the revocation bus for its own tokens: current_user() reads the actor's row
/// (one primary-key query per request, fine for these low-volume admin routes).
asio::awaitable<Status> require_current_admin(IdentityContext& ctx, const Request& req) {
  if (auto st = auth::require_role(req, auth::Role::admin); !st) co_return st;
  auto actor = co_await current_user(ctx.users, *req.principal, req.context.scope());
  if (!actor) co_return std::move(actor).error();
  if (actor->role != "admin") co_return Error{ErrorCode::forbidden, "this action needs the admin role"};
  co_return Status{};
}

Response refused(const Error& e) {
  Response r = http::error_response(e);
  if (e.code == ErrorCode::invalid_token) r.set_header("WWW-Authenticate", R"(Bearer error="invalid_token")");
  return r;
}

asio::awaitable<Response> list_users(IdentityContext& ctx, UsersService& users, Request& req) {
  if (auto st = co_await require_current_admin(ctx, req); !st) co_return refused(st.error());
  auto q = read_page_query(req);
  if (!q) co_return http::error_response(q.error());
  auto page = co_await users.list(q->per_page, (q->page - 1) * q->per_page, req.context.scope());
  if (!page) co_return http::error_response(page.error());
  std::string data;
  json::Writer w(data);
  w.begin_array();
  for (const auto& u : page->users) write_user(w, u);
  w.end_array();
  std::string meta;
  json::Writer mw(meta);
  mw.begin_object().key("page").integer(q->page).key("per_page").integer(q->per_page);
  mw.key("total_items").integer(page->total);
  mw.key("total_pages").integer((page->total + q->per_page - 1) / q->per_page).end_object();
  co_return http::ok(data, 200, meta);
}

asio::awaitable<Response> create_user(IdentityContext& ctx, UsersService& users, Request& req) {
  if (auto st = co_await require_current_admin(ctx, req); !st) co_return refused(st.error());
  auto body = parse_create_user(req);
  if (!body) co_return http::error_response(body.error());
  auto hash = co_await ctx.hasher.hash(std::move(body->password), req.context.scope());
  if (!hash) co_return http::error_response(hash.error());
  NewUser fresh{body->email, body->name, body->role, std::move(*hash)};
  auto user = co_await users.create(std::move(fresh), req.principal->subject, req.context.scope());
  if (!user) co_return http::error_response(user.error());
  Response r = http::ok(user_json(*user), 201);
  r.set_header("Location", "/api/v1/users/" + user->id);
  co_return r;
}

asio::awaitable<Response> update_user(IdentityContext& ctx, UsersService& users, Request& req) {
  if (auto st = co_await require_current_admin(ctx, req); !st) co_return refused(st.error());
  auto body = parse_patch_user(req);
  if (!body) co_return http::error_response(body.error());
  UserChange change{body->name, body->role, body->active, std::nullopt};
  if (body->password) {
    auto hash = co_await ctx.hasher.hash(std::move(*body->password), req.context.scope());
    if (!hash) co_return http::error_response(hash.error());
    change.password_hash = std::move(*hash);
  }
  auto user = co_await users.update(std::string(req.param("id")), std::move(change), req.principal->subject,
                                    req.context.scope());
  if (!user) co_return http::error_response(user.error());
  co_return http::ok(user_json(*user));
}

asio::awaitable<Response> delete_user(IdentityContext& ctx, UsersService& users, Request& req) {
  if (auto st = co_await require_current_admin(ctx, req); !st) co_return refused(st.error());
  auto st = co_await users.remove(std::string(req.param("id")), req.principal->subject, req.context.scope());
  if (!st) co_return http::error_response(st.error());
  co_return http::no_content();
}

}  // namespace

void install_users_routes(http::Router& router, IdentityContext& ctx) {
  // Owned by the routes (it holds only references), so main.cpp lists no extra part.
  auto users = std::make_shared<UsersService>(ctx.users, ctx.revocations);
  router.get("/api/v1/users", [&ctx, users](Request& req) { return list_users(ctx, *users, req); });
  router.post("/api/v1/users", [&ctx, users](Request& req) { return create_user(ctx, *users, req); });
  router.patch("/api/v1/users/{id:uuid}", [&ctx, users](Request& req) { return update_user(ctx, *users, req); });
  router.del("/api/v1/users/{id:uuid}", [&ctx, users](Request& req) { return delete_user(ctx, *users, req); });
}

}  // namespace mercato::identity
