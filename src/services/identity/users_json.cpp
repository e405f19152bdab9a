#include "services/identity/users_json.hpp"

#include "http/cookies.hpp"

#include "auth/passwords.hpp"
#include "services/identity/validation.hpp"

namespace mercato::identity {

void write_user(json::Writer& w, const User& u) {
  w.begin_object();
  w.key("id").string(u.id).key("email").string(u.email).key("name").string(u.name);
  w.key("role").string(u.role).key("store_id").string(u.store_id).key("active").boolean(u.active);
  w.key("created_at").string(u.created_at).key("updated_at").string(u.updated_at);
  w.key("password_changed_at").string(u.password_changed_at);
  w.end_object();
}

std::string user_json(const User& u) {
  std::string out;
  json::Writer w(out);
  write_user(w, u);
  return out;
}

namespace {

void check(http::BodyFields& f, std::string_view field, const std::optional<std::string>& value,
           std::optional<std::string> (*problem)(std::string_view)) {
  if (value)
    if (auto p = problem(*value)) f.add(field, *p);
}

std::optional<std::string> password_rule(std::string_view p) { return auth::password_problem(p); }

}  // namespace

Result<CreateUserBody> parse_create_user(const http::Request& req) {
  auto doc = read_json_body(req);
  if (!doc) return std::move(doc).error();
  http::BodyFields f((*doc)->root());
  auto email = f.string("email", true, 254);
  auto password = f.string("password", true, 1024);
  auto role = f.string("role", true, 32);
  auto name = f.string("name", false, 200);
  check(f, "email", email, email_problem);
  check(f, "password", password, password_rule);
  check(f, "role", role, role_problem);
  check(f, "name", name, name_problem);
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors));
  return CreateUserBody{*email, name.value_or(""), *role, *password};
}

Result<PatchUserBody> parse_patch_user(const http::Request& req) {
  auto doc = read_json_body(req);
  if (!doc) return std::move(doc).error();
  http::BodyFields f((*doc)->root());
  PatchUserBody b;
  b.name = f.string("name", false, 200);
  b.role = f.string("role", false, 32);
  b.active = f.boolean("active");
  b.password = f.string("password", false, 1024);
  check(f, "name", b.name, name_problem);
  check(f, "role", b.role, role_problem);
  check(f, "password", b.password, password_rule);
  auto errors = f.finish();
  if (errors.empty() && !b.name && !b.role && !b.active && !b.password)
    errors.push_back({"body", "must change at least one of name, role, active, password"});
  if (!errors.empty()) return validation_failed(std::move(errors));
  return b;
}

Result<LoginBody> parse_login(const http::Request& req) {
  auto doc = read_json_body(req);
  if (!doc) return std::move(doc).error();
  http::BodyFields f((*doc)->root());
  auto email = f.string("email", true, 254);
  auto password = f.string("password", true, auth::kMaxPasswordBytes);
  auto delivery = f.string("refresh_token_delivery", false, 16);
  if (email && has_control(*email))
    f.add("email", "must not contain control characters");
  else if (email && normalize_email(*email).empty())
    f.add("email", "must not be empty");
  if (password && password->empty()) f.add("password", "must not be empty");
  RefreshDelivery where = RefreshDelivery::both;
  if (delivery) {
    if (*delivery == "cookie")
      where = RefreshDelivery::cookie;
    else if (*delivery == "body")
      where = RefreshDelivery::body;
    else
      f.add("refresh_token_delivery", "must be cookie or body");
  }
  auto errors = f.finish();
  if (!errors.empty()) return validation_failed(std::move(errors));
  // The database and the throttle both see this one spelling (see normalize_email).
  return LoginBody{normalize_email(*email), *password, where};
}


Result<std::optional<PresentedRefresh>> refresh_token_of(const http::Request& req) {
  if (has_body(req)) {
    auto doc = read_json_body(req);
    if (!doc) return std::move(doc).error();
    http::BodyFields f((*doc)->root());
    auto token = f.string("refresh_token", false, 256);
    if (token && has_control(*token)) f.add("refresh_token", "must not contain control characters");
    auto errors = f.finish();
    if (!errors.empty()) return validation_failed(std::move(errors));
    if (token) return std::optional<PresentedRefresh>(PresentedRefresh{*token, false});
  }
  if (auto c = http::cookie_value(req, "refresh_token")) return std::optional<PresentedRefresh>(PresentedRefresh{*c, true});
  return std::optional<PresentedRefresh>();
}

}  // namespace mercato::identity
