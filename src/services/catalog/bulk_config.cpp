#include "services/catalog/bulk_config.hpp"

namespace mercato::catalog {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"BULK_MAX_ITEMS", K::integer, "1000",
     "products one POST /api/v1/products/bulk may name by id (more: 422; a filter selects any number, as a job)",
     {}, 1, 10000},
    {"BULK_CHUNK_SIZE", K::integer, "100",
     "products per transaction of a bulk write, and per cache invalidation (one bus message each)", {}, 1, 1000},
    {"JOBS_WORKER", K::boolean, "true", "this instance claims and works background jobs (bulk writes by filter)"},
    {"JOBS_POLL_INTERVAL", K::duration, "1s", "how often an idle worker looks for a job", {}, 10, kHour},
    {"JOBS_HEARTBEAT_TIMEOUT", K::duration, "30s",
     "a running job whose heartbeat (one per committed chunk) is older is presumed orphaned and claimed again",
     {}, 1000, 24 * kHour},
    {"JOBS_MAX_ATTEMPTS", K::integer, "3", "claims of one job before it is marked failed", {}, 1, 100},
    {"IMPORT_CHUNK_SIZE", K::integer, "1000",
     "products per transaction of a CSV import job, and per cache invalidation", {}, 1, 10000},
    {"IMPORT_RETENTION", K::duration, "168h",
     "staged rows and errors of an import are deleted this long after its job ended (the summary stays)",
     {}, 60'000, 365 * 24 * kHour},
    {"IMPORT_CURRENCY", K::string, "USD", "the currency of an imported product whose file names none"},
};

void load(config::Reader& r, config::Settings& s) {
  s.bulk_max_items = r.integer("BULK_MAX_ITEMS");
  s.bulk_chunk_size = r.integer("BULK_CHUNK_SIZE");
  s.jobs_worker = r.boolean("JOBS_WORKER");
  s.jobs_poll_interval = r.duration("JOBS_POLL_INTERVAL");
  s.jobs_heartbeat_timeout = r.duration("JOBS_HEARTBEAT_TIMEOUT");
  s.jobs_max_attempts = r.integer("JOBS_MAX_ATTEMPTS");
  s.import_chunk_size = r.integer("IMPORT_CHUNK_SIZE");
  s.import_retention = r.duration("IMPORT_RETENTION");
  s.import_currency = r.string("IMPORT_CURRENCY");
}

constexpr config::Group kGroup{"bulk", "src/services/catalog/bulk_config.cpp", kVars, load};

}  // namespace

const config::Group& bulk_config() { return kGroup; }

}  // namespace mercato::catalog
