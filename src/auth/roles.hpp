#pragma once
// Roles and the one role check every handler uses. Roles are ordered:
// viewer < editor < admin; a route names the least role it needs.

#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace mercato::auth {

enum class Role { viewer = 1, editor = 2, admin = 3 };

std::optional<Role> parse_role(std::string_view text);
std::string_view role_name(Role r);

/// OK when the request carries a verified principal whose role is at least `least`.
/// No principal → auth_required (401); a lesser role → forbidden (403).
Status require_role(const http::Request& req, Role least);

}  // namespace mercato::auth
