#pragma once
// The variables of the read replicas a service with a db::ReplicaSet reads (the catalog).

#include "core/config.hpp"

namespace mercato::db {

/// DB_REPLICA_HOSTS, DB_REPLICA_MAX_LAG → Settings::db.replicas, db.replica_max_lag.
const config::Group& replica_config();

}  // namespace mercato::db
