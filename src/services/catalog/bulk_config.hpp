#pragma once
// The variables of bulk product writes and of the jobs worker (bulk_service.hpp, jobs.hpp).

#include "core/config.hpp"

namespace mercato::catalog {

/// BULK_MAX_ITEMS, BULK_CHUNK_SIZE, JOBS_WORKER, JOBS_POLL_INTERVAL, JOBS_HEARTBEAT_TIMEOUT,
/// JOBS_MAX_ATTEMPTS → Settings::bulk_*, jobs_*.
const config::Group& bulk_config();

}  // namespace mercato::catalog
