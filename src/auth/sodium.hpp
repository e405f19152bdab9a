#pragma once

namespace mercato::auth {

/// libsodium must be initialised before its first use; cheap after the first call (a
/// function-local static), thread-safe. Throws std::runtime_error if it cannot start.
void ensure_sodium();

}  // namespace mercato::auth
