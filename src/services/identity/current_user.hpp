#pragma once
// The user behind a verified access token, as the database says now. Identity owns
// users.tokens_not_before, so its own routes check the row itself instead of following the
// revocation bus the other verifiers use: one primary-key read per request, affordable because
// only the low-volume routes that need it (/auth/me, the admin users API) call this.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "http/message.hpp"
#include "services/identity/user_store.hpp"

namespace mercato::identity {

/// The live, active user the principal names. invalid_token (401) when the user is deleted or
/// inactive, when the token was issued before the user's tokens_not_before (demoted,
/// re-passworded, deactivated since — even if since restored), or when its role claim is above
/// the user's current role. A database failure comes back as is; the read ends by `deadline`.
asio::awaitable<Result<User>> current_user(UserStore& users, const http::Principal& principal, trace::Scope scope);

}  // namespace mercato::identity
