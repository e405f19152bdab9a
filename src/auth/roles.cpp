#include "auth/roles.hpp"

#include <string>

namespace mercato::auth {

std::optional<Role> parse_role(std::string_view t) {
  if (t == "viewer") return Role::viewer;
  if (t == "editor") return Role::editor;
  if (t == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::viewer: return "viewer";
    case Role::editor: return "editor";
    case Role::admin: return "admin";
  }
  return "viewer";
}

Status require_role(const http::Request& req, Role least) {
  if (!req.principal) return Error{ErrorCode::auth_required, "authentication required"};
  auto role = parse_role(req.principal->role);
  if (!role || static_cast<int>(*role) < static_cast<int>(least))
    return Error{ErrorCode::forbidden, "this action needs the " + std::string(role_name(least)) + " role"};
  return {};
}

}  // namespace mercato::auth
