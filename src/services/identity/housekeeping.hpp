#pragma once
// Identity's background work: every 2 s it picks up keys added by `keys rotate` (from any
// machine sharing JWT_KEYS_DIR) and lets retired ones go; every hour, once the schema is
// ready, it deletes refresh families long dead.

#include <boost/asio/io_context.hpp>

#include "auth/key_store.hpp"
#include "services/identity/refresh_tokens.hpp"
#include "services/identity/schema.hpp"

namespace mercato::identity {

/// Runs on `io` until it stops; every argument must outlive `io`'s run.
void start_housekeeping(boost::asio::io_context& io, auth::LocalKeys& keys, RefreshTokens& refresh,
                        const Schema& schema);

}  // namespace mercato::identity
