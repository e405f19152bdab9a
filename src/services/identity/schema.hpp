#pragma once
// Identity's schema is the service kit's (service/schema.hpp: migrations of
// MIGRATIONS_DIR/identity, retried while the database is away), under the name the routes
// that ask whether it is ready already know.

#include "service/schema.hpp"

namespace mercato::identity {

class Schema : public service::Schema {
 public:
  explicit Schema(const config::Settings& s) : service::Schema(s.db, s.migrations_dir, "identity") {}
};

}  // namespace mercato::identity
