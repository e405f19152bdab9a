#include "db/replica_config.hpp"

#include <algorithm>

namespace mercato::db {
namespace {

using K = config::Kind;
using namespace config::units;

constexpr config::VarSpec kVars[] = {
    {"DB_REPLICA_HOSTS", K::string, "",
     "PostgreSQL streaming replicas for reads, host:port,... (same user, password and database as DB_HOST; empty: "
     "every read goes to the primary)"},
    // The floor keeps the bound above the monitor's sampling (a tenth of a second): below it a
    // replica could never prove itself fresh enough.
    {"DB_REPLICA_MAX_LAG", K::duration, "1s",
     "a replica further behind the primary than this serves no reads until it catches up", {}, 500, 10 * kMinute},
};

constexpr std::string_view kAfter[] = {"db"};  // the primary's settings, which replicas share

void load(config::Reader& r, config::Settings& s) {
  const std::string hosts = r.string("DB_REPLICA_HOSTS");
  s.db.replica_max_lag = r.duration("DB_REPLICA_MAX_LAG");
  std::vector<config::HostPort> list;
  if (!config::parse_host_list(hosts, list) || std::any_of(list.begin(), list.end(), [](const auto& h) {
        return h.host.empty() || h.port == 0;
      }))
    r.fail_rule("DB_REPLICA_HOSTS=\"" + hosts + "\": expected host:port pairs separated by commas");
  s.db.replicas = std::move(list);
}

constexpr config::Group kGroup{"db_replicas", "src/db/replica_config.cpp", kVars, load, {}, kAfter};

}  // namespace

const config::Group& replica_config() { return kGroup; }

}  // namespace mercato::db
