#include "services/identity/current_user.hpp"

#include "auth/roles.hpp"
#include "auth/verifier.hpp"

namespace mercato::identity {

asio::awaitable<Result<User>> current_user(UserStore& users, const http::Principal& principal, trace::Scope scope) {
  auto row = co_await users.by_id(principal.subject, scope);
  if (!row) co_return std::move(row).error();
  if (!*row || !(*row)->can_log_in()) co_return auth::token_error(auth::TokenFault::claims);
  User& user = **row;
  if (principal.issued_at < user.tokens_not_before) co_return auth::token_error(auth::TokenFault::revoked);
  // The token's role is what it was issued with; a lower current role without a newer
  // tokens_not_before (a row changed by hand) still must not lend the token the old power.
  const auto claimed = auth::parse_role(principal.role);
  const auto current = auth::parse_role(user.role);
  if (!claimed || !current || *claimed > *current) co_return auth::token_error(auth::TokenFault::claims);
  co_return std::move(user);
}

}  // namespace mercato::identity
