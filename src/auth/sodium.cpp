#include "auth/sodium.hpp"

#include <stdexcept>

#include <sodium.h>

namespace mercato::auth {

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

}  // namespace mercato::auth
